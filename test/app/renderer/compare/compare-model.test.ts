import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Host } from '../../../../app/host';
import type { ApiClient, ApiEvents, EventName } from '../../../../app/common/api';
import { CompareModel } from '../../../../app/renderer/compare/compare-model';

/**
 * The compare tab's model over a real host and run store, the API called in process; events
 * are fired by the test where the workspace would send them, so what the tab reads after
 * each is what the store holds then.
 */
describe('CompareModel: runs still training', () => {
  let dir: string;
  let host: Host;
  let api: ApiClient;
  let listeners: Map<string, Set<(p: unknown) => void>>;
  const calls: { name: string; args: Record<string, unknown> }[] = [];
  const fire = <E extends EventName>(event: E, payload: ApiEvents[E]) => listeners.get(event)?.forEach((l) => l(payload));
  const until = async (what: () => boolean) => {
    for (const t0 = Date.now(); !what(); await new Promise((r) => setTimeout(r, 20))) if (Date.now() - t0 > 5000) throw new Error('timed out');
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-compare-model-'));
    host = Host.open({ workspace: dir, mode: 'browser' });
    listeners = new Map();
    calls.length = 0;
    api = {
      call: async (name, args) => {
        calls.push({ name, args: args as Record<string, unknown> });
        const r = await host.handle(name, args);
        if (!r.ok) throw new Error(r.error.message);
        return r.value as never;
      },
      on: (event, listener) => {
        const set = listeners.get(event) ?? new Set();
        listeners.set(event, set);
        set.add(listener as (p: unknown) => void);
        return () => set.delete(listener as (p: unknown) => void);
      },
    };
  });
  afterEach(async () => {
    await host.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const loss = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => ({ key: 'train/loss', value: 1 / (from + i + 1), step: from + i, time: 1000 + from + i }));
  const progress = (runId: string) => ({ runId, preview: false, phase: 'train' as const, startedAt: 0, elapsedMs: 0, emittedAt: Date.now(), points: [{ key: 'train/loss', value: 0, step: 0, time: 0 }] });

  it('grows a running run’s curve from the store after its progress events, and reads the run again when it finishes', async () => {
    const store = host.workspace.store;
    const done = store.createRun({ name: 'done', spec: {} }).id;
    store.logMetrics(done, loss(0, 50));
    store.finishRun(done, 'FINISHED');
    const live = store.createRun({ name: 'live', spec: {} }).id;
    // The loss every step, a validation metric every 10 steps: the two curves end at different steps.
    const valid = (steps: number[]) => steps.map((step) => ({ key: 'valid/ndcg@10', value: step / 100, step, time: 1000 + step }));
    store.logMetrics(live, [...loss(0, 20), ...valid([9])]);
    const model = new CompareModel(api, [live, done]);
    await model.load();
    expect(model.selectedKeys).toEqual(['train/loss', 'valid/ndcg@10']);
    expect(model.points('train/loss', live).map((p) => p.step)).toEqual([...Array(20).keys()]);

    // Logged while the tab was open: read after the event, from the earlier curve's last step on, nothing twice.
    store.logMetrics(live, [...loss(20, 35), ...valid([19, 29])]);
    fire('run.progress', progress(live));
    fire('run.progress', progress(live));
    await until(() => model.points('train/loss', live).length === 35);
    expect(model.points('train/loss', live).map((p) => p.step)).toEqual([...Array(35).keys()]);
    expect(model.points('valid/ndcg@10', live).map((p) => p.step)).toEqual([9, 19, 29]);
    const pulls = calls.filter((c) => c.name === 'runs.series' && c.args.afterStep !== undefined);
    // Two events within 250 ms: one read.
    expect(pulls).toEqual([{ name: 'runs.series', args: { runIds: [live], keys: ['train/loss', 'valid/ndcg@10'], maxPoints: 5000, afterStep: 9 } }]);
    // A finished run's events change nothing.
    fire('run.progress', progress(done));
    await new Promise((r) => setTimeout(r, 400));
    expect(model.points('train/loss', done)).toHaveLength(50);

    const barsBefore = model.barsVersion();
    store.logMetrics(live, [...loss(35, 40), ...valid([39])]);
    store.logFinalMetrics(live, { overall: { 'ndcg@10': 0.25 } });
    store.finishRun(live, 'FINISHED');
    fire('run.finished', { runId: live, preview: false, status: 'FINISHED', outputs: {} } as ApiEvents['run.finished']);
    await until(() => model.runs.find((r) => r.id === live)?.status === 'FINISHED' && model.points('train/loss', live).length === 40);
    expect(model.runs.find((r) => r.id === live)?.finalMetrics.overall?.['ndcg@10']).toBe(0.25);
    expect(model.families).toEqual(['ndcg']);
    expect(model.barsVersion()).not.toBe(barsBefore);
    model.dispose();
    expect([...(listeners.get('run.progress') ?? [])]).toEqual([]);
  });

  it('opened before its run logged anything, draws the first keys that come', async () => {
    const store = host.workspace.store;
    const live = store.createRun({ name: 'live', spec: {} }).id;
    const model = new CompareModel(api, [live]);
    await model.load();
    expect(model.keys).toEqual([]);
    expect(model.selectedKeys).toEqual([]);
    store.logMetrics(live, loss(0, 10));
    fire('run.progress', progress(live));
    await until(() => model.points('train/loss', live).length === 10);
    expect(model.keys).toEqual(['train/loss']);
    expect(model.selectedKeys).toEqual(['train/loss']);
    model.dispose();
  });
});
