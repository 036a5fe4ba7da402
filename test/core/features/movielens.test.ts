import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMovieLens100k } from '../../../core/data';
import { fitFeaturePipeline, loadFittedPipeline } from '../../../core/features';
import type { FeaturePipelineSpec } from '../../../core/spec';
import { Rng } from '../../../core/util';

const ML100K = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'datasets', 'ml-100k');
const exists = fs.existsSync(path.join(ML100K, 'u.data'));

/** The spec of the feature pipeline issue, plus collaborative factors and recency. */
const ml100kSpec: FeaturePipelineSpec = {
  item: [
    { type: 'tfidf', column: 'title', maxFeatures: 500 },
    { type: 'multi-hot', column: 'genres' },
    { type: 'numeric', column: 'year', scale: 'standard' },
    { type: 'svd', k: 32 },
  ],
  user: [
    { type: 'categorical', column: 'occupation' },
    { type: 'numeric', column: 'age', scale: 'bucketize', buckets: 5 },
    { type: 'svd', k: 32 },
  ],
  context: [{ type: 'temporal', parts: ['hour', 'weekday', 'month', 'recency'] }],
};

describe.skipIf(!exists)(`feature pipeline on ML-100K (${exists ? 'found' : `skipped: no ${ML100K}`})`, () => {
  it('fits on 80% of the interactions and round-trips', () => {
    const ds = loadMovieLens100k(ML100K);
    const order = new Rng(1).shuffle(Int32Array.from({ length: ds.interactions.user.length }, (_, k) => k));
    const train = order.slice(0, Math.floor(order.length * 0.8)).sort();
    const p = fitFeaturePipeline(ml100kSpec, ds, train);
    // genres: 19 (+ OOV), occupation: 21 (+ OOV), age: 5 buckets + missing, svd 32
    expect(p.itemDim).toBe(500 + 20 + 2 + 32);
    expect(p.userDim).toBe(22 + 6 + 32);
    // hour, weekday, month: sin/cos each; recency + recency:none; time:missing
    expect(p.contextDim).toBe(3 * 2 + 2 + 1);
    const items = p.itemFeatures();
    expect(items.values.length).toBe(1682 * p.itemDim);
    expect(items.values.every((v) => Number.isFinite(v))).toBe(true);
    const back = loadFittedPipeline(JSON.parse(JSON.stringify(p.toJSON())), ds);
    // byte comparison: toEqual over a million floats takes seconds
    const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    expect(bytes(back.itemFeatures().values).equals(bytes(items.values))).toBe(true);
    expect(bytes(back.userFeatures().values).equals(bytes(p.userFeatures().values))).toBe(true);
    expect(bytes(back.contextFeatures(train)).equals(bytes(p.contextFeatures(train)))).toBe(true);
  });
});
