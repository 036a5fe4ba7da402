import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openRunStore, type MetricPoint } from '../core/runs';

/**
 * Run store ingest: 500k metric points (5 series, as a training loop logs loss and
 * metrics per step) written in batches of 5,000 to a fresh store in a temp folder.
 * Only the `logMetrics` calls are timed; points are built beforehand.
 */
export async function benchIngest(opts: { points?: number; batch?: number } = {}): Promise<{ ingest_points_per_s: number }> {
  const total = opts.points ?? 500_000;
  const batch = opts.batch ?? 5_000;
  const keys = ['loss', 'valid/ndcg@10', 'valid/recall@20', 'lr', 'grad_norm'];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-ingest-'));
  const store = openRunStore(path.join(dir, 'runs.sqlite'));
  try {
    const run = store.createRun({ experiment: 'bench', name: 'ingest', spec: { bench: 'ingest' } });
    const batches: MetricPoint[][] = [];
    const t = Date.now();
    for (let start = 0; start < total; start += batch) {
      const points: MetricPoint[] = [];
      for (let i = start; i < Math.min(total, start + batch); i++) {
        const step = Math.floor(i / keys.length);
        points.push({ key: keys[i % keys.length], value: Math.sin(i) / (1 + step), step, epoch: Math.floor(step / 1000), time: t + step });
      }
      batches.push(points);
    }
    const t0 = performance.now();
    for (const points of batches) store.logMetrics(run.id, points);
    const seconds = (performance.now() - t0) / 1000;
    return { ingest_points_per_s: total / seconds };
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `npx tsx bench/ingest.ts`: prints the figure and one JSON line. */
if (require.main === module) {
  benchIngest()
    .then((r) => {
      console.log(`run store ingest (batched): ${Math.round(r.ingest_points_per_s)} points/s`);
      console.log(JSON.stringify(r));
    })
    .catch((e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    });
}
