import { RecLabError } from '../util';

/** MurmurHash3's 32-bit finaliser: a bijection on uint32 whose output bits all depend on every input bit. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The salt of one user's tie order: unrelated orders for different users or seeds, the same for the same pair. */
export function tieSalt(seed: number, user: number): number {
  return fmix32((fmix32(seed >>> 0) ^ Math.imul(user + 1, 0x9e3779b1)) >>> 0);
}

/**
 * Where `item` goes among items of equal score (lower first). An odd multiplier, an added salt
 * and fmix32 are each one-to-one on uint32, so distinct items never share a rank: over any set
 * of items the ranks are a permutation, seeded by the salt.
 */
export function tieRank(salt: number, item: number): number {
  return fmix32((Math.imul(item, 0x9e3779b1) + salt) >>> 0);
}

/**
 * Top-K selection with a bounded min-heap: O(n log K) at worst, and nearly one comparison per
 * item once the heap holds K good items, instead of sorting every item of every user.
 * Order: higher score first; equal scores in a seeded random order (`tieRank`, salted per
 * user), never by item index: a model that scores every item alike (a user without history
 * under EASE or ItemKNN) would otherwise "recommend" the first items of the catalogue, and
 * whatever those happen to be would be scored as the model's skill.
 */
export class TopKSelector {
  private readonly heapItems: Int32Array;
  private readonly heapScores: Float64Array;
  private readonly heapTies: Uint32Array;
  private size = 0;

  /** `seed` fixes the order of equal scores: the same seed gives the same rankings. */
  constructor(
    readonly k: number,
    readonly seed = 0,
  ) {
    this.heapItems = new Int32Array(k);
    this.heapScores = new Float64Array(k);
    this.heapTies = new Uint32Array(k);
  }

  /**
   * Selects the best `k` items of `scores`, skipping items with `excluded[i] !== 0`, and
   * visiting only `candidates` (ascending) when given. Writes them best first into
   * `outItems`/`outScores` and returns how many (fewer than k when fewer items are eligible).
   * Throws on a NaN score: a model that produced one is broken, and ranking around it would
   * give numbers nobody should trust.
   */
  select(scores: Float32Array, excluded: Uint8Array, candidates: Int32Array | undefined, outItems: Int32Array, outScores: Float32Array, user: number): number {
    this.size = 0;
    const k = this.k;
    if (k === 0) return 0;
    const hs = this.heapScores;
    const hi = this.heapItems;
    const ht = this.heapTies;
    const salt = tieSalt(this.seed, user);
    const n = candidates ? candidates.length : scores.length;
    for (let c = 0; c < n; c++) {
      const i = candidates ? candidates[c] : c;
      if (excluded[i]) continue;
      const s = scores[i];
      if (s !== s) throw new RecLabError(`the model scored item ${i} of user ${user} as NaN; evaluation stopped (check for a diverged training run).`, 'NAN_SCORE');
      if (this.size < k) {
        this.push(i, s, tieRank(salt, i));
      } else if (s >= hs[0]) {
        // The tie rank is hashed only when needed: for a score above the worst kept one, or equal to it.
        const t = tieRank(salt, i);
        if (s === hs[0] && t > ht[0]) continue;
        hi[0] = i;
        hs[0] = s;
        ht[0] = t;
        this.siftDown(0);
      }
    }
    const count = this.size;
    // Pop the worst repeatedly, filling from the back: best ends up first.
    for (let p = count - 1; p >= 0; p--) {
      outItems[p] = hi[0];
      outScores[p] = hs[0];
      this.size--;
      if (this.size > 0) {
        hi[0] = hi[this.size];
        hs[0] = hs[this.size];
        ht[0] = ht[this.size];
        this.siftDown(0);
      }
    }
    return count;
  }

  /** a ranks below b: lower score, or equal score and a higher tie rank. */
  private worse(a: number, b: number): boolean {
    const hs = this.heapScores;
    return hs[a] < hs[b] || (hs[a] === hs[b] && this.heapTies[a] > this.heapTies[b]);
  }

  private swap(a: number, b: number): void {
    const hs = this.heapScores;
    const hi = this.heapItems;
    const ts = hs[a];
    hs[a] = hs[b];
    hs[b] = ts;
    const ti = hi[a];
    hi[a] = hi[b];
    hi[b] = ti;
    const ht = this.heapTies;
    const tt = ht[a];
    ht[a] = ht[b];
    ht[b] = tt;
  }

  private push(item: number, score: number, tie: number): void {
    let p = this.size++;
    this.heapItems[p] = item;
    this.heapScores[p] = score;
    this.heapTies[p] = tie;
    while (p > 0) {
      const parent = (p - 1) >> 1;
      if (!this.worse(p, parent)) break;
      this.swap(p, parent);
      p = parent;
    }
  }

  private siftDown(p: number): void {
    const n = this.size;
    for (;;) {
      const l = 2 * p + 1;
      if (l >= n) return;
      const r = l + 1;
      const w = r < n && this.worse(r, l) ? r : l;
      if (!this.worse(w, p)) return;
      this.swap(w, p);
      p = w;
    }
  }
}
