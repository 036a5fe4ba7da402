import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient, ApiEvents, CallArgs, CallName, CallResult, EventName } from '../../../../app/common/api';
import { ApiCallError } from '../../../../app/common/api-error';
import { Host } from '../../../../app/host';
import { checkQuery, PAGE_SIZE, readSettings, RunsTableModel } from '../../../../app/renderer/runs/runs-table-model';
import type { RunSnapshot } from '../../../../core/runs';

/** The renderer's view of a real host on a temporary workspace (no transport in between). */
function clientOf(host: Host): ApiClient {
  return {
    async call<K extends CallName>(name: K, args: CallArgs<K>): Promise<CallResult<K>> {
      const r = await host.handle(name, args);
      if (!r.ok) throw new ApiCallError(r.error.code, r.error.message, r.error.field, r.error.details);
      return r.value as CallResult<K>;
    },
    on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void) {
      const sub = host.onEvent((e) => e.name === event && listener(e.payload as ApiEvents[E]));
      return () => sub.dispose();
    },
  };
}

const RUNS = 150;
const T0 = Date.parse('2026-03-01T00:00:00Z');
/** Run i: ndcg@10 = ((i * 37) % 150) / 150 (all distinct), experiment exp-(i % 3), duration (i % 7) + 1 minutes. */
function run(i: number): RunSnapshot {
  return {
    id: (0x2000000000000000n + BigInt(i)).toString(16),
    experiment: `exp-${i % 3}`,
    name: `run-${String(i).padStart(3, '0')}`,
    status: 'FINISHED',
    startTime: T0 + i * 1000,
    endTime: T0 + i * 1000 + ((i % 7) + 1) * 60_000,
    spec: { data: { source: 'sample' }, model: { type: i % 2 ? 'ease' : 'hybrid' } },
    params: { 'model.type': i % 2 ? 'ease' : 'hybrid', 'model.dim': String(8 * ((i % 4) + 1)) },
    tags: i % 10 === 0 ? { stage: 'tuned' } : {},
    finalMetrics: { overall: { 'ndcg@10': ((i * 37) % 150) / 150, 'recall@10': 0.5 } },
    artifacts: [],
  };
}

/** Resolves when the model's reads are done. */
async function settled(m: RunsTableModel): Promise<void> {
  for (let i = 0; i < 200 && (m.loading || m.total === undefined); i++) await new Promise((r) => setTimeout(r, 5));
}

describe('RunsTableModel: the runs explorer over a real host', () => {
  let dir: string;
  let host: Host;
  let api: ApiClient;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-runs-table-'));
    host = Host.open({ workspace: dir, mode: 'browser' });
    host.workspace.store.restoreRuns(Array.from({ length: RUNS }, (_, i) => run(i)));
    api = clientOf(host);
  });
  afterAll(async () => {
    await host.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads one page first, newest first, and the next page when the table shows it', async () => {
    const m = new RunsTableModel(api);
    await m.reload();
    expect(m.total).toBe(RUNS);
    expect(m.count).toBe(RUNS);
    expect(m.itemAt(0)).toMatchObject({ kind: 'run', run: { name: 'run-149' } });
    expect(m.itemAt(PAGE_SIZE - 1)).toMatchObject({ kind: 'run', run: { name: `run-${String(149 - PAGE_SIZE + 1).padStart(3, '0')}` } });
    expect(m.itemAt(PAGE_SIZE).kind).toBe('pending');
    m.setVisibleRange(PAGE_SIZE + 5, PAGE_SIZE + 30);
    for (let i = 0; i < 100 && m.itemAt(PAGE_SIZE).kind === 'pending'; i++) await new Promise((r) => setTimeout(r, 5));
    expect(m.itemAt(PAGE_SIZE)).toMatchObject({ kind: 'run', run: { name: `run-${String(149 - PAGE_SIZE).padStart(3, '0')}` } });
    m.dispose();
  });

  it('sorts by a metric both ways (the host sorts), and by duration (every row read, sorted here)', async () => {
    const m = new RunsTableModel(api);
    await m.reload();
    const byNdcg = Array.from({ length: RUNS }, (_, i) => run(i)).sort((a, b) => b.finalMetrics.overall['ndcg@10'] - a.finalMetrics.overall['ndcg@10']);
    m.sortBy('metric:ndcg@10');
    await settled(m);
    expect(m.sort).toEqual({ column: 'metric:ndcg@10', ascending: false });
    expect(m.loadedRuns().slice(0, 5).map((r) => r.name)).toEqual(byNdcg.slice(0, 5).map((r) => r.name));
    m.sortBy('metric:ndcg@10');
    await settled(m);
    expect(m.loadedRuns()[0].name).toBe(byNdcg[RUNS - 1].name);

    m.sortBy('duration');
    await settled(m);
    const rows = m.loadedRuns();
    expect(rows).toHaveLength(RUNS);
    const minutes = rows.map((r) => (r.endTime! - r.startTime) / 60_000);
    expect(minutes[0]).toBe(7);
    expect(minutes[RUNS - 1]).toBe(1);
    expect(minutes.every((v, i) => i === 0 || minutes[i - 1] >= v)).toBe(true);
    m.dispose();
  });

  it('filters with the query language; a bad query is flagged where it is wrong and the last rows stay', async () => {
    const m = new RunsTableModel(api);
    await m.reload();
    m.setQuery('params.model.type = "hybrid" and tags.stage = "tuned"');
    await settled(m);
    // Tagged runs are i % 10 == 0, all even, so all hybrid: 0, 10, ..., 140.
    expect(m.total).toBe(15);
    expect(m.appliedQuery).toBe('params.model.type = "hybrid" and tags.stage = "tuned"');

    m.setQuery('metrics.ndcg@10 > ');
    expect(m.queryError).toEqual(checkQuery('metrics.ndcg@10 > '));
    expect(m.queryError!.position).toBe('metrics.ndcg@10 > '.length);
    expect(m.loading).toBe(false);
    expect(m.total).toBe(15);
    // An unclosed parenthesis is marked where it opens.
    m.setQuery('(status = "FINISHED"');
    expect(m.queryError).toMatchObject({ position: 0, length: 1, message: expect.stringContaining(')') });
    m.setQuery('');
    await settled(m);
    expect(m.queryError).toBeUndefined();
    expect(m.total).toBe(RUNS);
    m.dispose();
  });

  it('groups by experiment in the order of the sort, each group collapsible', async () => {
    const m = new RunsTableModel(api);
    await m.reload();
    m.setGroupByExperiment(true);
    await settled(m);
    const groups = Array.from({ length: m.count }, (_, i) => m.itemAt(i)).filter((it) => it.kind === 'group');
    // Newest first: run-149 is in exp-2, run-148 in exp-1, run-147 in exp-0.
    expect(groups.map((g) => g.kind === 'group' && [g.experiment, g.count])).toEqual([
      ['exp-2', 50],
      ['exp-1', 50],
      ['exp-0', 50],
    ]);
    expect(m.count).toBe(RUNS + 3);
    m.toggleGroup('exp-1');
    expect(m.count).toBe(RUNS + 3 - 50);
    expect(m.itemAt(51)).toMatchObject({ kind: 'group', experiment: 'exp-1', collapsed: true });
    m.dispose();
  });

  it('selects with click, Ctrl and Shift; follows runs trashed elsewhere (runs.changed)', async () => {
    const m = new RunsTableModel(api);
    await m.reload();
    m.select(0);
    m.select(2, { toggle: true });
    expect(m.selectedRuns().map((r) => r.name)).toEqual(['run-149', 'run-147']);
    m.select(5, { range: true });
    expect(m.selectedRuns().map((r) => r.name)).toEqual(['run-147', 'run-146', 'run-145', 'run-144']);
    const ids = m.selectedRuns().map((r) => r.id);
    await api.call('runs.trash', { runIds: ids });
    for (let i = 0; i < 200 && m.total !== RUNS - 4; i++) await new Promise((r) => setTimeout(r, 10));
    expect(m.total).toBe(RUNS - 4);
    m.setTrashed(true);
    await settled(m);
    expect(m.loadedRuns().map((r) => r.id).sort()).toEqual([...ids].sort());
    await api.call('runs.restore', { runIds: ids });
    m.setTrashed(false);
    await settled(m);
    expect(m.total).toBe(RUNS);
    m.dispose();
  });

  it('starts from saved settings (read defensively) and reads with them', async () => {
    expect(readSettings({ query: 7, metrics: ['ndcg@10', ''], params: ['model.dim'], sort: { column: 'bogus', ascending: true }, group: 'yes' })).toEqual({ params: ['model.dim'] });
    expect(readSettings(null)).toEqual({});
    const saved = { query: 'tags.stage = "tuned"', metrics: ['recall@10'], params: ['model.dim'], sort: { column: 'param:model.dim' as const, ascending: false }, group: false };
    expect(readSettings(JSON.parse(JSON.stringify(saved)))).toEqual(saved);
    const m = new RunsTableModel(api, saved);
    await m.reload();
    expect(m.settings).toEqual(saved);
    expect(m.total).toBe(15);
    // model.dim = 8 * ((i % 4) + 1): the tagged runs (i = 0, 10, ..., 140) have 8 or 24; descending, 24 first.
    expect(m.loadedRuns().map((r) => r.params['model.dim'])).toEqual([...Array(7).fill('24'), ...Array(8).fill('8')]);
    expect(m.columns).toContain('param:model.dim');
    expect(m.columns).not.toContain('metric:ndcg@10');
    m.dispose();
  });
});
