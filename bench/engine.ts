import { columnCounts } from '../core/data';
import { evaluateRanking } from '../core/eval';
import { benchBaselines } from './baselines';
import { benchIngest } from './ingest';
import { FixedScores, findMl100k, loadMl100kProtocol, median } from './ml100k';

/**
 * Engine figures on MovieLens 100K (protocol of the engine issue: every rating a positive,
 * random 80/10/10 per user, full ranking with train+valid masked): baseline fit times,
 * full-ranking evaluation time from precomputed EASE scores, and the run store's batched
 * metric ingest rate. Ends with one JSON line.
 */
export async function main(): Promise<void> {
  if (!findMl100k()) {
    console.error('MovieLens 100K not found: set RECLAB_ML100K or place it at ../shared/datasets/ml-100k.');
    process.exit(2);
  }
  const p = loadMl100kProtocol();
  const nItems = p.dataset.itemIds.length;
  const allUsers = Int32Array.from({ length: p.dataset.userIds.length }, (_, u) => u);
  let easeScores: Float32Array | undefined;
  const { fit_s, ndcg_at_10 } = await benchBaselines(async (type, model) => {
    if (type !== 'ease') return;
    easeScores = new Float32Array(allUsers.length * nItems);
    await model.scoreUsers(allUsers, easeScores);
  });

  const opts = { scorer: new FixedScores(nItems, easeScores!), truth: p.test, exclude: [p.train, p.valid], ks: [5, 10, 20], itemPopularity: columnCounts(p.train) };
  await evaluateRanking(opts); // warm-up (JIT)
  const times: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    await evaluateRanking(opts);
    times.push((performance.now() - t0) / 1000);
  }
  const eval_s = median(times);
  console.log(`full-ranking evaluation, ${allUsers.length} users x ${nItems} items, K=5,10,20, EASE scores: median ${eval_s.toFixed(3)} s of 5`);
  const { ingest_points_per_s } = await benchIngest();
  console.log(`run store ingest (batched): ${Math.round(ingest_points_per_s)} points/s`);
  console.log(JSON.stringify({ eval_s, ingest_points_per_s, fit_s, ndcg_at_10 }));
}
