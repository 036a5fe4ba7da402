import { buildCsr, columnCounts, type CsrMatrix } from '../core/data';
import { evaluateRanking, type EvaluateOptions } from '../core/eval';
import { Rng } from '../core/util';
import { FixedScores, findMl100k, loadMl100kProtocol, median } from './ml100k';

const N_USERS = 943;
const N_ITEMS = 1682;

/** Random sparse parts when ML-100K is absent: ~85 train and ~10 test items per user. */
function randomParts(rng: Rng): { train: CsrMatrix; valid: CsrMatrix; test: CsrMatrix } {
  const part = (p: number) => {
    const rows: number[] = [];
    const cols: number[] = [];
    for (let u = 0; u < N_USERS; u++) {
      for (let i = 0; i < N_ITEMS; i++) {
        if (rng.next() >= p) continue;
        rows.push(u);
        cols.push(i);
      }
    }
    return buildCsr(N_USERS, N_ITEMS, Int32Array.from(rows), Int32Array.from(cols));
  };
  return { train: part(0.05), valid: part(0.006), test: part(0.006) };
}

/**
 * Times full-ranking evaluation of 943 users x 1682 items, K = 5, 10, 20, from a precomputed
 * random score matrix (the ML-100K random 80/10/10 split with train+valid masked when the data
 * is present, else random parts of similar density). Median of 5 runs after one warm-up.
 * `eval_tied_s`: the same with every score equal, so every ranking is the tie order.
 */
export async function benchEval(): Promise<{ eval_s: number; eval_segments_s: number; eval_tied_s: number; users: number; data: string }> {
  const rng = new Rng(1);
  const ds = findMl100k() ? loadMl100kProtocol() : undefined;
  const m = ds ?? randomParts(rng);
  const scores = Float32Array.from({ length: N_USERS * N_ITEMS }, () => rng.next());
  const opts: EvaluateOptions = { scorer: new FixedScores(N_ITEMS, scores), truth: m.test, exclude: [m.train, m.valid], ks: [5, 10, 20], itemPopularity: columnCounts(m.train) };
  const time = async (o: EvaluateOptions) => {
    await evaluateRanking(o); // warm-up (JIT)
    const times: number[] = [];
    let users = 0;
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now();
      users = (await evaluateRanking(o)).nUsers;
      times.push((performance.now() - t0) / 1000);
    }
    return { median: median(times), users };
  };
  const plain = await time(opts);
  const segmented = await time({ ...opts, segments: true, trainCounts: m.train, keepTopK: 20 });
  // The worst case of tie-breaking: every user scores every item alike (EASE on users without history).
  const tied = await time({ ...opts, scorer: new FixedScores(N_ITEMS, new Float32Array(N_USERS * N_ITEMS)) });
  return { eval_s: plain.median, eval_segments_s: segmented.median, eval_tied_s: tied.median, users: plain.users, data: ds ? 'ml-100k' : 'random' };
}
