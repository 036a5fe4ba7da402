import { describe, expect, it } from 'vitest';
import {
  deserializeTransformer,
  featureTransformerDefinitions,
  featureTransformerTypes,
  getFeatureTransformer,
  numericTransformer,
  registerFeatureTransformer,
  serializeTransformer,
} from '../../../core/features';
import { fitInput, makeDataset, rowsOf, run } from './fixture';

describe('feature transformer registry', () => {
  it('has the built-in transformers', () => {
    expect(featureTransformerTypes()).toEqual(['categorical', 'context-categorical', 'multi-hot', 'numeric', 'svd', 'temporal', 'tfidf']);
  });

  it('lists definitions with their config schemas', () => {
    const defs = featureTransformerDefinitions();
    expect(defs.map((d) => d.type)).toEqual(featureTransformerTypes());
    const numeric = defs.find((d) => d.type === 'numeric')!;
    expect(numeric.sides).toEqual(['user', 'item']);
    expect(numeric.configSchema.safeParse({ column: 'age', scale: 'bucketize' }).success).toBe(true);
  });

  it('refuses a second registration of a name', () => {
    expect(() => registerFeatureTransformer(numericTransformer)).toThrow(expect.objectContaining({ name: 'BugIndicatingError', message: expect.stringMatching(/already registered/) }));
  });

  it('calls an unknown type a user error and lists the known ones', () => {
    expect(() => getFeatureTransformer('pca')).toThrow(expect.objectContaining({ name: 'InputError', message: expect.stringMatching(/Unknown feature transformer 'pca'.*numeric/) }));
  });

  it('serialises {type, config, state} and rebuilds an equal transformer', () => {
    const ds = makeDataset({ nUsers: 1, nItems: 3, interactions: [], itemAttributes: [{ name: 'x', kind: 'numeric', values: [1, 2, 6] }] });
    const t = numericTransformer.fit(numericTransformer.configSchema.parse({ column: 'x', scale: 'minmax' }), fitInput(ds, 'item'));
    const s = serializeTransformer(t);
    expect(s).toEqual({ type: 'numeric', config: { column: 'x', scale: 'minmax', buckets: 5, missingIndicator: true }, state: { count: 3, mean: 3, std: Math.sqrt(14 / 3), min: 1, max: 6 } });
    const back = deserializeTransformer(JSON.parse(JSON.stringify(s)));
    expect(run(back, rowsOf({ x: [3.5, null] }))).toEqual([
      [0.5, 0],
      [0, 1],
    ]);
  });
});
