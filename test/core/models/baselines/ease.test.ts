import { describe, expect, it } from 'vitest';
import { inverse, Matrix } from 'ml-matrix';
import { buildCsr } from '../../../../core/data/matrix';
import type { Dataset } from '../../../../core/data/types';
import { EaseRecommender, easeGram, easeLambdaPath } from '../../../../core/models/baselines/ease';
import type { FitContext } from '../../../../core/models';
import { Rng } from '../../../../core/util';
import { createModel } from '../../../../core/models';

const dataset = {} as Dataset;

describe('EaseRecommender', () => {
  // users: 0 -> {0, 1}, 1 -> {0}. G = XᵀX = [[2,1],[1,1]]; λ = 1: P = [[3,1],[1,2]]⁻¹ = [[2,-1],[-1,3]] / 5.
  // B[i][j] = -P[i][j] / P[j][j]: B[0][1] = (1/5) / (3/5) = 1/3, B[1][0] = (1/5) / (2/5) = 1/2, diag 0.
  const train = buildCsr(2, 2, Int32Array.from([0, 0, 1]), Int32Array.from([0, 1, 0]));

  it('has the closed form B = I - P diag(1/diag P) with a zero diagonal', async () => {
    const m = new EaseRecommender({ lambda: 1 });
    await m.fit({ dataset, train, trainIndex: new Int32Array(0), seed: 1 });
    expect(m.weight(0, 1)).toBeCloseTo(1 / 3, 6);
    expect(m.weight(1, 0)).toBeCloseTo(1 / 2, 6);
    expect(m.weight(0, 0)).toBe(0);
    expect(m.weight(1, 1)).toBe(0);
  });

  it('scores x_u B', async () => {
    const m = new EaseRecommender({ lambda: 1 });
    await m.fit({ dataset, train, trainIndex: new Int32Array(0), seed: 1 });
    const out = new Float32Array(4);
    m.scoreUsers(Int32Array.of(0, 1), out);
    // user 0 = [1,1]: [B00 + B10, B01 + B11] = [1/2, 1/3]; user 1 = [1,0]: [0, 1/3]
    [0.5, 1 / 3, 0, 1 / 3].forEach((v, k) => expect(out[k]).toBeCloseTo(v, 6));
  });

  it('fits a lambda grid from one Gram matrix, each model equal to a separate fit', async () => {
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
    const gram = easeGram(big);
    expect(gram[0]).toBe(big.indices.filter((i) => i === 0).length);
    expect(easeGram(big)).toBe(gram); // computed once per training matrix
    const seen: number[] = [];
    const fits: [number, EaseRecommender][] = [];
    for (const { lambda, model } of easeLambdaPath(ctx, [1, 10])) {
      seen.push(lambda);
      fits.push([lambda, model]);
    }
    for (const [lambda, model] of fits) {
      const alone = new EaseRecommender({ lambda });
      await alone.fit(ctx);
      const a = new Float32Array(12 * 3);
      const b = new Float32Array(12 * 3);
      model.scoreUsers(Int32Array.of(0, 5, 29), a);
      alone.scoreUsers(Int32Array.of(0, 5, 29), b);
      expect(Array.from(a)).toEqual(Array.from(b));
      expect(model.lambda).toBe(lambda);
    }
    expect(seen).toEqual([1, 10]);
  });

  /** 80 users x 300 items with popularity and taste structure, so that scores spread. */
  function fixture(): FitContext {
    const rng = new Rng(11);
    const rows: number[] = [];
    const cols: number[] = [];
    for (let u = 0; u < 80; u++) {
      const taste = u % 3;
      for (let i = 0; i < 300; i++) {
        const p = 0.25 / (1 + i / 30) + (i % 3 === taste ? 0.08 : 0);
        if (rng.next() < p) {
          rows.push(u);
          cols.push(i);
        }
      }
    }
    return { dataset, train: buildCsr(80, 300, Int32Array.from(rows), Int32Array.from(cols)), trainIndex: new Int32Array(0), seed: 1 };
  }

  it('scores as the float64 closed form of the previous implementation, to float32 precision', async () => {
    const ctx = fixture();
    const n = 300;
    const lambda = 20;
    // The closed form in float64 with ml-matrix (what the previous implementation computed).
    const x = Matrix.zeros(80, n);
    for (let u = 0; u < 80; u++) for (let p = ctx.train.indptr[u]; p < ctx.train.indptr[u + 1]; p++) x.set(u, ctx.train.indices[p], 1);
    const pInv = inverse(x.transpose().mmul(x).add(Matrix.eye(n).mul(lambda)));
    const b = Matrix.zeros(n, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) b.set(i, j, -pInv.get(i, j) / pInv.get(j, j));
    const want = x.mmul(b);
    const model = new EaseRecommender({ lambda });
    await model.fit(ctx);
    const users = Int32Array.from({ length: 80 }, (_, u) => u);
    const got = new Float32Array(80 * n);
    model.scoreUsers(users, got);
    let maxErr = 0;
    let maxScore = 0;
    for (let u = 0; u < 80; u++) {
      for (let j = 0; j < n; j++) {
        maxErr = Math.max(maxErr, Math.abs(got[u * n + j] - want.get(u, j)));
        maxScore = Math.max(maxScore, Math.abs(want.get(u, j)));
      }
    }
    // float32 carries 2^-24 ≈ 6e-8 relative; the inverse (κ ≈ 15 here) and the sums of a
    // user's ~27 rows grow that to 5e-7 of the largest score (measured); a wrong weight
    // would be off by the size of the weights.
    expect(maxErr / maxScore).toBeLessThan(1e-5);
    // and the float64 solver agrees with the reference to float64-then-float32 rounding
    const exact = new EaseRecommender({ lambda }, { precision: 'float64' });
    await exact.fit(ctx);
    exact.scoreUsers(users, got);
    for (let j = 0; j < n; j++) expect(got[7 * n + j]).toBeCloseTo(want.get(7, j), 6);
  });

  it('reports its fit progress in increasing fractions up to 1', async () => {
    const fractions: number[] = [];
    await new EaseRecommender({ lambda: 20 }).fit({ ...fixture(), onProgress: (p) => fractions.push(p.fraction!) });
    // 300 items pad to 304 rows: 3 blocks of 128 rows in each of the two sweeps of the inverse
    expect(fractions.length).toBe(6);
    for (let k = 1; k < fractions.length; k++) expect(fractions[k]).toBeGreaterThan(fractions[k - 1]);
    expect(fractions.at(-1)).toBe(1);
  });

  it('rejects a non-positive lambda', () => {
    expect(() => new EaseRecommender({ lambda: 0 })).toThrow(/lambda must be a number > 0/);
    expect(() => createModel({ type: 'ease', lamda: 100 })).toThrow("model.lamda: unknown parameter 'lamda' for model type 'ease'; did you mean 'lambda'?");
  });
});
