import fs from 'node:fs';
import path from 'node:path';
import { columnCounts, loadMovieLens100k, splitDataset, splitMatrices } from '../core/data';
import { evaluateRanking, type Scorer } from '../core/eval';
import { createModel } from '../core/models';
import { benchIngest } from './ingest';

/** ML-100K location: $RECLAB_ML100K, else ../shared/datasets/ml-100k beside the repo. */
export function findMl100k(): string | undefined {
  const candidates = [process.env.RECLAB_ML100K, path.resolve(__dirname, '..', '..', 'shared', 'datasets', 'ml-100k')];
  return candidates.find((p): p is string => !!p && fs.existsSync(path.join(p, 'u.data')));
}

/** Scores computed once, served from memory: evaluation alone is timed. */
class FixedScores implements Scorer {
  constructor(
    readonly nItems: number,
    private readonly scores: Float32Array,
  ) {}
  scoreUsers(users: Int32Array, out: Float32Array): void {
    for (let b = 0; b < users.length; b++) out.set(this.scores.subarray(users[b] * this.nItems, (users[b] + 1) * this.nItems), b * this.nItems);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Engine figures on MovieLens 100K (protocol of the engine issue: every rating a positive,
 * random 80/10/10 per user, full ranking with train+valid masked):
 * baseline fit times, full-ranking evaluation time from precomputed EASE scores, and the
 * run store's batched metric ingest rate.
 */
export async function main(): Promise<void> {
  const dir = findMl100k();
  if (!dir) {
    console.error('MovieLens 100K not found: set RECLAB_ML100K or place it at ../shared/datasets/ml-100k.');
    process.exit(2);
  }
  const ds = loadMovieLens100k(dir);
  const split = splitDataset(ds, { kind: 'random', ratios: [0.8, 0.1, 0.1] }, 42);
  const m = splitMatrices(ds, split);
  const ctx = { dataset: ds, train: m.train, trainIndex: split.train, valid: m.valid, seed: 42 };
  const specs: Record<string, { type: string } & Record<string, unknown>> = {
    mostpop: { type: 'mostpop' },
    itemknn: { type: 'itemknn' },
    ease: { type: 'ease' },
    puresvd: { type: 'puresvd' },
    'content-knn': { type: 'content-knn' },
  };
  const fit_s: Record<string, number> = {};
  let easeScores: Float32Array | undefined;
  const allUsers = Int32Array.from({ length: ds.userIds.length }, (_, u) => u);
  for (const [name, spec] of Object.entries(specs)) {
    const model = createModel(spec);
    const t0 = performance.now();
    await model.fit(ctx);
    fit_s[name] = (performance.now() - t0) / 1000;
    console.log(`fit ${name.padEnd(12)} ${fit_s[name].toFixed(3)} s`);
    if (name === 'ease') {
      easeScores = new Float32Array(allUsers.length * ds.itemIds.length);
      await model.scoreUsers(allUsers, easeScores);
    }
    model.dispose?.();
  }
  const scorer = new FixedScores(ds.itemIds.length, easeScores!);
  const itemPopularity = columnCounts(m.train);
  const opts = { scorer, truth: m.test, exclude: [m.train, m.valid], ks: [5, 10, 20], itemPopularity };
  await evaluateRanking(opts); // warm-up (JIT)
  const times: number[] = [];
  let ndcg = 0;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    const res = await evaluateRanking(opts);
    times.push((performance.now() - t0) / 1000);
    ndcg = res.overall['ndcg@10'];
  }
  const eval_s = median(times);
  console.log(`full-ranking evaluation, ${ds.userIds.length} users x ${ds.itemIds.length} items, K=5,10,20: median ${eval_s.toFixed(3)} s of 5 (EASE ndcg@10 ${ndcg.toFixed(4)})`);
  const { ingest_points_per_s } = await benchIngest();
  console.log(`run store ingest (batched): ${Math.round(ingest_points_per_s)} points/s`);
  console.log(JSON.stringify({ eval_s, ingest_points_per_s, fit_s }));
}
