import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSpec } from '../../../core/notebook';
import { openRunStore, type SqliteRunStore } from '../../../core/runs';
import { startWorkerRun, type WorkerMessage } from '../../../core/worker';

// Worker runs fork a real process (the TS entry through tsx when dist is absent).
describe('training worker', () => {
  let dir: string;
  let store: SqliteRunStore;
  const small = { source: 'sample', sample: { users: 120, items: 100, interactions: 3000 } };

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-worker-'));
    store = openRunStore(path.join(dir, 'runs.sqlite'));
  });
  afterAll(() => store.close());

  const start = (raw: unknown) =>
    startWorkerRun({ spec: parseSpec(raw), baseDir: dir, store, storeFile: path.join(dir, 'runs.sqlite'), artifactsRoot: path.join(dir, 'artifacts') });

  it('runs an experiment in its own process and streams progress, then FINISHED', async () => {
    const run = start({ name: 'ok', data: small, model: { type: 'mf', dim: 8 }, train: { epochs: 2, batchSize: 256, evalEvery: 1 } });
    const seen: WorkerMessage[] = [];
    run.onMessage((m) => seen.push(m));
    const res = await run.finished;
    expect(res.error?.message).toBeUndefined();
    expect(res.status).toBe('FINISHED');
    expect(seen.some((m) => m.type === 'progress')).toBe(true);
    expect(seen.some((m) => m.type === 'backend')).toBe(true);
    const row = store.getRun(run.runId)!;
    expect(row.status).toBe('FINISHED');
    expect(row.backend).toMatch(/wasm|cpu|tensorflow/);
    expect(row.finalMetrics.overall['ndcg@10']).toBeGreaterThan(0);
    expect(store.listMetricKeys(run.runId).length).toBeGreaterThan(0);
    // One row per run: the host's row is the one the worker filled in.
    expect(store.listRuns().filter((r) => r.name === 'ok')).toHaveLength(1);
  });

  it('cancel kills the worker; the run ends KILLED with what it had logged', async () => {
    const run = start({ name: 'cancel', data: small, model: { type: 'mf', dim: 8 }, train: { epochs: 500, batchSize: 64, logEvery: 1, evalEvery: 0 } });
    await new Promise<void>((resolve) => run.onMessage((m) => m.type === 'progress' && m.key !== undefined && resolve()));
    run.cancel();
    const res = await run.finished;
    expect(res.status).toBe('KILLED');
    const row = store.getRun(run.runId)!;
    expect(row.status).toBe('KILLED');
    expect(row.error).toMatch(/Cancelled/);
  });

  it('a worker that dies (kill -9) leaves the host running and the run FAILED', async () => {
    const run = start({ name: 'crash', data: small, model: { type: 'mf', dim: 8 }, train: { epochs: 500, batchSize: 64, evalEvery: 0 } });
    let pid = 0;
    run.onMessage((m) => {
      if (m.type === 'ready') pid = m.pid;
      if (m.type === 'progress' && pid) process.kill(pid, 'SIGKILL');
    });
    const res = await run.finished;
    expect(res.status).toBe('FAILED');
    const row = store.getRun(run.runId)!;
    expect(row.status).toBe('FAILED');
    expect(row.error).toMatch(/exited unexpectedly \(signal SIGKILL\)/);
  });

  it('a NaN loss stops the run as FAILED with a clear message and keeps the logged metrics', async () => {
    const run = start({
      name: 'nan',
      data: small,
      model: { type: 'mf', dim: 8 },
      train: { epochs: 50, batchSize: 64, logEvery: 1, evalEvery: 0, optimizer: { type: 'sgd', lr: 1e30 } },
    });
    const res = await run.finished;
    expect(res.status).toBe('FAILED');
    const row = store.getRun(run.runId)!;
    expect(row.status).toBe('FAILED');
    expect(row.error).toMatch(/Training diverged: the loss became (NaN|Infinity)/);
    expect(row.error).toMatch(/Lower the learning rate/);
    expect(store.listMetricKeys(run.runId).length).toBeGreaterThan(0);
    expect(store.listRuns({ status: 'RUNNING' })).toHaveLength(0);
  });
});
