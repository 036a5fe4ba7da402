import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../core/util';
import { orthonormalizeColumns } from '../../../../core/util/linalg/randomized-svd';
import { choleskyQr, timesSmall, transposeTimes } from '../../../../core/util/linalg/tall-products';

const random = (rng: Rng, n: number) => Float64Array.from({ length: n }, () => rng.normal());

describe('tall products', () => {
  it('computes Xᵀ·Y and X·M as plain loops do (odd sizes, padded inside)', () => {
    const rng = new Rng(3);
    const [rows, a, b] = [37, 5, 11];
    const x = random(rng, rows * a);
    const y = random(rng, rows * b);
    const m = random(rng, a * b);
    const xty = transposeTimes(x, y, rows, a, b);
    const xm = timesSmall(x, m, rows, a, b);
    for (let i = 0; i < a; i++) {
      for (let j = 0; j < b; j++) {
        let s = 0;
        for (let r = 0; r < rows; r++) s += x[r * a + i] * y[r * b + j];
        expect(xty[i * b + j]).toBeCloseTo(s, 12);
      }
    }
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < b; j++) {
        let s = 0;
        for (let i = 0; i < a; i++) s += x[r * a + i] * m[i * b + j];
        expect(xm[r * b + j]).toBeCloseTo(s, 12);
      }
    }
  });

  it('orthonormalises by CholeskyQR: QᵀQ = I and Q R = X with R upper triangular', () => {
    const rng = new Rng(4);
    const [rows, l] = [200, 12];
    const x = random(rng, rows * l);
    const q = choleskyQr(choleskyQr(x, rows, l)!, rows, l)!;
    const qtq = transposeTimes(q, q, rows, l, l);
    for (let i = 0; i < l; i++) for (let j = 0; j < l; j++) expect(qtq[i * l + j]).toBeCloseTo(i === j ? 1 : 0, 12);
    // R = QᵀX must be upper triangular (Q spans X column by column, as Gram-Schmidt does)
    const r = transposeTimes(q, x, rows, l, l);
    for (let i = 0; i < l; i++) for (let j = 0; j < i; j++) expect(Math.abs(r[i * l + j])).toBeLessThan(1e-10);
  });

  it('leaves a dependent column to Gram-Schmidt, which zeroes it', () => {
    const rng = new Rng(5);
    const [rows, l] = [50, 4];
    const x = random(rng, rows * l);
    for (let r = 0; r < rows; r++) x[r * l + 2] = 2 * x[r * l] - x[r * l + 1]; // column 2 = 2·c0 - c1
    expect(choleskyQr(x, rows, l)).toBeUndefined();
    orthonormalizeColumns(x, rows, l);
    for (let r = 0; r < rows; r++) expect(Math.abs(x[r * l + 2])).toBe(0);
    const qtq = transposeTimes(x, x, rows, l, l);
    for (const [i, j] of [[0, 0], [1, 1], [3, 3], [0, 3], [1, 3]]) expect(qtq[i * l + j]).toBeCloseTo(i === j ? 1 : 0, 12);
  });
});
