import { describe, expect, it } from 'vitest';
import { datasetStats, gini, summarizeCounts } from '../../../core/data/stats';
import type { Dataset } from '../../../core/data/types';

/** Users A-E, items x,y,z,w,v; E and v have no interactions. A: x y z, B: x y, C: x w, D: z. */
function tiny(): Dataset {
  const pairs: [number, number][] = [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [2, 0], [2, 3], [3, 2]];
  return {
    name: 'tiny',
    source: 'test',
    userIds: ['A', 'B', 'C', 'D', 'E'],
    itemIds: ['x', 'y', 'z', 'w', 'v'],
    interactions: {
      user: Int32Array.from(pairs, (p) => p[0]),
      item: Int32Array.from(pairs, (p) => p[1]),
      rating: Float32Array.from([5, 3, 4, 4, 2, 5, 1, 3]),
      timestamp: new Float64Array(8).fill(NaN),
      context: {},
    },
    userAttributes: [{ name: 'age', kind: 'numeric', values: [10, null, 30, 30, null] }],
    itemAttributes: [{ name: 'tags', kind: 'multi', values: [['a', 'b'], ['b'], null, [], ['c']] }],
  };
}

describe('datasetStats', () => {
  it('matches hand-computed counts, long tail and attribute summary', () => {
    const s = datasetStats(tiny());
    expect(s).toMatchObject({
      users: 5,
      items: 5,
      interactions: 8,
      usersWithInteractions: 4,
      itemsWithInteractions: 4,
      coldUsers: 1,
      coldItems: 1,
      density: 8 / 25,
      explicit: true,
      ratingBinned: false,
      ratingMean: 27 / 8,
      contextColumns: [],
    });
    expect(s.ratingDistribution).toEqual([
      { value: 1, count: 1 },
      { value: 2, count: 1 },
      { value: 3, count: 2 },
      { value: 4, count: 2 },
      { value: 5, count: 2 },
    ]);
    // Per user: A3 B2 C2 D1 E0; per item: x3 y2 z2 w1 v0.
    expect(s.perUser).toEqual({ min: 0, median: 2, mean: 1.6, max: 3 });
    expect(s.perItem).toEqual({ min: 0, median: 2, mean: 1.6, max: 3 });
    // Top 20 % of 5 items = 1 item (x, 3 of 8). Gini of [0,1,2,2,3]:
    // 2*(1*0+2*1+3*2+4*2+5*3)/(5*8) - 6/5 = 62/40 - 1.2 = 0.35.
    expect(s.popularity.top20ItemShare).toBeCloseTo(0.375, 12);
    expect(s.popularity.gini).toBeCloseTo(0.35, 12);
    expect(s.timeRange).toBeUndefined();
    expect(s.userAttributes).toEqual([{ name: 'age', kind: 'numeric', missingShare: 0.4, distinct: 2 }]);
    expect(s.itemAttributes).toEqual([{ name: 'tags', kind: 'multi', missingShare: 0.2, distinct: 3 }]);
  });

  it('is plain JSON: it survives a round trip unchanged', () => {
    const s = datasetStats(tiny());
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('reports implicit data and a time range', () => {
    const ds = tiny();
    ds.interactions.rating.fill(NaN);
    ds.interactions.timestamp = Float64Array.from([5, 3, 9, 1, 7, NaN, 2, 8]);
    const s = datasetStats(ds);
    expect(s.explicit).toBe(false);
    expect(s.ratingDistribution).toBeUndefined();
    expect(s.timeRange).toEqual({ min: 1, max: 9 });
  });

  it('bins ratings with more than 20 distinct values', () => {
    const ds = tiny();
    const n = 30;
    ds.interactions = {
      user: new Int32Array(n),
      item: new Int32Array(n),
      rating: Float32Array.from({ length: n }, (_, k) => k),
      timestamp: new Float64Array(n).fill(NaN),
      context: {},
    };
    const s = datasetStats(ds);
    expect(s.ratingBinned).toBe(true);
    expect(s.ratingDistribution!.length).toBe(10);
    expect(s.ratingDistribution!.map((b) => b.count)).toEqual([3, 3, 3, 3, 3, 3, 3, 3, 3, 3]);
    expect(s.ratingDistribution![1].value).toBeCloseTo(2.9, 6);
  });
});

describe('count helpers', () => {
  it('summarises even-length counts with the mean of the middle two as median', () => {
    expect(summarizeCounts(Int32Array.from([4, 1, 3, 2]))).toEqual({ min: 1, median: 2.5, mean: 2.5, max: 4 });
    expect(summarizeCounts(new Int32Array(0))).toEqual({ min: 0, median: 0, mean: 0, max: 0 });
  });

  it('gini is 0 for equal counts and (n-1)/n when one item has everything', () => {
    expect(gini(Int32Array.from([5, 5, 5, 5]))).toBeCloseTo(0, 12);
    expect(gini(Int32Array.from([0, 0, 0, 8]))).toBeCloseTo(0.75, 12);
  });
});
