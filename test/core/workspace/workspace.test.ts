import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace, type RunProgressEvent } from '../../../core/workspace';

// Runs fork a real worker process (the TS entry through tsx when dist is absent).
describe('Workspace: runs through worker processes', () => {
  let dir: string;
  let ws: Workspace;
  const small = { source: 'sample', sample: { users: 120, items: 100, interactions: 3000 } };
  const mf = (name: string, train: Record<string, unknown>) => ({ spec: { name, data: small, model: { type: 'mf', dim: 8 }, train } });

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-workspace-'));
    ws = Workspace.open(dir, { progressIntervalMs: 100 });
  });
  afterAll(async () => {
    await ws.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs an experiment in a worker: one run row, throttled progress with epochs and loss, outputs, FINISHED', async () => {
    const events: RunProgressEvent[] = [];
    // What the run's page shows as the backend while it trains.
    const backendWhileFitting: (string | undefined)[] = [];
    const sub = ws.onDidProgress((e) => {
      events.push(e);
      if (e.fit && backendWhileFitting.length === 0) backendWhileFitting.push(ws.store.getRun(e.runId)?.backend);
    });
    const run = ws.startRun(mf('ok', { epochs: 3, batchSize: 128, logEvery: 1, evalEvery: 1 }));
    expect(ws.liveRuns().map((r) => r.runId)).toEqual([run.runId]);
    expect(ws.store.getRun(run.runId)!.status).toBe('RUNNING');
    const res = await run.finished;
    sub.dispose();
    expect(res.error?.message).toBeUndefined();
    expect(res.status).toBe('FINISHED');
    expect(ws.liveRuns()).toEqual([]);
    const row = ws.store.getRun(run.runId)!;
    expect(row.status).toBe('FINISHED');
    expect(row.backend).toMatch(/wasm|cpu|tensorflow/);
    expect(backendWhileFitting).toEqual([row.backend]);
    expect(row.finalMetrics.overall['ndcg@10']).toBeGreaterThan(0);
    expect(ws.store.listRuns().filter((r) => r.name === 'ok')).toHaveLength(1);

    // Events of this run only, at most one per 100 ms (a little slack for timer jitter); the
    // last is the state flushed at once as the run ends, so the finish never overtakes it.
    const mine = events.filter((e) => e.runId === run.runId);
    for (let i = 1; i < mine.length - 1; i++) expect(mine[i].elapsedMs - mine[i - 1].elapsedMs).toBeGreaterThanOrEqual(90);
    const phases = [...new Set(mine.map((e) => e.phase))];
    expect(phases).toEqual(expect.arrayContaining(['load', 'train', 'evaluate']));
    const training = mine.filter((e) => e.phase === 'train' && e.fit?.epochs);
    expect(training.length).toBeGreaterThan(0);
    expect(training[training.length - 1].fit!.epochs).toBe(3);
    expect(mine.some((e) => e.loss !== undefined)).toBe(true);
    // Every logged loss point reached some event exactly once, in step order.
    const lossSteps = mine.flatMap((e) => e.points.filter((p) => p.key === 'train/loss').map((p) => p.step));
    const stored = ws.store.getMetricSeries(run.runId, 'train/loss').map((p) => p.step);
    expect(lossSteps).toEqual(stored);
    // Cell outputs reach the finished event and the artifact file.
    expect(res.outputs.data?.stats.users).toBe(120);
    expect(res.outputs.split?.parts.train.interactions).toBeGreaterThan(0);
    expect(res.outputs.evaluate?.segments.overall['ndcg@10']).toBeCloseTo(row.finalMetrics.overall['ndcg@10'], 12);
    expect(ws.runOutputs(run.runId).evaluate?.ks).toEqual([5, 10, 20]);
    expect(ws.runLog(run.runId).some((l) => /epoch 3\/3/.test(l))).toBe(true);
  });

  it('refuses a bad spec before anything is recorded or started', () => {
    const before = ws.store.listRuns().length;
    expect(() => ws.startRun({ spec: { data: small } })).toThrow(/model/);
    expect(() => ws.startRun({ notebook: '{"format": 1, "cells": [{"id": "a", "kind": "model", "source": "{oops"}]}', path: 'x.recnb' })).toThrow(/not valid JSON/);
    expect(ws.store.listRuns().length).toBe(before);
    expect(ws.liveRuns()).toEqual([]);
  });

  it('cancel kills the worker; the run ends KILLED with what it had logged', async () => {
    const run = ws.startRun(mf('cancel', { epochs: 500, batchSize: 64, logEvery: 1, evalEvery: 0 }));
    await new Promise<void>((resolve) => {
      const sub = ws.onDidProgress((e) => {
        if (e.runId === run.runId && e.loss !== undefined) {
          sub.dispose();
          resolve();
        }
      });
    });
    expect(ws.cancel(run.runId)).toBe(true);
    const res = await run.finished;
    expect(res.status).toBe('KILLED');
    const row = ws.store.getRun(run.runId)!;
    expect(row.status).toBe('KILLED');
    expect(row.error).toMatch(/Cancelled/);
    expect(ws.cancel(run.runId)).toBe(false);
  });

  it('a worker that dies (kill -9) leaves the workspace running and the run FAILED', async () => {
    const run = ws.startRun(mf('crash', { epochs: 500, batchSize: 64, evalEvery: 0 }));
    await new Promise<void>((resolve) => {
      const sub = ws.onDidProgress((e) => {
        if (e.runId === run.runId && e.phase === 'train') {
          sub.dispose();
          resolve();
        }
      });
    });
    process.kill(ws.store.getRun(run.runId)!.pid!, 'SIGKILL');
    const res = await run.finished;
    expect(res.status).toBe('FAILED');
    expect(ws.store.getRun(run.runId)!.status).toBe('FAILED');
    expect(ws.store.getRun(run.runId)!.error).toMatch(/exited unexpectedly \(signal SIGKILL\)/);
  });

  it('a NaN loss stops the run as FAILED with a clear message and keeps the logged metrics', async () => {
    const run = ws.startRun(mf('nan', { epochs: 50, batchSize: 64, logEvery: 1, evalEvery: 0, optimizer: { type: 'sgd', lr: 1e30 } }));
    const res = await run.finished;
    expect(res.status).toBe('FAILED');
    const row = ws.store.getRun(run.runId)!;
    expect(row.error).toMatch(/Training diverged: the loss became (NaN|Infinity)/);
    expect(row.error).toMatch(/Lower the learning rate/);
    expect(ws.store.listMetricKeys(run.runId).length).toBeGreaterThan(0);
    expect(ws.store.listRuns({ status: 'RUNNING' })).toHaveLength(0);
  });

  it('a preview runs the stages before training in a worker and records nothing', async () => {
    const before = ws.store.listRuns().length;
    const nb = {
      format: 1,
      metadata: { name: 'p' },
      cells: [
        { id: 'd', kind: 'data', source: JSON.stringify(small) },
        { id: 's', kind: 'split', source: '{"kind": "random", "ratios": [0.8, 0.1, 0.1]}' },
        { id: 'f', kind: 'features', source: '{"item": [{"type": "tfidf", "column": "title", "maxFeatures": 20}, {"type": "categorical", "column": "category"}]}' },
        { id: 'm', kind: 'model', source: '{"type": "hybrid", "fusion": "gate", "dim": 8}' },
      ],
    };
    const res = await ws.startRun({ notebook: JSON.stringify(nb) }, { until: 'model' }).finished;
    expect(res.status).toBe('FINISHED');
    expect(res.preview).toBe(true);
    expect(res.outputs.data?.stats.items).toBe(100);
    expect(res.outputs.data?.popularity[0].rank).toBe(1);
    const tfidf = res.outputs.features!.blocks.find((b) => b.type === 'tfidf')!;
    expect(tfidf.dim).toBe(20);
    expect(tfidf.topTerms!.length).toBeGreaterThan(0);
    expect(res.outputs.features!.itemDim).toBe(res.outputs.features!.blocks.filter((b) => b.side === 'item').reduce((s, b) => s + b.dim, 0));
    expect(res.outputs.model?.parameters).toBeGreaterThan(0);
    expect(res.outputs.model?.layers?.length).toBeGreaterThan(0);
    expect(ws.store.listRuns().length).toBe(before);
  });

  it('a run from a notebook records its path as a tag and keeps the notebook as it was run', async () => {
    const nb = { format: 1, metadata: { name: 'nbrun' }, cells: [{ id: 'd', kind: 'data', source: JSON.stringify(small) }, { id: 'm', kind: 'model', source: '{"type": "mostpop"}' }] };
    const text = JSON.stringify(nb, null, 2);
    fs.mkdirSync(path.join(dir, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'sub', 'a.recnb'), text);
    const run = ws.startRun({ notebook: text, path: 'sub/a.recnb' });
    expect((await run.finished).status).toBe('FINISHED');
    const row = ws.store.getRun(run.runId)!;
    expect(row.tags['reclab.notebook']).toBe('sub/a.recnb');
    const snap = row.artifacts.find((a) => a.kind === 'notebook')!;
    expect(fs.readFileSync(snap.path, 'utf8')).toBe(text);
  });
});
