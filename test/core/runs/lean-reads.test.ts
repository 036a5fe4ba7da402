import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { downsampleSeries, isRunStoreError, openRunStore, type MetricPoint, type RunFilter, type RunSummaryQuery, type SeriesPoint, type SqliteRunStore } from '../../../core/runs';
import { blockAlignedDownsample, rangeBlockAligned, tempDirs } from './helpers';

const tmp = tempDirs();
let store: SqliteRunStore;

beforeEach(() => {
  store = openRunStore(path.join(tmp.make(), 'runs.sqlite'));
});
afterEach(() => {
  store.close();
  tmp.cleanup();
});

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isRunStoreError(e)) return e.code;
    throw e;
  }
  throw new Error('expected a RunStoreError, nothing was thrown');
}

describe('run summaries', () => {
  // Five runs made by hand; every expectation below is read off this table.
  //   name     experiment model  data                ndcg@10  cold ndcg@10  train.lr  tags
  //   ease     base       ease   sample              0.30     0.05          -         family=linear
  //   pop      base       mostpop sample             0.10     NaN           -         family=baseline
  //   mf-a     neural     mf     workspace "ml"      0.25     0.20          0.01      family=mf, seed=1
  //   mf-b     neural     mf     workspace "ml"      -        -             0.1       family=mf
  //   mf-c     neural     mf     csv                 0.28     0.30          1e-3      -
  let ids: Record<string, string>;
  beforeEach(() => {
    ids = {};
    const mk = (name: string, experiment: string, model: string, data: Record<string, unknown>, lr: string | undefined, tags: Record<string, string>) => {
      const r = store.createRun({ name, experiment, spec: { model: { type: model }, data }, params: { 'model.type': model, ...(lr ? { 'train.lr': lr } : {}) }, tags });
      ids[name] = r.id;
      return r.id;
    };
    mk('ease', 'base', 'ease', { source: 'sample' }, undefined, { family: 'linear' });
    mk('pop', 'base', 'mostpop', { source: 'sample' }, undefined, { family: 'baseline' });
    mk('mf-a', 'neural', 'mf', { source: 'workspace', name: 'ml' }, '0.01', { family: 'mf', seed: '1' });
    mk('mf-b', 'neural', 'mf', { source: 'workspace', name: 'ml' }, '0.1', { family: 'mf' });
    mk('mf-c', 'neural', 'mf', { source: 'csv' }, '1e-3', {});
    store.logFinalMetrics(ids.ease, { overall: { 'ndcg@10': 0.3 }, 'items:cold': { 'ndcg@10': 0.05 } });
    store.logFinalMetrics(ids.pop, { overall: { 'ndcg@10': 0.1 }, 'items:cold': { 'ndcg@10': NaN } });
    store.logFinalMetrics(ids['mf-a'], { overall: { 'ndcg@10': 0.25 }, 'items:cold': { 'ndcg@10': 0.2 } });
    store.logFinalMetrics(ids['mf-c'], { overall: { 'ndcg@10': 0.28 }, 'items:cold': { 'ndcg@10': 0.3 } });
    store.updateRun(ids['mf-a'], { datasetStats: { name: 'ml-100k', users: 943 } });
    store.finishRun(ids.ease, 'FINISHED');
    store.finishRun(ids.pop, 'FAILED', 'out of memory');
  });
  const names = (q: RunSummaryQuery) => store.listRunSummaries(q).runs.map((r) => r.name);

  it('gives the fields, the asked metrics and params, and all tags of each run', () => {
    const page = store.listRunSummaries({ metrics: ['ndcg@10', { key: 'ndcg@10', segment: 'items:cold' }], params: ['train.lr', 'missing'] });
    expect(page.total).toBe(5);
    const by = Object.fromEntries(page.runs.map((r) => [r.name, r]));
    expect(by.ease).toMatchObject({ id: ids.ease, experiment: 'base', status: 'FINISHED', modelType: 'ease', dataset: 'sample', metrics: { overall: { 'ndcg@10': 0.3 }, 'items:cold': { 'ndcg@10': 0.05 } }, params: {}, tags: { family: 'linear' } });
    expect(by.ease.endTime).toBeGreaterThanOrEqual(by.ease.startTime);
    expect(by.pop.status).toBe('FAILED');
    expect(by.pop.error).toBe('out of memory');
    expect(by.pop.metrics['items:cold']['ndcg@10']).toBeNaN(); // NaN is a value, not a missing metric
    expect(by['mf-a']).toMatchObject({ dataset: 'ml-100k', params: { 'train.lr': '0.01' }, tags: { family: 'mf', seed: '1' } }); // the stats' name wins
    expect(by['mf-b']).toMatchObject({ dataset: 'ml', metrics: {}, params: { 'train.lr': '0.1' } });
    expect(by['mf-b'].endTime).toBeUndefined();
    expect(by['mf-c'].tags).toEqual({});
    expect(by['mf-c'].dataset).toBe('csv');
  });

  it('sorts by time, text fields, a metric (missing and NaN last) and a param (numbers by value)', () => {
    expect(names({})).toEqual(['mf-c', 'mf-b', 'mf-a', 'pop', 'ease']); // newest first
    expect(names({ ascending: true })).toEqual(['ease', 'pop', 'mf-a', 'mf-b', 'mf-c']);
    expect(names({ orderBy: { field: 'name' } })).toEqual(['ease', 'mf-a', 'mf-b', 'mf-c', 'pop']);
    expect(names({ orderBy: { field: 'status' } })).toEqual(['pop', 'ease', 'mf-c', 'mf-b', 'mf-a']); // FAILED, FINISHED, RUNNING (newest first among equals)
    expect(names({ orderBy: { field: 'modelType' } })).toEqual(['ease', 'mf-c', 'mf-b', 'mf-a', 'pop']);
    expect(names({ orderBy: { field: 'endTime' } }).slice(2)).toEqual(['mf-c', 'mf-b', 'mf-a']); // runs without an end come last
    expect(names({ orderBy: { metric: 'ndcg@10' } })).toEqual(['ease', 'mf-c', 'mf-a', 'pop', 'mf-b']);
    expect(names({ orderBy: { metric: 'ndcg@10' }, ascending: true })).toEqual(['pop', 'mf-a', 'mf-c', 'ease', 'mf-b']);
    expect(names({ orderBy: { metric: 'ndcg@10', segment: 'items:cold' } })).toEqual(['mf-c', 'mf-a', 'ease', 'mf-b', 'pop']);
    // As text '0.01' < '0.1' < '1e-3'; by value 1e-3 < 0.01 < 0.1.
    expect(names({ orderBy: { param: 'train.lr' } })).toEqual(['mf-c', 'mf-a', 'mf-b', 'pop', 'ease']);
    expect(names({ orderBy: { param: 'train.lr' }, ascending: false })).toEqual(['mf-b', 'mf-a', 'mf-c', 'pop', 'ease']);
    // Text params (not JSON) sort as text, and do not break the numeric test.
    expect(names({ orderBy: { param: 'model.type' } })).toEqual(['ease', 'mf-c', 'mf-b', 'mf-a', 'pop']);
    expect(names({ orderBy: { param: 'model.type' }, ascending: false })).toEqual(['pop', 'mf-c', 'mf-b', 'mf-a', 'ease']);
  });

  it('pages with offset and limit, keeping the total of the filter', () => {
    const all = names({ orderBy: { metric: 'ndcg@10' } });
    const pages = [0, 2, 4].map((offset) => store.listRunSummaries({ orderBy: { metric: 'ndcg@10' }, offset, limit: 2 }));
    expect(pages.flatMap((p) => p.runs.map((r) => r.name))).toEqual(all);
    for (const p of pages) expect(p.total).toBe(5);
    expect(store.listRunSummaries({ offset: 10 })).toEqual({ total: 5, runs: [] });
    expect(store.listRunSummaries({ experiment: 'none' })).toEqual({ total: 0, runs: [] });
    expect(store.listRunSummaries({ limit: 0 })).toEqual({ total: 5, runs: [] }); // the total alone
    expect(store.listRunSummaries({ limit: 0, tag: 'family=mf' })).toEqual({ total: 2, runs: [] });
    expect(code(() => store.listRunSummaries({ limit: -1 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => store.listRunSummaries({ offset: 1.5 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => store.listRunSummaries({ orderBy: { field: 'nope' as 'name' } }))).toBe('INVALID_ARGUMENT');
  });

  it('filters as listRuns does', () => {
    const filters: RunFilter[] = [
      { experiment: 'neural' },
      { status: 'RUNNING' },
      { tag: 'family=mf' },
      { tag: 'seed' },
      { tag: { key: 'family', value: 'linear' } },
      { search: 'MF-' },
      { experiment: 'neural', tag: 'family' },
    ];
    for (const f of filters) {
      const page = store.listRunSummaries(f);
      const listed = store.listRuns(f).map((r) => r.id);
      expect(page.runs.map((r) => r.id)).toEqual(listed);
      expect(page.total).toBe(listed.length);
    }
    expect(names({ tag: 'family=mf', orderBy: { metric: 'ndcg@10' } })).toEqual(['mf-a', 'mf-b']);
  });
});

describe('metric series: ranges, increments, several at once', () => {
  const inRange = (points: SeriesPoint[], from: number, to: number) => points.filter((p) => p.step >= from && p.step <= to);

  function logTwoWays(runId: string): SeriesPoint[] {
    let x = 99;
    const rand = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
    const points: MetricPoint[] = [];
    for (let i = 0; i < 2000; i++) points.push({ key: 'loss', value: rand() < 0.03 ? NaN : rand() * 4 - 2, step: Math.floor(i / 2), epoch: Math.floor(i / 200), time: 5000 + i });
    // 'loss' arrives out of order (the store numbers its points with a window function);
    // 'ordered' arrives in order (positions come from seq): both must read the same.
    store.logMetrics(runId, points.slice(1000));
    store.logMetrics(runId, points.slice(0, 1000));
    store.logMetrics(runId, points.map((p) => ({ ...p, key: 'ordered' })));
    return store.getMetricSeries(runId, 'loss');
  }

  it('downsamples a step range as downsampleSeries does on the points in it', () => {
    const run = store.createRun({ spec: {} });
    const full = logTwoWays(run.id);
    expect(store.getMetricSeries(run.id, 'ordered')).toEqual(full);
    for (const [from, to] of [[0, 999], [100, 399], [250, 250], [998, 5000], [-10, 3], [500, 400]]) {
      const want = inRange(full, from, to);
      for (const key of ['loss', 'ordered']) {
        expect(store.getMetricSeries(run.id, key, { fromStep: from, toStep: to })).toEqual(want);
        for (const maxPoints of [2, 5, 40, 301]) {
          const got = store.getMetricSeries(run.id, key, { fromStep: from, toStep: to, maxPoints });
          // An ordered series' long range is read from its blocks of 16 (and its two ragged ends): buckets end on their edges.
          const s0 = full.indexOf(want[0]);
          const buckets = Math.floor((maxPoints - 2) / 2);
          const fromBlocks = key === 'ordered' && want.length > maxPoints && buckets > 0 && Math.ceil(want.length / 16) >= buckets;
          const expected = fromBlocks ? rangeBlockAligned(full, s0, s0 + want.length - 1, maxPoints) : downsampleSeries(want, maxPoints);
          expect(got.length).toBe(expected.length);
          expected.forEach((p, j) => {
            // A bucket of only NaN keeps one of its NaN points, not necessarily the same one.
            if (Number.isNaN(p.value)) expect(got[j].value).toBeNaN();
            else expect(got[j]).toEqual(p);
          });
        }
      }
    }
  });

  it('reads only what came after a step, for live charts', () => {
    const run = store.createRun({ spec: {} });
    store.logMetrics(run.id, [0, 1, 2].map((step) => ({ key: 'loss', value: step / 10, step })));
    const first = store.getMetricSeriesBatch({ runIds: [run.id], keys: ['loss'], afterStep: -1 })[0];
    expect(first.points.map((p) => p.step)).toEqual([0, 1, 2]);
    expect(first.lastStep).toBe(2);
    store.logMetrics(run.id, [3, 4].map((step) => ({ key: 'loss', value: step / 10, step })));
    const next = store.getMetricSeriesBatch({ runIds: [run.id], keys: ['loss'], afterStep: first.lastStep })[0];
    expect(next.points.map((p) => [p.step, p.value])).toEqual([
      [3, 0.3],
      [4, 0.4],
    ]);
    expect(next).toMatchObject({ count: 2, lastStep: 4 });
    const none = store.getMetricSeriesBatch({ runIds: [run.id], keys: ['loss'], afterStep: 4 })[0];
    expect(none).toMatchObject({ points: [], count: 0, lastStep: 4 });
    // afterStep and a range together: the stricter lower bound wins; steps are integers.
    expect(store.getMetricSeries(run.id, 'loss', { afterStep: 1.5, fromStep: 1, toStep: 3.7 }).map((p) => p.step)).toEqual([2, 3]);
    expect(code(() => store.getMetricSeries(run.id, 'loss', { afterStep: NaN }))).toBe('INVALID_ARGUMENT');
  });

  it('reads several runs and keys in one call, leaving out series that do not exist', () => {
    const a = store.createRun({ spec: {} }).id;
    const b = store.createRun({ spec: {} }).id;
    const c = store.createRun({ spec: {} }).id;
    const n = 500;
    store.logMetrics(a, Array.from({ length: n }, (_, i) => ({ key: 'loss', value: Math.cos(i / 7), step: i })));
    store.logMetrics(a, Array.from({ length: 10 }, (_, i) => ({ key: 'valid/ndcg@10', value: i / 100, step: (i + 1) * 50, epoch: i })));
    store.logMetrics(b, Array.from({ length: n }, (_, i) => ({ key: 'loss', value: -i, step: i })));
    const slices = store.getMetricSeriesBatch({ runIds: [a, b, c], keys: ['loss', 'valid/ndcg@10'], maxPoints: 50 });
    expect(slices.map((s) => [s.runId, s.key, s.count, s.lastStep])).toEqual([
      [a, 'loss', n, n - 1],
      [a, 'valid/ndcg@10', 10, 500],
      [b, 'loss', n, n - 1],
    ]);
    expect(slices[0].points).toEqual(store.getMetricSeries(a, 'loss', { maxPoints: 50 }));
    expect(slices[0].points.length).toBeLessThanOrEqual(50);
    expect(slices[1].points).toEqual(store.getMetricSeries(a, 'valid/ndcg@10'));
    // 500 points into 24 buckets: read from 32 blocks of 16 points.
    expect(slices[2].points).toEqual(blockAlignedDownsample(store.getMetricSeries(b, 'loss'), 50));
    expect(store.getMetricSeriesBatch({ runIds: [], keys: ['loss'] })).toEqual([]);
  });
});
