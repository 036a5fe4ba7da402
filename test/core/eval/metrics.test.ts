import { describe, expect, it } from 'vitest';
import { cosineDistance, discount, idealDcg, itemNovelty, rankingMetrics, userAuc } from '../../../core/eval/metrics';

const L3 = 1 / Math.log2(3); // discount of rank 2 = 0.6309297535714575
const L4 = 1 / Math.log2(4); // rank 3 = 0.5
const L5 = 1 / Math.log2(5); // rank 4 = 0.43067655807339306

describe('rankingMetrics', () => {
  it('matches the hand computation for ranked [3,1,2,0], relevant {1,0}', () => {
    // K=2: top [3,1], hits [0,1]. precision 1/2, recall 1/2,
    // ndcg = (1/log2 3) / (1 + 1/log2 3) = 0.63093/1.63093 = 0.386853,
    // AP = (1/2 at rank 2) / min(2,2) = 0.25, mrr = 1/2, hit = 1.
    const m2 = rankingMetrics(Int32Array.from([3, 1, 2, 0]), new Set([1, 0]), 2);
    expect(m2.precision).toBeCloseTo(0.5, 12);
    expect(m2.recall).toBeCloseTo(0.5, 12);
    expect(m2.ndcg).toBeCloseTo(L3 / (1 + L3), 12);
    expect(m2.ndcg).toBeCloseTo(0.386852807234, 9);
    expect(m2.map).toBeCloseTo(0.25, 12);
    expect(m2.mrr).toBeCloseTo(0.5, 12);
    expect(m2.hit).toBe(1);
    // K=4: hits [0,1,0,1]. precision 2/4, recall 2/2,
    // ndcg = (1/log2 3 + 1/log2 5) / (1 + 1/log2 3) = 1.061606/1.630930 = 0.650921,
    // AP = (1/2 + 2/4) / 2 = 0.5, mrr = 1/2.
    const m4 = rankingMetrics([3, 1, 2, 0], [1, 0], 4);
    expect(m4.precision).toBeCloseTo(0.5, 12);
    expect(m4.recall).toBeCloseTo(1, 12);
    expect(m4.ndcg).toBeCloseTo((L3 + L5) / (1 + L3), 12);
    expect(m4.ndcg).toBeCloseTo(0.650921, 6);
    expect(m4.map).toBeCloseTo(0.5, 12);
    expect(m4.mrr).toBeCloseTo(0.5, 12);
    // K=1: top [3], a miss: everything 0; AP divides by min(2,1) = 1.
    const m1 = rankingMetrics([3, 1, 2, 0], [1, 0], 1);
    expect(m1).toEqual({ precision: 0, recall: 0, ndcg: 0, hit: 0, map: 0, mrr: 0 });
  });

  it('normalises the ideal DCG and AP by min(|relevant|, K)', () => {
    // 3 relevant, K=2, both top items relevant: ideal DCG over 2 positions, so ndcg = 1;
    // AP = (1/1 + 2/2) / min(3,2) = 1; recall = 2/3; precision = 1.
    const m = rankingMetrics([5, 6, 7], new Set([5, 6, 9]), 2);
    expect(m.ndcg).toBeCloseTo(1, 12);
    expect(m.map).toBeCloseTo(1, 12);
    expect(m.recall).toBeCloseTo(2 / 3, 12);
    expect(m.precision).toBeCloseTo(1, 12);
  });

  it('divides precision by K even when the list is shorter', () => {
    // Only 2 items ranked, K=5, one hit at rank 1: precision 1/5, recall 1/1, ndcg 1, mrr 1.
    const m = rankingMetrics([4, 2], [4], 5);
    expect(m.precision).toBeCloseTo(0.2, 12);
    expect(m.recall).toBe(1);
    expect(m.ndcg).toBeCloseTo(1, 12);
    expect(m.mrr).toBe(1);
  });

  it('gives MAP for hits at ranks 1 and 3', () => {
    // relevant {a, c} at ranks 1 and 3, K=3: AP = (1/1 + 2/3) / 2 = 0.833333;
    // ndcg = (1 + 1/log2 4) / (1 + 1/log2 3) = 1.5 / 1.630930 = 0.919721.
    const m = rankingMetrics([10, 11, 12], [10, 12], 3);
    expect(m.map).toBeCloseTo(5 / 6, 12);
    expect(m.ndcg).toBeCloseTo((1 + L4) / (1 + L3), 12);
  });

  it('leaves recall, ndcg and map undefined without relevant items, and rejects repeated items', () => {
    const m = rankingMetrics([1, 2], [], 2);
    expect(m.precision).toBe(0);
    expect(m.recall).toBeNaN();
    expect(m.ndcg).toBeNaN();
    expect(m.map).toBeNaN();
    expect(() => rankingMetrics([1, 1, 2], [1], 3)).toThrow(/repeats item 1/);
    expect(() => rankingMetrics([1, 2], [1], 0)).toThrow(/positive integer/);
  });

  it('has the log2 discount and its ideal prefix sums', () => {
    expect(discount(0)).toBe(1);
    expect(discount(1)).toBeCloseTo(L3, 15);
    expect(discount(200)).toBeCloseTo(1 / Math.log2(202), 15);
    expect(idealDcg(0)).toBe(0);
    expect(idealDcg(3)).toBeCloseTo(1 + L3 + L4, 14);
  });
});

describe('userAuc', () => {
  it('counts ordered pairs, ties as one half', () => {
    // scores: item0 .9, item1 .5, item2 .5, item3 .1; positives {1, 3}; negatives {0, 2}.
    // pairs: (1,0) lost, (1,2) tie 1/2, (3,0) lost, (3,2) lost -> 0.5 / 4 = 0.125.
    expect(userAuc([0.9, 0.5, 0.5, 0.1], [1, 3])).toBeCloseTo(0.125, 12);
    // Perfect and reversed orderings.
    expect(userAuc([4, 3, 2, 1], [0, 1])).toBe(1);
    expect(userAuc([1, 2, 3, 4], [0, 1])).toBe(0);
    // Restricting the candidates drops item 0: pairs (1,2) tie, (3,2) lost -> 0.5 / 2.
    expect(userAuc([0.9, 0.5, 0.5, 0.1], [1, 3], [1, 2, 3])).toBeCloseTo(0.25, 12);
    expect(userAuc([1, 2], [0, 1])).toBeNaN();
  });
});

describe('beyond-accuracy helpers', () => {
  it('computes self-information novelty, with unseen items counted as seen once', () => {
    // -log2(2/8) = 2; popularity 0 -> -log2(1/8) = 3.
    expect(itemNovelty(2, 8)).toBeCloseTo(2, 12);
    expect(itemNovelty(0, 8)).toBeCloseTo(3, 12);
  });

  it('computes cosine distance of sparse rows', () => {
    // [1,1,0] vs [1,0,1]: cos = 1 / (sqrt2 * sqrt2) = 0.5 -> distance 0.5.
    expect(cosineDistance([0, 1], [1, 1], [0, 2], [1, 1])).toBeCloseTo(0.5, 12);
    expect(cosineDistance([0], [2], [0], [3])).toBeCloseTo(0, 12);
    expect(cosineDistance([0], [1], [1], [1])).toBeCloseTo(1, 12);
    expect(cosineDistance([], [], [1], [1])).toBeNaN();
  });
});
