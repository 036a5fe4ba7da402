import { describe, expect, it } from 'vitest';
import { contextCategoricalConfigSchema, contextCategoricalTransformer } from '../../../core/features/context-categorical';
import { fitInput, makeDataset, rowsOf, run } from './fixture';

const ds = makeDataset({
  nUsers: 1,
  nItems: 1,
  interactions: [
    [0, 0, 1],
    [0, 0, 2],
    [0, 0, 3],
    [0, 0, 4],
    [0, 0, 5],
  ],
  context: { device: ['mobile', 'web', 'mobile', null, 'tv'] },
});

describe('context-categorical transformer', () => {
  it('counts only training interactions', () => {
    // 'tv' appears only in interaction 4, which is not in training
    const t = contextCategoricalTransformer.fit(contextCategoricalConfigSchema.parse({ column: 'device' }), fitInput(ds, 'context', { trainIndex: [0, 1, 2, 3] }));
    expect(t.state().values).toEqual(['mobile', 'web']);
    expect(run(t, rowsOf({ device: ['tv', 'web', null] }))).toEqual([
      [1, 0, 0],
      [0, 0, 1],
      [0, 0, 0],
    ]);
  });

  it('names the context columns when the column is missing', () => {
    expect(() => contextCategoricalTransformer.fit(contextCategoricalConfigSchema.parse({ column: 'place' }), fitInput(ds, 'context'))).toThrow(
      /no interaction context column 'place'.*device/,
    );
  });
});
