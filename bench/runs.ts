import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openRunStore, type MetricPoint, type RunSnapshot, type RunSummaryQuery, type SqliteRunStore } from '../core/runs';
import Database from 'better-sqlite3';
import { syntheticTrainedRun } from '../test/e2e/compare-fixtures';
import { median } from './ml100k';

const SEGMENTS = ['overall', 'items:cold', 'items:warm', 'items:head', 'items:mid', 'items:tail', 'users:activity[1-20]', 'users:activity[21-100]'];
const METRICS = ['precision', 'recall', 'ndcg', 'hit', 'map', 'mrr'].flatMap((m) => [5, 10, 20].map((k) => `${m}@${k}`));
const MODELS = ['ease', 'itemknn', 'mostpop', 'mf', 'neumf', 'hybrid', 'mult-vae', 'lightgcn'];

/** A run as a workspace of long use has them: a spec, 15 params, 3 tags, 8 segments x 18 final metrics. */
export function syntheticRun(i: number, t0: number): RunSnapshot {
  const model = MODELS[i % MODELS.length];
  const finalMetrics: Record<string, Record<string, number>> = {};
  for (const [s, segment] of SEGMENTS.entries()) finalMetrics[segment] = Object.fromEntries(METRICS.map((m, j) => [m, ((i * 7919 + s * 104729 + j * 31) % 1000) / 1000]));
  const spec = { name: `run-${i}`, experiment: `study-${i % 20}`, seed: i, data: { source: 'sample' }, model: { type: model, dim: 32 + (i % 4) * 16 }, train: { epochs: 20, lr: 0.001 * (1 + (i % 5)) }, evaluate: { ks: [5, 10, 20] } };
  return {
    id: (0x1000000000000000n + BigInt(i) * 7919n).toString(16),
    experiment: spec.experiment,
    name: spec.name,
    status: i % 17 === 0 ? 'FAILED' : 'FINISHED',
    startTime: t0 + i * 60_000,
    endTime: t0 + i * 60_000 + 30_000,
    spec,
    seed: i,
    backend: 'wasm',
    fingerprint: `fp-${i % 3}`,
    datasetStats: { name: 'sample', users: 1500, items: 1200 },
    params: Object.fromEntries([
      ['model.type', model],
      ['model.dim', String(spec.model.dim)],
      ['train.lr', String(spec.train.lr)],
      ['train.epochs', '20'],
      ...Array.from({ length: 11 }, (_, j) => [`extra.p${j}`, String((i + j) % 13)]),
    ]),
    tags: { owner: ['ada', 'bob', 'cy'][i % 3], family: model, batch: String(i % 50) },
    finalMetrics,
    artifacts: [{ path: `/artifacts/${i}/topk.csv`, kind: 'csv', size: 1000 }],
  };
}

function timeMs(fn: () => unknown, repeats: number): number {
  fn(); // warm-up: statements prepared, pages in the OS cache
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

/**
 * Run-store reads the UI makes: one page of run summaries (50 rows, two metric and two
 * param columns) from a store of 10,000 runs, sorted several ways; the old `listRuns`
 * for the same page; and several series read at once, whole and as a live increment.
 */
export async function main(): Promise<void> {
  const runs = Number(process.env.RECLAB_BENCH_RUNS ?? 10_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-bench-runs-'));
  let store: SqliteRunStore | undefined;
  try {
    store = openRunStore(path.join(dir, 'runs.sqlite'));
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    const fill0 = performance.now();
    for (let start = 0; start < runs; start += 1000) store.restoreRuns(Array.from({ length: Math.min(1000, runs - start) }, (_, k) => syntheticRun(start + k, t0)));
    console.log(`filled ${runs} runs (${SEGMENTS.length * METRICS.length} final metrics each) in ${((performance.now() - fill0) / 1000).toFixed(1)} s`);

    const columns: RunSummaryQuery = { metrics: ['ndcg@10', { key: 'ndcg@10', segment: 'items:cold' }], params: ['model.dim', 'train.lr'], limit: 50 };
    const cases: [string, RunSummaryQuery][] = [
      ['newest first', columns],
      ['by ndcg@10', { ...columns, orderBy: { metric: 'ndcg@10' } }],
      ['by train.lr', { ...columns, orderBy: { param: 'train.lr' } }],
      ['by model type', { ...columns, orderBy: { field: 'modelType' } }],
      ['tag owner=ada, by ndcg@10', { ...columns, tag: 'owner=ada', orderBy: { metric: 'ndcg@10' } }],
      ['page 100 (offset 4950)', { ...columns, offset: 4950 }],
    ];
    const pageMs: Record<string, number> = {};
    for (const [label, q] of cases) {
      const s = store;
      const page = s.listRunSummaries(q);
      pageMs[label] = timeMs(() => s.listRunSummaries(q), 9);
      console.log(`summaries, ${label}: ${pageMs[label].toFixed(1)} ms (median of 9; ${page.runs.length} of ${page.total} runs)`);
    }
    const s = store;
    const listRunsMs = timeMs(() => s.listRuns({ limit: 50 }), 5);
    console.log(`listRuns (a full record per run, five queries each), 50 newest: ${listRunsMs.toFixed(1)} ms`);

    // Series: 8 runs x 2 keys of 20,000 points each, as a compare chart asks for them.
    const ids = Array.from({ length: 8 }, (_, i) => syntheticRun(i, t0).id);
    for (const id of ids) {
      const points: MetricPoint[] = [];
      for (let step = 0; step < 20_000; step++) points.push({ key: 'loss', value: 1 / (1 + step) + Math.sin(step) / 100, step }, { key: 'lr', value: 0.001, step });
      s.logMetrics(id, points);
    }
    const batchMs = timeMs(() => s.getMetricSeriesBatch({ runIds: ids, keys: ['loss', 'lr'], maxPoints: 1000 }), 5);
    const liveMs = timeMs(() => s.getMetricSeriesBatch({ runIds: ids, keys: ['loss', 'lr'], afterStep: 19_900, maxPoints: 1000 }), 9);
    // A zoom: steps 1,000 to 18,999 of each, at 1,000 points (from blocks of 16 and the range's two ends).
    const zoomMs = timeMs(() => s.getMetricSeriesBatch({ runIds: ids, keys: ['loss', 'lr'], fromStep: 1000, toStep: 18_999, maxPoints: 1000 }), 5);
    console.log(`series, 8 runs x 2 keys x 20,000 points downsampled to 1,000: ${batchMs.toFixed(1)} ms; the last 99 steps of each (live): ${liveMs.toFixed(2)} ms; steps 1,000-18,999 of each (a zoom): ${zoomMs.toFixed(1)} ms`);
    const { compareMs, migrateS } = seriesOfManyRuns(dir);
    console.log(
      JSON.stringify({
        runs,
        summary_page_ms: pageMs['newest first'],
        summary_page_by_metric_ms: pageMs['by ndcg@10'],
        summary_page_by_param_ms: pageMs['by train.lr'],
        summary_page_worst_ms: Math.max(...Object.values(pageMs)),
        list_runs_page_ms: listRunsMs,
        series_batch_ms: batchMs,
        series_live_ms: liveMs,
        series_zoom_ms: zoomMs,
        series_compare_100x10k_ms: compareMs,
        migrate_blocks_2m_points_s: migrateS,
      }),
    );
  } finally {
    store?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The store side of a compare of 100 runs with 2 keys of 10,000 points each (a second store
 * in `dir`): both keys read at 500 points a curve, as the compare view asks (from the series'
 * blocks); then the same store opened as RecLab before blocks existed left it (schema 2),
 * timing the migration that fills the blocks of its 2 million points.
 */
function seriesOfManyRuns(dir: string): { compareMs: number; migrateS: number } {
  const file = path.join(dir, 'series.sqlite');
  const store = openRunStore(file);
  const ids: string[] = [];
  const fill0 = performance.now();
  try {
    for (let i = 0; i < 100; i++) {
      const run = syntheticTrainedRun(i);
      ids.push(run.id);
      store.restoreRuns([run]);
    }
    console.log(`filled 100 runs x 2 keys x 10,000 points in ${((performance.now() - fill0) / 1000).toFixed(1)} s`);
    const compareMs = timeMs(() => {
      for (const key of ['train/loss', 'valid/ndcg@10']) store.getMetricSeriesBatch({ runIds: ids, keys: [key], maxPoints: 500 });
    }, 5);
    console.log(`series, 100 runs x 2 keys x 10,000 points at 500 a curve (a compare of 100 runs): ${compareMs.toFixed(1)} ms`);
    store.close();
    const db = new Database(file);
    db.exec('DROP TABLE metric_blocks');
    db.pragma('user_version = 2');
    db.close();
    const t = performance.now();
    openRunStore(file).close();
    const migrateS = (performance.now() - t) / 1000;
    console.log(`opening it as a store of schema 2: the blocks of its 2,000,000 points filled in ${migrateS.toFixed(2)} s`);
    return { compareMs, migrateS };
  } finally {
    store.close();
  }
}
