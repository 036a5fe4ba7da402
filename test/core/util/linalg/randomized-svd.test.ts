import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { Rng, randomizedSvd } from '../../../../core/util';

// The 4 x 4 binary matrix of rows {0, 1}, {1, 2}, {0, 2, 3}, {3}.
const dense = [
  [1, 1, 0, 0],
  [0, 1, 1, 0],
  [1, 0, 1, 1],
  [0, 0, 0, 1],
];
const exact = new SingularValueDecomposition(new Matrix(dense)).diagonal.sort((a, b) => b - a);

describe('randomized SVD', () => {
  it('finds the exact singular values when the sketch spans the matrix', () => {
    const a = { nRows: 4, nCols: 4, indptr: Int32Array.from([0, 2, 4, 7, 8]), indices: Int32Array.from([0, 1, 1, 2, 0, 2, 3, 3]), values: new Float32Array(8).fill(1) };
    const svd = randomizedSvd(a, 3, { oversample: 5, powerIterations: 2, rng: new Rng(1) });
    expect(svd.k).toBe(3);
    for (let c = 0; c < 3; c++) expect(svd.s[c]).toBeCloseTo(exact[c], 9);
    // orthonormal columns of U
    for (let c = 0; c < 3; c++) {
      let norm = 0;
      for (let i = 0; i < 4; i++) norm += svd.u[i * 3 + c] ** 2;
      expect(norm).toBeCloseTo(1, 9);
    }
  });

  it('approximates the top singular values of a larger low-rank-ish matrix', () => {
    const rng = new Rng(5);
    const m = 60;
    const n = 40;
    const rows: number[][] = Array.from({ length: m }, () => Array.from({ length: n }, () => (rng.next() < 0.15 ? 1 : 0)));
    const indptr = [0];
    const indices: number[] = [];
    rows.forEach((r) => {
      r.forEach((v, j) => v && indices.push(j));
      indptr.push(indices.length);
    });
    const a = { nRows: m, nCols: n, indptr: Int32Array.from(indptr), indices: Int32Array.from(indices), values: new Float32Array(indices.length).fill(1) };
    const svd = randomizedSvd(a, 5, { oversample: 10, powerIterations: 4, rng: new Rng(2) });
    const ref = new SingularValueDecomposition(new Matrix(rows)).diagonal.sort((x, y) => y - x);
    for (let c = 0; c < 5; c++) expect(Math.abs(svd.s[c] - ref[c]) / ref[c]).toBeLessThan(1e-3);
  });
});
