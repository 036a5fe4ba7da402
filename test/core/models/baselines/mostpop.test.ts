import { describe, expect, it } from 'vitest';
import { buildCsr } from '../../../../core/data/matrix';
import type { Dataset } from '../../../../core/data/types';
import { MostPopRecommender } from '../../../../core/models/baselines/mostpop';
import { createModel } from '../../../../core/models';

describe('MostPopRecommender', () => {
  it('scores items by their number of training users, the same for every user', () => {
    // users: 0 -> {0, 2}, 1 -> {2}, 2 -> {1, 2}; item 3 unseen. Popularity: 1, 1, 3, 0.
    const train = buildCsr(3, 4, Int32Array.from([0, 0, 1, 2, 2]), Int32Array.from([0, 2, 2, 1, 2]));
    const m = new MostPopRecommender();
    m.fit({ dataset: {} as Dataset, train, trainIndex: new Int32Array(0), seed: 1 });
    const out = new Float32Array(8);
    m.scoreUsers(Int32Array.of(1, 0), out);
    expect(Array.from(out)).toEqual([1, 1, 3, 0, 1, 1, 3, 0]);
  });

  it('is registered with the other baselines', () => {
    for (const type of ['random', 'mostpop', 'itemknn', 'ease', 'puresvd', 'content-knn']) expect(createModel({ type }).type).toBe(type);
  });

  it('refuses to score before fit', () => {
    expect(() => new MostPopRecommender().scoreUsers(Int32Array.of(0), new Float32Array(4))).toThrow(/before fit/);
  });
});
