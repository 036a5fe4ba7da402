import { Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { Rng, sparseGram, type SparseRows } from '../../../../core/util';

function csr(dense: number[][]): SparseRows {
  const indptr = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const row of dense) {
    row.forEach((v, j) => {
      if (v !== 0) {
        indices.push(j);
        values.push(v);
      }
    });
    indptr.push(indices.length);
  }
  return { nRows: dense.length, nCols: dense[0].length, indptr: Int32Array.from(indptr), indices: Int32Array.from(indices), values: Float32Array.from(values) };
}

describe('sparseGram', () => {
  it('counts co-occurrences (hand-checked)', () => {
    // rows {0, 1}, {1, 2}, {0, 2, 3}: item 0 has 2 users, shares one with 1, 2 and 3 each
    const x = csr([
      [1, 1, 0, 0],
      [0, 1, 1, 0],
      [1, 0, 1, 1],
    ]);
    expect(Array.from(sparseGram(x, { binary: true }))).toEqual([2, 1, 1, 1, 1, 2, 1, 0, 1, 1, 2, 1, 1, 0, 1, 1]);
  });

  it('equals the dense product XᵀX, weighted and binary', () => {
    const rng = new Rng(4);
    const dense = Array.from({ length: 57 }, () => Array.from({ length: 41 }, () => (rng.next() < 0.15 ? Math.round(rng.next() * 40) / 8 + 0.5 : 0)));
    const x = csr(dense);
    const m = new Matrix(dense);
    const want = m.transpose().mmul(m);
    const binary = new Matrix(dense.map((r) => r.map((v) => (v !== 0 ? 1 : 0))));
    const wantBinary = binary.transpose().mmul(binary);
    const g = sparseGram(x);
    const gb = sparseGram(x, { binary: true });
    // Values are multiples of 1/8 below 6, so every product and sum is exact in float32.
    for (let i = 0; i < 41; i++) {
      for (let j = 0; j < 41; j++) {
        expect(g[i * 41 + j]).toBe(want.get(i, j));
        expect(gb[i * 41 + j]).toBe(wantBinary.get(i, j));
      }
    }
  });
});
