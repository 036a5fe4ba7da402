import { InputError, type Rng } from '../util';
import { columnCounts, entryIndex, type CsrMatrix } from './matrix';

/** How negatives are drawn: uniformly over items, or in proportion to item popularity. */
export type NegativeSampling = 'uniform' | 'popularity';

/**
 * Draws items a user has not interacted with in `train` (their "negatives"), uniformly
 * or in proportion to each item's number of training interactions. Rejection sampling
 * with a binary search in the user's sorted CSR row: cheap while users have seen a
 * small share of the catalogue, which holds for recommendation data.
 */
export class NegativeSampler {
  private readonly cdf?: Float64Array;
  private readonly allowed: Uint8Array;

  constructor(
    private readonly train: CsrMatrix,
    readonly mode: NegativeSampling,
    private readonly rng: Rng,
    /** Items never to return (held-out cold items). */
    exclude?: Int32Array,
  ) {
    if (mode !== 'uniform' && mode !== 'popularity') {
      throw new InputError(`Unknown negative sampling '${String(mode)}'; use 'uniform' or 'popularity'.`, 'SPEC');
    }
    this.allowed = new Uint8Array(train.nCols).fill(1);
    if (exclude) for (const i of exclude) if (i >= 0 && i < train.nCols) this.allowed[i] = 0;
    if (mode === 'popularity') {
      const counts = columnCounts(train);
      const cdf = new Float64Array(train.nCols);
      let acc = 0;
      for (let i = 0; i < train.nCols; i++) cdf[i] = acc += this.allowed[i] ? counts[i] : 0;
      if (acc === 0) throw new InputError('Popularity sampling needs at least one training interaction.', 'SPEC');
      this.cdf = cdf;
    }
  }

  /** True when `user` has `item` among its training positives. */
  isPositive(user: number, item: number): boolean {
    return entryIndex(this.train, user, item) >= 0;
  }

  /** One negative item for `user`, or -1 when none could be found (the user has seen nearly everything). */
  sample(user: number): number {
    for (let attempt = 0; attempt < 1000; attempt++) {
      const j = this.draw();
      if (this.allowed[j] && !this.isPositive(user, j)) return j;
    }
    return -1;
  }

  private draw(): number {
    const n = this.train.nCols;
    if (!this.cdf) return this.rng.int(n);
    const target = this.rng.next() * this.cdf[n - 1];
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cdf[mid] > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/** Training rows of one epoch for a pointwise loss: positives (label 1) and sampled negatives (label 0), shuffled. */
export interface PointwiseRows {
  users: Int32Array;
  items: Int32Array;
  labels: Float32Array;
  /**
   * CSR entry (position in `train.indices`) of the positive behind each row: the row itself
   * for a positive, the positive it was drawn for for a negative. Per-interaction data
   * (context) follows the positive's event onto its negatives through it.
   */
  sources: Int32Array;
}

/** Training triples of one epoch for a pairwise loss (BPR) or sampled softmax: a positive and `negatives` negatives each. */
export interface PairwiseRows {
  users: Int32Array;
  positives: Int32Array;
  /** `users.length x negativesPerRow`, row-major. */
  negatives: Int32Array;
  negativesPerRow: number;
  /** CSR entry (position in `train.indices`) of each row's positive. */
  sources: Int32Array;
}

/** (user, item) of every training positive, in CSR order. */
function positives(train: CsrMatrix): { users: Int32Array; items: Int32Array } {
  const n = train.indices.length;
  const users = new Int32Array(n);
  for (let u = 0; u < train.nRows; u++) users.fill(u, train.indptr[u], train.indptr[u + 1]);
  return { users, items: train.indices.slice() };
}

/**
 * One epoch of pointwise rows: every training positive plus `negatives` sampled
 * negatives for it, shuffled with `rng`. Rows whose negative cannot be drawn are dropped.
 */
export function pointwiseEpoch(train: CsrMatrix, negatives: number, sampler: NegativeSampler, rng: Rng): PointwiseRows {
  const pos = positives(train);
  const nPos = pos.users.length;
  const cap = nPos * (1 + negatives);
  const users = new Int32Array(cap);
  const items = new Int32Array(cap);
  const labels = new Float32Array(cap);
  const sources = new Int32Array(cap);
  users.set(pos.users);
  items.set(pos.items);
  labels.fill(1, 0, nPos);
  for (let k = 0; k < nPos; k++) sources[k] = k;
  let n = nPos;
  for (let k = 0; k < nPos; k++) {
    const u = pos.users[k];
    for (let r = 0; r < negatives; r++) {
      const j = sampler.sample(u);
      if (j < 0) continue;
      users[n] = u;
      items[n] = j;
      sources[n] = k;
      n++;
    }
  }
  const order = rng.shuffle(Int32Array.from({ length: n }, (_, k) => k));
  const out: PointwiseRows = { users: new Int32Array(n), items: new Int32Array(n), labels: new Float32Array(n), sources: new Int32Array(n) };
  for (let k = 0; k < n; k++) {
    const p = order[k];
    out.users[k] = users[p];
    out.items[k] = items[p];
    out.labels[k] = labels[p];
    out.sources[k] = sources[p];
  }
  return out;
}

/**
 * One epoch of pairwise rows: every training positive with `negatives` sampled
 * negatives, shuffled. Positives for which no negative can be drawn are dropped.
 */
export function pairwiseEpoch(train: CsrMatrix, negatives: number, sampler: NegativeSampler, rng: Rng): PairwiseRows {
  if (!(negatives >= 1)) throw new InputError(`Pairwise training needs at least 1 negative per positive, got ${negatives}.`, 'SPEC');
  const pos = positives(train);
  const order = rng.shuffle(Int32Array.from({ length: pos.users.length }, (_, k) => k));
  const users = new Int32Array(order.length);
  const posItems = new Int32Array(order.length);
  const negs = new Int32Array(order.length * negatives);
  const sources = new Int32Array(order.length);
  let n = 0;
  outer: for (const p of order) {
    const u = pos.users[p];
    for (let r = 0; r < negatives; r++) {
      const j = sampler.sample(u);
      if (j < 0) continue outer;
      negs[n * negatives + r] = j;
    }
    users[n] = u;
    posItems[n] = pos.items[p];
    sources[n] = p;
    n++;
  }
  return {
    users: users.slice(0, n),
    positives: posItems.slice(0, n),
    negatives: negs.slice(0, n * negatives),
    negativesPerRow: negatives,
    sources: sources.slice(0, n),
  };
}
