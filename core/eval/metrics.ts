import { InputError } from '../util';

/**
 * Ranking metric definitions, as pure functions over one user's ranked list. Evaluation
 * (evaluate.ts), the bundle and independent checkers share these, so a number means the
 * same everywhere. Ranks are 1-based in the formulas below; positions 0-based in code.
 */

/** Accuracy metrics of one ranked list at one cutoff K. */
export interface ListMetrics {
  /** hits / K (a list shorter than K still divides by K). */
  precision: number;
  /** hits / |relevant|. */
  recall: number;
  /** DCG / ideal DCG; binary gain, discount 1/log2(rank + 1), ideal over min(|relevant|, K) ranks. */
  ndcg: number;
  /** 1 if any relevant item is in the top K, else 0. */
  hit: number;
  /** AP@K: sum over hits at rank r of (hits within the first r) / r, divided by min(|relevant|, K). */
  map: number;
  /** 1 / rank of the first hit within K, else 0. */
  mrr: number;
}

/** Names of the per-list accuracy metrics, in the order results list them. */
export const LIST_METRICS = ['precision', 'recall', 'ndcg', 'hit', 'map', 'mrr'] as const;

let discounts = new Float64Array(0);
let idealPrefix = new Float64Array(1);

/** `1 / log2(p + 2)` for 0-based position p: the DCG discount of rank p + 1. */
export function discount(p: number): number {
  if (p >= discounts.length) growDiscounts(p + 1);
  return discounts[p];
}

/** Ideal DCG of `n` relevant items at the top: sum of the first n discounts. */
export function idealDcg(n: number): number {
  if (n >= idealPrefix.length) growDiscounts(n);
  return idealPrefix[n];
}

function growDiscounts(n: number): void {
  const size = Math.max(n, 2 * discounts.length, 64);
  discounts = new Float64Array(size);
  idealPrefix = new Float64Array(size + 1);
  for (let p = 0; p < size; p++) {
    discounts[p] = 1 / Math.log2(p + 2);
    idealPrefix[p + 1] = idealPrefix[p] + discounts[p];
  }
}

/**
 * Metrics at cutoff `k` from hit flags: `hits[p]` is 1 when the item at position p of the
 * ranked list is relevant, for p < `length`. The one implementation all callers share.
 * With no relevant items, recall, ndcg and map are undefined (NaN).
 */
export function metricsFromHits(hits: ArrayLike<number>, length: number, nRelevant: number, k: number, out?: ListMetrics): ListMetrics {
  const r = out ?? { precision: 0, recall: 0, ndcg: 0, hit: 0, map: 0, mrr: 0 };
  const n = Math.min(k, length);
  let h = 0;
  let dcg = 0;
  let ap = 0;
  let mrr = 0;
  for (let p = 0; p < n; p++) {
    if (!hits[p]) continue;
    h++;
    dcg += discount(p);
    ap += h / (p + 1);
    if (mrr === 0) mrr = 1 / (p + 1);
  }
  r.precision = h / k;
  r.hit = h > 0 ? 1 : 0;
  r.mrr = mrr;
  if (nRelevant > 0) {
    r.recall = h / nRelevant;
    r.ndcg = dcg / idealDcg(Math.min(nRelevant, k));
    r.map = ap / Math.min(nRelevant, k);
  } else {
    r.recall = r.ndcg = r.map = NaN;
  }
  return r;
}

/**
 * Precision, recall, NDCG, hit, MAP and MRR at `k` of one ranked list (best first) against
 * a relevant set. Only the first `k` items of `ranked` count. Throws on a repeated item,
 * which would count a hit twice.
 */
export function rankingMetrics(ranked: ArrayLike<number>, relevant: Set<number> | ArrayLike<number>, k: number): ListMetrics {
  if (!Number.isInteger(k) || k < 1) throw new InputError(`k must be a positive integer; got ${k}.`, 'EVAL');
  const rel = relevant instanceof Set ? relevant : new Set(Array.from(relevant));
  const n = Math.min(k, ranked.length);
  const hits = new Uint8Array(n);
  const seen = new Set<number>();
  for (let p = 0; p < n; p++) {
    if (seen.has(ranked[p])) throw new InputError(`ranked list repeats item ${ranked[p]} at position ${p}; a ranking holds each item once.`, 'EVAL');
    seen.add(ranked[p]);
    hits[p] = rel.has(ranked[p]) ? 1 : 0;
  }
  return metricsFromHits(hits, n, rel.size, k);
}

/** Index of the first element of ascending `a` that is > x (`strict`) or >= x. */
function bound(a: Float64Array, x: number, strict: boolean): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x || (strict && a[mid] === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Counts (positive, negative) pairs ordered right, ties counting 1/2, for one negative
 * score against the ascending positive scores. Sum over negatives, divide by pairs: AUC.
 */
export function pairsWon(sortedPositiveScores: Float64Array, negativeScore: number): number {
  const below = bound(sortedPositiveScores, negativeScore, false); // positives < negative
  const notAbove = bound(sortedPositiveScores, negativeScore, true); // positives <= negative
  return sortedPositiveScores.length - notAbove + 0.5 * (notAbove - below);
}

/**
 * AUC of one user: the share of (relevant, non-relevant) pairs where the relevant item
 * scores higher, ties counting 1/2. `scores[i]` is item i's score; `candidates` are the
 * items that take part (default: every item), relevant ones among them are the positives.
 * NaN when there are no positives or no negatives.
 */
export function userAuc(scores: ArrayLike<number>, relevant: Set<number> | ArrayLike<number>, candidates?: ArrayLike<number>): number {
  const rel = relevant instanceof Set ? relevant : new Set(Array.from(relevant));
  const items = candidates ? Array.from(candidates) : Array.from({ length: scores.length }, (_, i) => i);
  const pos = Float64Array.from(items.filter((i) => rel.has(i)).map((i) => scores[i])).sort();
  let won = 0;
  let nNeg = 0;
  for (const i of items) {
    if (rel.has(i)) continue;
    nNeg++;
    won += pairsWon(pos, scores[i]);
  }
  return pos.length && nNeg ? won / (pos.length * nNeg) : NaN;
}

/** Self-information of an item: -log2(popularity / nUsers); unseen items count as seen once. */
export function itemNovelty(popularity: number, nUsers: number): number {
  return -Math.log2(Math.max(popularity, 1) / nUsers);
}

/**
 * Cosine distance (1 - cosine similarity) of two sparse vectors given as ascending index
 * lists with values; NaN when either is all zeros.
 */
export function cosineDistance(ai: ArrayLike<number>, av: ArrayLike<number>, bi: ArrayLike<number>, bv: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let p = 0; p < ai.length; p++) na += av[p] * av[p];
  for (let q = 0; q < bi.length; q++) nb += bv[q] * bv[q];
  for (let p = 0, q = 0; p < ai.length && q < bi.length; ) {
    if (ai[p] === bi[q]) dot += av[p++] * bv[q++];
    else if (ai[p] < bi[q]) p++;
    else q++;
  }
  if (na === 0 || nb === 0) return NaN;
  return 1 - dot / Math.sqrt(na * nb);
}
