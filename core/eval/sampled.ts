import { RecLabError, Rng } from '../util';
import { discount } from './metrics';
import { tieRank, tieSalt } from './topk';

/** Sampled-evaluation settings: `negatives` random non-relevant items per user, drawn with `seed`. */
export interface SampledSettings {
  negatives: number;
  seed: number;
}

/** Metric names of sampled evaluation at each K (then `auc`). */
export const SAMPLED_METRICS = ['hit', 'ndcg', 'mrr'] as const;

/** One generator per user, so a user's negatives do not depend on which other users are evaluated. */
function userRng(seed: number, user: number): Rng {
  return new Rng((seed ^ Math.imul(user + 1, 0x9e3779b1)) >>> 0);
}

/**
 * Sampled ranking for one user at a time (the NCF-style protocol): draw `negatives` distinct
 * items uniformly from the candidates that are neither masked nor relevant (all of them when
 * fewer are eligible), then rank each relevant item against those negatives alone. Rank of a
 * relevant item r = 1 + number of negatives scoring higher, or equal with a lower tie rank
 * (the tie rule of full ranking, seeded by `seed`). Per relevant item: hit@K = [rank <= K], ndcg@K =
 * 1/log2(rank + 1) if rank <= K, mrr@K = 1/rank if rank <= K, auc = (negatives below +
 * 1/2 ties) / negatives; a masked relevant item ranks below every negative. A user's value is
 * the mean over their relevant items. These numbers are NOT comparable with full-ranking
 * ones (sampled metrics overstate and can even reorder models; Krichene & Rendle, KDD 2020).
 */
export class SampledRanker {
  private readonly pool: Int32Array;

  constructor(
    private readonly settings: SampledSettings,
    private readonly ks: number[],
    nItems: number,
  ) {
    this.pool = new Int32Array(nItems);
  }

  /** Values per K of `hit`, `ndcg`, `mrr`, then `auc`: `3 * ks.length + 1` numbers. */
  get width(): number {
    return SAMPLED_METRICS.length * this.ks.length + 1;
  }

  /**
   * Fills `out` for `user`: `scores` is the user's row, `excluded[i]` marks masked items,
   * `relevant` marks (1) the items in `relevantList`, `candidates` (ascending) restricts the pool.
   */
  evaluateUser(
    user: number,
    scores: Float32Array,
    excluded: Uint8Array,
    relevant: Uint8Array,
    relevantList: Int32Array,
    candidates: Int32Array | undefined,
    out: Float64Array,
  ): void {
    let poolSize = 0;
    const n = candidates ? candidates.length : scores.length;
    for (let c = 0; c < n; c++) {
      const i = candidates ? candidates[c] : c;
      if (!excluded[i] && !relevant[i]) this.pool[poolSize++] = i;
    }
    const want = Math.min(this.settings.negatives, poolSize);
    const rng = userRng(this.settings.seed, user);
    // Partial Fisher-Yates: the first `want` slots become a uniform sample without replacement.
    for (let j = 0; j < want; j++) {
      const r = j + rng.int(poolSize - j);
      const t = this.pool[j];
      this.pool[j] = this.pool[r];
      this.pool[r] = t;
    }
    out.fill(0);
    const nk = this.ks.length;
    const salt = tieSalt(this.settings.seed, user);
    for (const r of relevantList) {
      let above = 0;
      let ties = 0;
      let below = 0;
      if (excluded[r]) {
        above = want;
      } else {
        const s = scores[r];
        if (s !== s) throw new RecLabError(`the model scored item ${r} of user ${user} as NaN; evaluation stopped.`, 'NAN_SCORE');
        for (let j = 0; j < want; j++) {
          const i = this.pool[j];
          const t = scores[i];
          if (t !== t) throw new RecLabError(`the model scored item ${i} of user ${user} as NaN; evaluation stopped.`, 'NAN_SCORE');
          if (t > s) above++;
          else if (t < s) below++;
          else {
            ties++;
            if (tieRank(salt, i) < tieRank(salt, r)) above++;
          }
        }
      }
      const rank = above + 1;
      for (let j = 0; j < nk; j++) {
        if (rank > this.ks[j]) continue;
        out[j * 3] += 1;
        out[j * 3 + 1] += discount(rank - 1);
        out[j * 3 + 2] += 1 / rank;
      }
      out[nk * 3] += want > 0 ? (below + 0.5 * ties) / want : NaN;
    }
    for (let j = 0; j < out.length; j++) out[j] /= relevantList.length;
  }
}
