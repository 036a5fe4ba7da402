import { describe, expect, it } from 'vitest';
import { inverse, Matrix } from 'ml-matrix';
import { buildCsr } from '../../../../core/data/matrix';
import type { Dataset } from '../../../../core/data/types';
import { EaseRecommender, easeLambdaPath } from '../../../../core/models/baselines/ease';
import { binaryGram, inverseSpd } from '../../../../core/models/baselines/linear-algebra';
import { Rng } from '../../../../core/util';
import { createModel } from '../../../../core/models';

const dataset = {} as Dataset;

describe('inverseSpd', () => {
  it('inverts a + shift I (hand-computed 2 x 2)', () => {
    // [[3,2],[2,2]] + I = [[4,2],[2,3]], det 8 -> inverse [[3,-2],[-2,4]] / 8
    const p = inverseSpd(Float64Array.of(3, 2, 2, 2), 2, 1);
    [3 / 8, -2 / 8, -2 / 8, 4 / 8].forEach((v, k) => expect(p[k]).toBeCloseTo(v, 12));
  });

  it("matches ml-matrix's inverse on a 70 x 70 Gram matrix (several blocks)", () => {
    const rng = new Rng(3);
    const n = 70;
    const x = Matrix.zeros(40, n);
    for (let i = 0; i < 40; i++) for (let j = 0; j < n; j++) x.set(i, j, rng.next() < 0.2 ? 1 : 0);
    const g = x.transpose().mmul(x);
    const p = inverseSpd(Float64Array.from(g.to1DArray()), n, 2.5);
    const ref = inverse(g.clone().add(Matrix.eye(n).mul(2.5)));
    let maxErr = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) maxErr = Math.max(maxErr, Math.abs(p[i * n + j] - ref.get(i, j)));
    expect(maxErr).toBeLessThan(1e-10);
  });

  it('refuses a matrix that is not positive definite', () => {
    expect(() => inverseSpd(Float64Array.of(1, 2, 2, 1), 2, 0)).toThrow(/not positive definite/);
  });
});

describe('EaseRecommender', () => {
  // users: 0 -> {0, 1}, 1 -> {0}. G = XᵀX = [[2,1],[1,1]]; λ = 1: P = [[3,1],[1,2]]⁻¹ = [[2,-1],[-1,3]] / 5.
  // B[i][j] = -P[i][j] / P[j][j]: B[0][1] = (1/5) / (3/5) = 1/3, B[1][0] = (1/5) / (2/5) = 1/2, diag 0.
  const train = buildCsr(2, 2, Int32Array.from([0, 0, 1]), Int32Array.from([0, 1, 0]));

  it('has the closed form B = I - P diag(1/diag P) with a zero diagonal', () => {
    const m = new EaseRecommender({ lambda: 1 });
    m.fit({ dataset, train, trainIndex: new Int32Array(0), seed: 1 });
    expect(m.weight(0, 1)).toBeCloseTo(1 / 3, 6);
    expect(m.weight(1, 0)).toBeCloseTo(1 / 2, 6);
    expect(m.weight(0, 0)).toBe(0);
    expect(m.weight(1, 1)).toBe(0);
  });

  it('scores x_u B', () => {
    const m = new EaseRecommender({ lambda: 1 });
    m.fit({ dataset, train, trainIndex: new Int32Array(0), seed: 1 });
    const out = new Float32Array(4);
    m.scoreUsers(Int32Array.of(0, 1), out);
    // user 0 = [1,1]: [B00 + B10, B01 + B11] = [1/2, 1/3]; user 1 = [1,0]: [0, 1/3]
    [0.5, 1 / 3, 0, 1 / 3].forEach((v, k) => expect(out[k]).toBeCloseTo(v, 6));
  });

  it('fits a lambda grid from one Gram matrix, each model equal to a separate fit', () => {
    const rng = new Rng(9);
    const rows: number[] = [];
    const cols: number[] = [];
    for (let u = 0; u < 30; u++) {
      for (let i = 0; i < 12; i++) {
        if (rng.next() < 0.3) {
          rows.push(u);
          cols.push(i);
        }
      }
    }
    const big = buildCsr(30, 12, Int32Array.from(rows), Int32Array.from(cols));
    const ctx = { dataset, train: big, trainIndex: new Int32Array(0), seed: 1 };
    const gram = binaryGram(big);
    expect(gram[0]).toBe(big.indices.filter((i) => i === 0).length);
    const seen: number[] = [];
    for (const { lambda, model } of easeLambdaPath(ctx, [1, 10])) {
      seen.push(lambda);
      const alone = new EaseRecommender({ lambda });
      alone.fit(ctx);
      const a = new Float32Array(12 * 3);
      const b = new Float32Array(12 * 3);
      model.scoreUsers(Int32Array.of(0, 5, 29), a);
      alone.scoreUsers(Int32Array.of(0, 5, 29), b);
      expect(Array.from(a)).toEqual(Array.from(b));
      expect(model.lambda).toBe(lambda);
    }
    expect(seen).toEqual([1, 10]);
  });

  it('rejects a non-positive lambda', () => {
    expect(() => new EaseRecommender({ lambda: 0 })).toThrow(/lambda must be a number > 0/);
    expect(() => createModel({ type: 'ease', lamda: 100 })).toThrow("model.lamda: unknown parameter 'lamda' for model type 'ease'; did you mean 'lambda'?");
  });
});
