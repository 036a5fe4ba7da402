import { EigenvalueDecomposition, inverse, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { NotPositiveDefiniteError, Rng, inverseSpd, inverseSpdSteps, type Precision } from '../../../../core/util';

describe('inverseSpd', () => {
  it('inverts a + shift I (hand-computed 2 x 2)', () => {
    // [[3,2],[2,2]] + I = [[4,2],[2,3]], det 8 -> inverse [[3,-2],[-2,4]] / 8
    for (const precision of ['float32', 'float64'] as const) {
      const p = inverseSpd(Float64Array.of(3, 2, 2, 2), 2, { shift: 1, precision } as { shift: number; precision: 'float64' });
      [3 / 8, -2 / 8, -2 / 8, 4 / 8].forEach((v, k) => expect(p[k]).toBeCloseTo(v, precision === 'float32' ? 6 : 14));
    }
  });

  it('inverts a hand-checked 3 x 3 and reads only the lower triangle', () => {
    // A = [[4,2,0],[2,5,3],[0,3,6]]: det = 4(30-9) - 2(12-0) = 60; adjugate / 60.
    const want = [21, -12, 6, -12, 24, -12, 6, -12, 16].map((x) => x / 60);
    const lowerOnly = Float64Array.of(4, NaN, NaN, 2, 5, NaN, 0, 3, 6);
    const p = inverseSpd(lowerOnly, 3, { precision: 'float64' });
    want.forEach((v, k) => expect(p[k]).toBeCloseTo(v, 14));
  });

  // A Gram matrix of a random binary matrix plus a ridge, as EASE inverts. Cholesky-based
  // inversion is backward stable: its error relative to the largest entry of A⁻¹ is of the
  // order of κ(A)·eps (Higham, Accuracy and Stability, ch. 14). We allow κ·eps itself (κ from
  // ml-matrix's eigenvalues, 3 to 710 here): 20-50 times the errors seen (7.5e-7 against
  // 4.2e-5 in float32 at n = 200), while a wrong block, off by the size of the entries, fails.
  it.each([
    [5, 16],
    [70, 16],
    [130, 32],
    [200, 48],
  ])('matches ml-matrix on a random %i x %i-blocked SPD matrix, in float32 and float64', (n, blockSize) => {
    const rng = new Rng(n);
    const x = Matrix.zeros(n + 10, n);
    for (let i = 0; i < n + 10; i++) for (let j = 0; j < n; j++) x.set(i, j, rng.next() < 0.2 ? 1 : 0);
    const g = x.transpose().mmul(x);
    const shifted = g.clone().add(Matrix.eye(n).mul(2.5));
    const eig = new EigenvalueDecomposition(shifted).realEigenvalues;
    const kappa = Math.max(...eig) / Math.min(...eig);
    const ref = inverse(shifted);
    const scale = ref.max();
    for (const [precision, eps] of [['float32', 2 ** -24], ['float64', 2 ** -53]] as [Precision, number][]) {
      const p = inverseSpd(Float64Array.from(g.to1DArray()), n, { shift: 2.5, precision, blockSize } as { shift: number; precision: 'float64' });
      let maxErr = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) maxErr = Math.max(maxErr, Math.abs(p[i * n + j] - ref.get(i, j)));
      expect(maxErr / scale).toBeLessThan(kappa * eps);
      expect(p[n - 1]).toBe(p[(n - 1) * n]); // symmetric
    }
  });

  it('refuses a matrix that is not positive definite, naming the pivot', () => {
    const err = (() => {
      try {
        inverseSpd(Float64Array.of(1, 2, 2, 1), 2);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(NotPositiveDefiniteError);
    expect((err as NotPositiveDefiniteError).pivot).toBe(1);
    expect((err as Error).message).toMatch(/not positive definite: Cholesky pivot 1 is -3/);
  });

  it('reports increasing progress ending at 1, one step per block of each sweep', () => {
    const n = 100;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) a[i * n + i] = 2;
    const fractions: number[] = [];
    const p = inverseSpd(a, n, { blockSize: 32, onProgress: (f) => fractions.push(f) });
    expect(p[0]).toBeCloseTo(0.5, 7);
    // 100 rows pad to 112: blocks of 32, 32, 32, 16 in each of the two sweeps
    expect(fractions).toHaveLength(8);
    for (let k = 1; k < fractions.length; k++) expect(fractions[k]).toBeGreaterThan(fractions[k - 1]);
    expect(fractions[0]).toBeGreaterThan(0);
    expect(fractions[7]).toBe(1);
    // the generator form yields the same fractions and returns the same inverse
    const steps = inverseSpdSteps(a, n, { blockSize: 32 });
    const seen: number[] = [];
    let r = steps.next();
    while (!r.done) {
      seen.push(r.value);
      r = steps.next();
    }
    expect(seen).toEqual(fractions);
    expect(Array.from(r.value)).toEqual(Array.from(p));
  });
});
