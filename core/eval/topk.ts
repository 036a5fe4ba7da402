import { RecLabError } from '../util';

/**
 * Top-K selection with a bounded min-heap: O(n log K) at worst, and nearly one comparison per
 * item once the heap holds K good items, instead of sorting every item of every user.
 * Order: higher score first; equal scores by lower item index.
 */
export class TopKSelector {
  private readonly heapItems: Int32Array;
  private readonly heapScores: Float64Array;
  private size = 0;

  constructor(readonly k: number) {
    this.heapItems = new Int32Array(k);
    this.heapScores = new Float64Array(k);
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
    const n = candidates ? candidates.length : scores.length;
    for (let c = 0; c < n; c++) {
      const i = candidates ? candidates[c] : c;
      if (excluded[i]) continue;
      const s = scores[i];
      if (s !== s) throw new RecLabError(`the model scored item ${i} of user ${user} as NaN; evaluation stopped (check for a diverged training run).`, 'NAN_SCORE');
      if (this.size < k) {
        this.push(i, s);
      } else if (s > hs[0] || (s === hs[0] && i < hi[0])) {
        hi[0] = i;
        hs[0] = s;
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
        this.siftDown(0);
      }
    }
    return count;
  }

  /** a ranks below b: lower score, or equal score and higher index. */
  private worse(a: number, b: number): boolean {
    const hs = this.heapScores;
    return hs[a] < hs[b] || (hs[a] === hs[b] && this.heapItems[a] > this.heapItems[b]);
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
  }

  private push(item: number, score: number): void {
    let p = this.size++;
    this.heapItems[p] = item;
    this.heapScores[p] = score;
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
