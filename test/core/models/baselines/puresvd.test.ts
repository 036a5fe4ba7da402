import { describe, expect, it } from 'vitest';
import { buildCsr } from '../../../../core/data/matrix';
import type { Dataset } from '../../../../core/data/types';
import { PureSvdRecommender } from '../../../../core/models/baselines/puresvd';

// Two blocks: users 0-3 have items {0, 1}, users 4-5 have items {2, 3, 4}. R has rank 2 with
// singular values sqrt(4 * 2) = sqrt(8) (block a) and sqrt(2 * 3) = sqrt(6) (block b).
const rows: number[] = [];
const cols: number[] = [];
for (let u = 0; u < 6; u++) {
  for (const i of u < 4 ? [0, 1] : [2, 3, 4]) {
    rows.push(u);
    cols.push(i);
  }
}
const train = buildCsr(6, 5, Int32Array.from(rows), Int32Array.from(cols));

function fitted(factors: number, seed = 1): PureSvdRecommender {
  const m = new PureSvdRecommender({ factors, oversample: 2, powerIterations: 2 });
  m.fit({ dataset: {} as Dataset, train, trainIndex: new Int32Array(0), seed });
  return m;
}

describe('PureSvdRecommender', () => {
  it('finds the singular values of R', () => {
    const sv = fitted(2).singularValues;
    expect(sv[0]).toBeCloseTo(Math.sqrt(8), 8);
    expect(sv[1]).toBeCloseTo(Math.sqrt(6), 8);
  });

  it('reproduces R when the rank is enough (scores = r_u V Vᵀ)', () => {
    const out = new Float32Array(10);
    fitted(2).scoreUsers(Int32Array.of(0, 5), out);
    [1, 1, 0, 0, 0, 0, 0, 1, 1, 1].forEach((v, k) => expect(out[k]).toBeCloseTo(v, 5));
  });

  it('keeps only the top factor at rank 1', () => {
    // V = (1, 1, 0, 0, 0) / sqrt(2): block-a users project to [1, 1, 0, 0, 0], block-b users to 0.
    const out = new Float32Array(10);
    fitted(1).scoreUsers(Int32Array.of(1, 4), out);
    [1, 1, 0, 0, 0, 0, 0, 0, 0, 0].forEach((v, k) => expect(out[k]).toBeCloseTo(v, 5));
  });

  it('is reproducible for a seed', () => {
    const a = new Float32Array(5);
    const b = new Float32Array(5);
    fitted(2, 4).scoreUsers(Int32Array.of(3), a);
    fitted(2, 4).scoreUsers(Int32Array.of(3), b);
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('rejects a bad rank', () => {
    expect(() => new PureSvdRecommender({ factors: 0, oversample: 2, powerIterations: 1 })).toThrow(/factors must be an integer >= 1/);
  });
});
