import type { Dataset } from '../../../core/data';
import type { FeaturePipelineSpec } from '../../../core/spec';
import { makeDataset, utc } from './fixture';

/**
 * Four warm items and one held-out cold item (4) with a unique word, genre, brand and an
 * extreme year; training interactions 0..7, test interactions 8 (user 0 x cold item 4, at
 * 23:00, on a 'vr' device) and 9 (warm). `variant` changes only test-side data.
 */
export function leakDataset(variant = 0): Dataset {
  const day = utc(2021, 0, 4); // Monday
  const at = (h: number) => day + h * 3600;
  const ds = makeDataset({
    nUsers: 4,
    nItems: 5,
    interactions: [
      [0, 0, at(9)],
      [0, 1, at(10)],
      [1, 1, at(11)],
      [1, 2, at(12)],
      [2, 2, at(9)],
      [2, 3, at(13)],
      [3, 0, at(14)],
      [3, 3, at(15)],
      [0, variant ? 3 : 4, at(23) + variant * 60],
      [1, 3, at(16) + variant * 3600],
    ],
    userAttributes: [
      { name: 'occupation', kind: 'categorical', values: ['eng', 'art', 'eng', 'doctor'] },
      { name: 'age', kind: 'numeric', values: [20, 30, 40, null] },
    ],
    itemAttributes: [
      { name: 'title', kind: 'text', values: ['red apple', 'green apple', 'red car', 'blue car', variant ? 'another word' : 'zyzzyva apple'] },
      { name: 'genres', kind: 'multi', values: [['Comedy'], ['Comedy', 'Drama'], ['Action'], ['Drama'], variant ? ['Western'] : ['Noir']] },
      { name: 'brand', kind: 'categorical', values: ['A', 'B', 'A', 'B', variant ? 'Zeta' : 'Acme'] },
      { name: 'year', kind: 'numeric', values: [1990, 2000, 2010, 2020, variant ? -5 : 3000] },
    ],
    context: { device: ['web', 'web', 'mobile', 'web', 'mobile', 'web', 'mobile', 'web', variant ? 'tv' : 'vr', variant ? null : 'web'] },
  });
  return ds;
}

export const leakTrainIndex = Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7]);

export const leakSpec: FeaturePipelineSpec = {
  item: [
    { type: 'tfidf', column: 'title' },
    { type: 'multi-hot', column: 'genres' },
    { type: 'categorical', column: 'brand' },
    { type: 'numeric', column: 'year', scale: 'standard' },
    { type: 'numeric', column: 'year', scale: 'minmax', missingIndicator: false },
    { type: 'svd', k: 2 },
  ],
  user: [
    { type: 'categorical', column: 'occupation' },
    { type: 'numeric', column: 'age', scale: 'bucketize', buckets: 2 },
    { type: 'svd', k: 2 },
  ],
  context: [
    { type: 'temporal', parts: ['hour', 'weekday', 'recency'] },
    { type: 'context-categorical', column: 'device' },
  ],
  seed: 11,
};
