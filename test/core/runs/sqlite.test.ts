import { spawnSync } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { downsampleSeries, isRunStoreError, openRunStore, RunStoreError, type MetricPoint, type SqliteRunStore } from '../../../core/runs';
import { blockAlignedDownsample, tempDirs } from './helpers';

const tmp = tempDirs();
let file: string;
let store: SqliteRunStore;

beforeEach(() => {
  file = path.join(tmp.make(), 'runs.sqlite');
  store = openRunStore(file);
});
afterEach(() => {
  store.close();
  tmp.cleanup();
});

function thrown(fn: () => unknown): RunStoreError {
  try {
    fn();
  } catch (e) {
    if (isRunStoreError(e)) return e;
    throw e;
  }
  throw new Error('expected a RunStoreError, nothing was thrown');
}

function countRows(table: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  } finally {
    db.close();
  }
}

describe('experiments', () => {
  it('creates, refuses duplicates, gets or creates, lists with run counts', () => {
    const a = store.createExperiment('baselines');
    expect(a.name).toBe('baselines');
    expect(thrown(() => store.createExperiment('baselines')).code).toBe('EXPERIMENT_EXISTS');
    expect(store.getOrCreateExperiment('baselines').id).toBe(a.id);
    const b = store.getOrCreateExperiment('hybrids');
    expect(b.id).not.toBe(a.id);
    store.createRun({ experiment: 'hybrids', spec: {} });
    store.createRun({ experiment: 'hybrids', spec: {} });
    expect(store.listExperiments().map((e) => [e.name, e.runCount])).toEqual([
      ['baselines', 0],
      ['hybrids', 2],
    ]);
  });

  it('puts runs without an experiment in "Default"', () => {
    expect(store.createRun({ spec: {} }).experiment).toBe('Default');
  });
});

describe('runs', () => {
  it('records everything createRun is given, RUNNING, and ends with finishRun', () => {
    const spec = { name: 'ease', model: { type: 'ease', l2: 500 }, seed: 42 };
    const run = store.createRun({
      experiment: 'ml100k',
      name: 'ease l2=500',
      spec,
      seed: 42,
      appVersion: '0.1.0',
      backend: 'none',
      fingerprint: 'abc123',
      datasetStats: { users: 943, items: 1682 },
      params: { 'model.l2': 500, 'model.type': 'ease', flag: true },
      tags: { owner: 'ada' },
      notes: 'first try',
    });
    expect(run.id).toMatch(/^[0-9a-f]{16}$/);
    expect(run).toMatchObject({
      experiment: 'ml100k',
      name: 'ease l2=500',
      status: 'RUNNING',
      spec,
      seed: 42,
      appVersion: '0.1.0',
      backend: 'none',
      fingerprint: 'abc123',
      datasetStats: { users: 943, items: 1682 },
      params: { 'model.l2': '500', 'model.type': 'ease', flag: 'true' },
      tags: { owner: 'ada' },
      notes: 'first try',
      pid: process.pid,
    });
    expect(run.endTime).toBeUndefined();

    store.finishRun(run.id, 'FAILED', 'loss became NaN');
    const done = store.getRun(run.id)!;
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('loss became NaN');
    expect(done.endTime).toBeGreaterThanOrEqual(done.startTime);
  });

  it('logs params once (same value again is fine, a change is refused), tags, notes, final metrics, artifacts', () => {
    const run = store.createRun({ spec: {}, params: { k: 10 } });
    store.logParams(run.id, { k: 10, lr: 0.01 });
    const err = thrown(() => store.logParams(run.id, { lr: 0.02 }));
    expect(err.code).toBe('PARAM_CHANGED');
    expect(err.message).toContain('"0.01"');
    store.setTags(run.id, { a: '1', b: '2' });
    store.setTags(run.id, { a: '3' });
    store.deleteTag(run.id, 'b');
    store.setNotes(run.id, 'looks good');
    store.logFinalMetrics(run.id, { overall: { 'ndcg@10': 0.31, 'recall@20': 0.42 }, 'items:cold': { 'ndcg@10': 0.05 } });
    store.logFinalMetrics(run.id, { overall: { 'ndcg@10': 0.32 } });
    store.addArtifact(run.id, { path: '/tmp/a/topk.csv', kind: 'csv', size: 100 });
    store.addArtifact(run.id, { path: '/tmp/a/topk.csv', kind: 'csv', size: 120 });
    store.addArtifact(run.id, { path: '/tmp/a/metrics.json', kind: 'json', size: 5 });
    const r = store.getRun(run.id)!;
    expect(r.params).toEqual({ k: '10', lr: '0.01' });
    expect(r.tags).toEqual({ a: '3' });
    expect(r.notes).toBe('looks good');
    expect(r.finalMetrics).toEqual({ overall: { 'ndcg@10': 0.32, 'recall@20': 0.42 }, 'items:cold': { 'ndcg@10': 0.05 } });
    expect(r.artifacts).toEqual([
      { path: '/tmp/a/metrics.json', kind: 'json', size: 5 },
      { path: '/tmp/a/topk.csv', kind: 'csv', size: 120 },
    ]);
  });

  it('updates what is known only once work has started, leaving other fields alone', () => {
    const run = store.createRun({ name: 'r', spec: {}, backend: 'cpu', seed: 1 });
    const r = store.updateRun(run.id, { backend: 'wasm', fingerprint: 'f1', datasetStats: { users: 3 }, pid: 1234 });
    expect(r).toMatchObject({ name: 'r', seed: 1, backend: 'wasm', fingerprint: 'f1', datasetStats: { users: 3 }, pid: 1234, status: 'RUNNING' });
    expect(store.updateRun(run.id, {}).backend).toBe('wasm');
    expect(thrown(() => store.updateRun('0000000000000000', { backend: 'x' })).code).toBe('RUN_NOT_FOUND');
  });

  it('refuses writes to a run that does not exist', () => {
    const err = thrown(() => store.logMetrics('ffffffffffffffff', [{ key: 'loss', value: 1, step: 0 }]));
    expect(err.code).toBe('RUN_NOT_FOUND');
    expect(err.message).toContain(file);
    expect(thrown(() => store.finishRun('nope', 'FINISHED')).code).toBe('RUN_NOT_FOUND');
  });

  it('deletes a run with everything recorded for it', () => {
    const keep = store.createRun({ spec: {} });
    const run = store.createRun({ spec: {}, params: { a: 1 }, tags: { t: 'x' } });
    store.logMetrics(run.id, [{ key: 'loss', value: 1, step: 0 }, { key: 'auc', value: 0.5, step: 0 }]);
    store.logMetrics(keep.id, [{ key: 'loss', value: 2, step: 0 }]);
    store.logFinalMetrics(run.id, { overall: { auc: 0.5 } });
    store.addArtifact(run.id, { path: 'x', kind: 'csv', size: 1 });
    store.deleteRun(run.id);
    expect(store.getRun(run.id)).toBeUndefined();
    expect(countRows('metrics')).toBe(1);
    expect(countRows('metric_series')).toBe(1);
    for (const t of ['params', 'tags', 'final_metrics', 'artifacts']) expect(countRows(t)).toBe(0);
    expect(store.getMetricSeries(keep.id, 'loss').map((p) => p.value)).toEqual([2]);
  });
});

describe('metrics', () => {
  it('round-trips NaN, +Infinity, -Infinity in series, latest and final metrics', () => {
    const run = store.createRun({ spec: {} });
    const values = [1.5, NaN, Infinity, -Infinity, 0, -2.25, Number.MAX_VALUE, Number.MIN_VALUE];
    store.logMetrics(run.id, values.map((value, step) => ({ key: 'loss', value, step })));
    store.logMetrics(run.id, [{ key: 'div', value: NaN, step: 3 }]);
    store.logFinalMetrics(run.id, { overall: { a: NaN, b: Infinity, c: -Infinity } });
    expect(store.getMetricSeries(run.id, 'loss').map((p) => p.value)).toEqual(values);
    const r = store.getRun(run.id)!;
    expect(r.latestMetrics.div.value).toBeNaN();
    expect(r.latestMetrics.loss.value).toBe(Number.MIN_VALUE);
    expect(r.finalMetrics.overall.a).toBeNaN();
    expect(r.finalMetrics.overall.b).toBe(Infinity);
    expect(r.finalMetrics.overall.c).toBe(-Infinity);
  });

  it('keeps step, epoch and time, orders by step, and tracks the latest point per key across batches', () => {
    const run = store.createRun({ spec: {} });
    store.logMetrics(run.id, [
      { key: 'loss', value: 0.9, step: 2, epoch: 0, time: 1000 },
      { key: 'loss', value: 1.0, step: 1, epoch: 0, time: 1001 },
      { key: 'ndcg', value: 0.1, step: 1, time: 1002 },
    ]);
    store.logMetrics(run.id, [{ key: 'loss', value: 0.95, step: 1, time: 1003 }]); // older step: not the latest
    store.logMetric(run.id, { key: 'ndcg', value: 0.2, step: 5, epoch: 1, time: 1004 });
    expect(store.getMetricSeries(run.id, 'loss')).toEqual([
      { step: 1, epoch: 0, time: 1001, value: 1.0 },
      { step: 1, time: 1003, value: 0.95 },
      { step: 2, epoch: 0, time: 1000, value: 0.9 },
    ]);
    const r = store.getRun(run.id)!;
    expect(r.latestMetrics).toEqual({
      loss: { key: 'loss', step: 2, epoch: 0, time: 1000, value: 0.9 },
      ndcg: { key: 'ndcg', step: 5, epoch: 1, time: 1004, value: 0.2 },
    });
    expect(store.listMetricKeys(run.id)).toEqual(['loss', 'ndcg']);
    expect(store.getMetricSeries(run.id, 'missing')).toEqual([]);
  });

  it('writes a large batch whole (more points than one INSERT holds, with a remainder)', () => {
    const run = store.createRun({ spec: {} });
    const points: MetricPoint[] = Array.from({ length: 1234 }, (_, i) => ({ key: i % 2 ? 'a' : 'b', value: i, step: i }));
    store.logMetrics(run.id, points);
    const a = store.getMetricSeries(run.id, 'a');
    expect(a.length).toBe(617);
    expect(a[0].value).toBe(1);
    expect(a[616].value).toBe(1233);
    expect(store.getRun(run.id)!.latestMetrics.b.value).toBe(1232);
  });

  it('rolls a failing batch back whole: no points, no series, no latest value', () => {
    const run = store.createRun({ spec: {} });
    store.logMetrics(run.id, [{ key: 'loss', value: 5, step: 0 }]);
    const points: MetricPoint[] = Array.from({ length: 700 }, (_, i) => ({ key: i < 300 ? 'loss' : 'auc', value: i, step: i + 1 }));
    points[650] = { key: 'auc', value: 'oops' as unknown as number, step: 651 };
    const err = thrown(() => store.logMetrics(run.id, points));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain('point 650');
    expect(err.message).toContain('Nothing of this batch was written');
    expect(countRows('metrics')).toBe(1);
    expect(store.listMetricKeys(run.id)).toEqual(['loss']);
    expect(store.getRun(run.id)!.latestMetrics.loss).toMatchObject({ step: 0, value: 5 });
  });

  it('downsamples a long series: first and last kept, spikes kept', () => {
    const run = store.createRun({ spec: {} });
    const n = 10_000;
    const points = Array.from({ length: n }, (_, i) => ({ key: 'loss', value: i === 4321 ? 100 : i === 7777 ? -100 : Math.sin(i / 50), step: i }));
    store.logMetrics(run.id, points);
    const s = store.getMetricSeries(run.id, 'loss', { maxPoints: 200 });
    expect(s.length).toBeLessThanOrEqual(200);
    expect(s[0].step).toBe(0);
    expect(s[s.length - 1].step).toBe(n - 1);
    expect(s.find((p) => p.step === 4321)?.value).toBe(100);
    expect(s.find((p) => p.step === 7777)?.value).toBe(-100);
    for (let i = 1; i < s.length; i++) expect(s[i].step).toBeGreaterThan(s[i - 1].step);
    expect(store.getMetricSeries(run.id, 'loss', { maxPoints: 20_000 }).length).toBe(n);
    expect(thrown(() => store.getMetricSeries(run.id, 'loss', { maxPoints: 1 })).code).toBe('INVALID_ARGUMENT');
  });
});

describe('downsampling in the database', () => {
  it('gives the same points as downsampleSeries, with NaN, infinities, repeated steps and out-of-order batches', () => {
    const run = store.createRun({ spec: {} });
    let x = 12345;
    const rand = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
    const points: MetricPoint[] = [];
    for (let i = 0; i < 3000; i++) {
      const r = rand();
      const value = i === 1234 ? Infinity : i === 2100 ? -Infinity : r < 0.05 ? NaN : rand() * 10 - 5;
      // Steps mostly rising, some repeated; the second half arrives before the first.
      points.push({ key: 'loss', value, step: Math.floor(i / 3), time: 1000 + i });
    }
    store.logMetrics(run.id, points.slice(1500));
    store.logMetrics(run.id, points.slice(0, 1500));
    // The same points in order, in two batches: the store numbers them without a window function.
    const ordered = points.map((p) => ({ ...p, key: 'ordered' }));
    store.logMetrics(run.id, ordered.slice(0, 1000));
    store.logMetrics(run.id, ordered.slice(1000));
    const full = store.getMetricSeries(run.id, 'loss');
    expect(full.length).toBe(3000);
    expect(store.getMetricSeries(run.id, 'ordered')).toEqual(full);
    for (let i = 1; i < full.length; i++) expect(full[i].step).toBeGreaterThanOrEqual(full[i - 1].step);
    for (const [key, maxPoints] of [2, 3, 4, 10, 101, 1000, 2999].flatMap((m) => [['loss', m] as const, ['ordered', m] as const])) {
      const got = store.getMetricSeries(run.id, key, { maxPoints });
      // An ordered series with enough points per bucket is read from its blocks: buckets end on block edges.
      const want = (key === 'ordered' ? blockAlignedDownsample(full, maxPoints) : undefined) ?? downsampleSeries(full, maxPoints);
      if (key === 'ordered' && maxPoints === 101) expect(blockAlignedDownsample(full, maxPoints)).toBeDefined();
      expect(got.length).toBe(want.length);
      for (let j = 0; j < want.length; j++) {
        if (Number.isNaN(want[j].value)) {
          // A bucket of only NaN keeps one of its NaN points, not necessarily the same one.
          expect(got[j].value).toBeNaN();
          expect(got[j].step).toBeGreaterThanOrEqual(want[j - 1].step);
          expect(got[j].step).toBeLessThanOrEqual(want[j + 1].step);
        } else expect(got[j]).toEqual(want[j]);
      }
    }
  });

  it('keeps a NaN point for a bucket of only NaN', () => {
    const run = store.createRun({ spec: {} });
    const values = [0, 1, 2, 3, NaN, NaN, NaN, NaN, 8, 9];
    store.logMetrics(run.id, values.map((value, step) => ({ key: 'loss', value, step })));
    const s = store.getMetricSeries(run.id, 'loss', { maxPoints: 6 });
    // Buckets: steps 1..4 -> min 1, max 3; steps 5..8 (NaN, NaN, NaN, 8) -> 8 only.
    expect(s.map((p) => p.step)).toEqual([0, 1, 3, 8, 9]);
    const t = store.getMetricSeries(run.id, 'loss', { maxPoints: 8 });
    // Three buckets of inner points: steps 1..3 -> 1 and 3; steps 4..6, all NaN -> one of them; steps 7, 8 -> 8.
    expect(t.map((p) => p.step)).toEqual([0, 1, 3, t[3].step, 8, 9]);
    expect([4, 5, 6]).toContain(t[3].step);
    expect(t[3].value).toBeNaN();
  });
});

describe('finding runs', () => {
  it('finds a run by a unique id prefix, reports an ambiguous one, misses an unknown one', () => {
    const runs = Array.from({ length: 40 }, () => store.createRun({ spec: {} }));
    const r = runs[7];
    expect(store.getRun(r.id)?.id).toBe(r.id);
    // The shortest prefix of r that no other run shares.
    let n = 1;
    while (runs.some((o) => o !== r && o.id.startsWith(r.id.slice(0, n)))) n++;
    expect(store.getRun(r.id.slice(0, n))?.id).toBe(r.id);
    expect(store.getRun(r.id.slice(0, n).toUpperCase())?.id).toBe(r.id);
    // 40 ids over 16 first hex digits: some first digit is shared (pigeonhole).
    const first = runs.map((o) => o.id[0]).find((d, i, all) => all.indexOf(d) !== i)!;
    const err = thrown(() => store.getRun(first));
    expect(err.code).toBe('AMBIGUOUS_RUN_ID');
    expect(err.message).toContain('Give more digits');
    expect(store.getRun('zz')).toBeUndefined();
    expect(store.getRun('')).toBeUndefined();
    const unused = '0123456789abcdef'.split('').find((d) => !runs.some((o) => o.id.startsWith(d)));
    if (unused) expect(store.getRun(unused)).toBeUndefined();
  });

  it('filters by experiment, status, tag, name and orders by a metric', () => {
    const mk = (experiment: string, name: string, ndcg: number | undefined, tags: Record<string, string> = {}) => {
      const r = store.createRun({ experiment, name, spec: {}, tags });
      if (ndcg !== undefined) store.logFinalMetrics(r.id, { overall: { 'ndcg@10': ndcg }, 'items:cold': { 'ndcg@10': 1 - ndcg } });
      return r.id;
    };
    const ease = mk('ml100k', 'EASE l2=500', 0.3, { family: 'linear' });
    const pop = mk('ml100k', 'MostPop', 0.1, { family: 'baseline' });
    const knn = mk('ml100k', 'ItemKNN', 0.25, { family: 'knn' });
    const neu = mk('ml100k', 'NeuMF 100%_off', undefined);
    const other = mk('sample', 'EASE small', 0.9, { family: 'linear' });
    store.finishRun(pop, 'FINISHED');
    store.finishRun(knn, 'FINISHED');
    // A run without a final metric falls back to the latest value of its series.
    store.logMetrics(neu, [{ key: 'ndcg@10', value: 0.2, step: 1 }]);

    const ids = (q: Parameters<SqliteRunStore['listRuns']>[0]) => store.listRuns(q).map((r) => r.id);
    expect(ids({})).toEqual([other, neu, knn, pop, ease]); // newest first
    expect(ids({ experiment: 'ml100k', orderBy: 'ndcg@10' })).toEqual([ease, knn, neu, pop]);
    expect(ids({ experiment: 'ml100k', orderBy: { metric: 'ndcg@10', ascending: true } })).toEqual([pop, neu, knn, ease]);
    // No fallback to the series for a segment: neu has no cold-item metric, so it is last.
    expect(ids({ experiment: 'ml100k', orderBy: { metric: 'ndcg@10', segment: 'items:cold' } })).toEqual([pop, knn, ease, neu]);
    expect(ids({ orderBy: 'missing-metric', limit: 2 })).toEqual([other, neu]);
    expect(ids({ status: 'FINISHED' }).sort()).toEqual([pop, knn].sort());
    expect(ids({ status: 'RUNNING', experiment: 'ml100k' }).sort()).toEqual([ease, neu].sort());
    expect(ids({ tag: 'family=linear' }).sort()).toEqual([ease, other].sort());
    expect(ids({ tag: 'family' }).sort()).toEqual([ease, pop, knn, other].sort());
    expect(ids({ tag: { key: 'family', value: 'knn' } })).toEqual([knn]);
    expect(ids({ search: 'ease' }).sort()).toEqual([ease, other].sort());
    expect(ids({ search: '100%_' })).toEqual([neu]); // LIKE wildcards are literal
    expect(ids({ search: '5%' })).toEqual([]); // as a wildcard it would match 'EASE l2=500'
    expect(ids({ experiment: 'ml100k', orderBy: 'ndcg@10', limit: 2 })).toEqual([ease, knn]);
    expect(ids({ experiment: 'nope' })).toEqual([]);
    const listed = store.listRuns({ tag: 'family=knn' })[0];
    expect(listed.finalMetrics.overall['ndcg@10']).toBe(0.25);
    expect(listed.tags).toEqual({ family: 'knn' });
  });
});

describe('stale runs', () => {
  it('ends RUNNING runs whose process is gone, keeps live ones and finished ones', () => {
    const dead = store.createRun({ spec: {}, pid: 999_999 });
    const alive = store.createRun({ spec: {}, pid: 4242 });
    const mine = store.createRun({ spec: {}, pid: 999_998 });
    const done = store.createRun({ spec: {}, pid: 999_999 });
    store.finishRun(done.id, 'FINISHED');
    const ended = store.markStaleRunsKilled({ liveRunIds: [mine.id], isProcessAlive: (pid) => pid === 4242 });
    expect(ended).toEqual([dead.id]);
    const d = store.getRun(dead.id)!;
    expect(d.status).toBe('KILLED');
    expect(d.error).toContain('pid 999999');
    expect(d.endTime).toBeDefined();
    expect(store.getRun(alive.id)!.status).toBe('RUNNING');
    expect(store.getRun(mine.id)!.status).toBe('RUNNING');
    expect(store.getRun(done.id)!.status).toBe('FINISHED');
  });

  it('by default asks the OS: a process that exited is gone', () => {
    const child = spawnSync(process.execPath, ['-e', '0']);
    expect(child.status).toBe(0);
    const run = store.createRun({ spec: {}, pid: child.pid });
    expect(store.markStaleRunsKilled()).toEqual([run.id]);
  });

  it('leaves runs of another host alone (their pids mean nothing here)', () => {
    const run = store.createRun({ spec: {}, pid: 999_999 });
    const db = new Database(file);
    db.prepare('UPDATE runs SET host = ? WHERE id = ?').run('some-other-machine', run.id);
    db.close();
    expect(store.markStaleRunsKilled({ isProcessAlive: () => false })).toEqual([]);
    expect(store.getRun(run.id)!.status).toBe('RUNNING');
  });

  it('by default asks the OS: this process is alive', () => {
    const run = store.createRun({ spec: {} });
    expect(store.markStaleRunsKilled()).toEqual([]);
    expect(store.getRun(run.id)!.status).toBe('RUNNING');
  });
});

describe('two connections (UI and worker)', () => {
  it('sees what the other wrote', () => {
    const worker = openRunStore(file);
    try {
      const run = store.createRun({ spec: {} });
      worker.logMetrics(run.id, [{ key: 'loss', value: 0.5, step: 1 }]);
      worker.finishRun(run.id, 'FINISHED');
      expect(store.getRun(run.id)!.status).toBe('FINISHED');
      expect(store.getMetricSeries(run.id, 'loss')).toHaveLength(1);
    } finally {
      worker.close();
    }
  });
});

