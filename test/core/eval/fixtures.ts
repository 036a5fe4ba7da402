import { buildCsr, type CsrMatrix } from '../../../core/data/matrix';
import type { Scorer } from '../../../core/eval/types';

/** A scorer serving a fixed users x items score matrix (row-major). */
export class FixedScorer implements Scorer {
  calls = 0;
  constructor(
    readonly nItems: number,
    private readonly scores: Float32Array,
  ) {}
  scoreUsers(users: Int32Array, out: Float32Array): void {
    this.calls++;
    for (let b = 0; b < users.length; b++) out.set(this.scores.subarray(users[b] * this.nItems, (users[b] + 1) * this.nItems), b * this.nItems);
  }
}

/** CSR user x item matrix from per-user item lists. */
export function csrOf(nItems: number, rows: number[][]): CsrMatrix {
  const r: number[] = [];
  const c: number[] = [];
  rows.forEach((items, u) => items.forEach((i) => (r.push(u), c.push(i))));
  return buildCsr(rows.length, nItems, Int32Array.from(r), Int32Array.from(c));
}

/** Row-major score matrix from per-user rows. */
export function scoresOf(rows: number[][]): Float32Array {
  return Float32Array.from(rows.flat());
}
