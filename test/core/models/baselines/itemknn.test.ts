import { describe, expect, it } from 'vitest';
import { buildCsr } from '../../../../core/data/matrix';
import type { Dataset } from '../../../../core/data/types';
import { ItemKnnRecommender } from '../../../../core/models/baselines/itemknn';

// users: 0 -> {0, 1}, 1 -> {0, 1, 2}, 2 -> {1, 2}, 3 -> {3}
// item users: 0 {0,1} (2), 1 {0,1,2} (3), 2 {1,2} (2), 3 {3} (1)
// overlaps: (0,1) = 2, (0,2) = 1, (1,2) = 2, item 3 overlaps nothing.
// shrink 1: sim(0,1) = sim(1,2) = 2 / (sqrt(2*3) + 1) = 0.5797958971132712; sim(0,2) = 1 / (2 + 1) = 1/3.
const train = buildCsr(4, 4, Int32Array.from([0, 0, 1, 1, 1, 2, 2, 3]), Int32Array.from([0, 1, 0, 1, 2, 1, 2, 3]));
const S01 = 0.5797958971132712;

function fitted(k: number, shrink: number): ItemKnnRecommender {
  const m = new ItemKnnRecommender({ k, shrink });
  m.fit({ dataset: {} as Dataset, train, trainIndex: new Int32Array(0), seed: 1 });
  return m;
}

describe('ItemKnnRecommender', () => {
  it('computes the shrunk cosine between item columns', () => {
    const m = fitted(3, 1);
    expect(m.similarity(0, 1)).toBeCloseTo(S01, 6);
    expect(m.similarity(1, 2)).toBeCloseTo(S01, 6);
    expect(m.similarity(0, 2)).toBeCloseTo(1 / 3, 6);
    expect(m.similarity(0, 0)).toBe(0);
    expect(m.similarity(0, 3)).toBe(0);
    // Without shrink: plain cosine 2 / sqrt(6).
    expect(fitted(3, 0).similarity(0, 1)).toBeCloseTo(2 / Math.sqrt(6), 6);
  });

  it("scores an item by its neighbours' similarities over the user's items", () => {
    // k = 2: N(0) = {1, 2}, N(1) = {0, 2}, N(2) = {0, 1}. User 2 has {1, 2}:
    //   item 0: sim(0,1) + sim(0,2) = 0.57980 + 0.33333; item 1: sim(1,2); item 2: sim(2,1); item 3: 0.
    const out = new Float32Array(8);
    fitted(2, 1).scoreUsers(Int32Array.of(2, 3), out);
    expect(out[0]).toBeCloseTo(S01 + 1 / 3, 6);
    expect(out[1]).toBeCloseTo(S01, 6);
    expect(out[2]).toBeCloseTo(S01, 6);
    expect(out[3]).toBe(0);
    // User 3's only item shares no users with anything: all zero.
    expect(Array.from(out.subarray(4))).toEqual([0, 0, 0, 0]);
  });

  it('keeps only the k most similar neighbours (ties to the lower index)', () => {
    // k = 1: N(0) = {1}; N(1) = {0} (0 and 2 tie at 0.57980); N(2) = {1}.
    // User 2 ({1, 2}): item 0 -> sim(0,1); item 1 -> N(1) = {0}, not owned -> 0; item 2 -> sim(2,1).
    const m = fitted(1, 1);
    expect(m.similarity(0, 2)).toBe(0);
    expect(m.similarity(1, 0)).toBeCloseTo(S01, 6);
    expect(m.similarity(1, 2)).toBe(0);
    const out = new Float32Array(4);
    m.scoreUsers(Int32Array.of(2), out);
    expect(out[0]).toBeCloseTo(S01, 6);
    expect(out[1]).toBe(0);
    expect(out[2]).toBeCloseTo(S01, 6);
  });

  it('rejects bad options with InputError', () => {
    expect(() => new ItemKnnRecommender({ k: 0, shrink: 1 })).toThrow(/k must be an integer >= 1; got 0/);
    expect(() => new ItemKnnRecommender({ k: 5, shrink: -1 })).toThrow(/shrink/);
  });
});
