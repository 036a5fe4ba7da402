import { describe, expect, it } from 'vitest';
import { categoricalConfigSchema, categoricalTransformer } from '../../../core/features/categorical';
import { fitInput, makeDataset, rowsOf, run } from './fixture';

const occupations = ['eng', 'art', 'eng', 'doctor', null, 'art', 'eng', 'pilot'];
const ds = makeDataset({
  nUsers: occupations.length,
  nItems: 1,
  interactions: [],
  userAttributes: [{ name: 'occupation', kind: 'categorical', values: occupations }],
});
const fit = (config: Record<string, unknown>, fitEntities?: number[]) =>
  categoricalTransformer.fit(categoricalConfigSchema.parse({ column: 'occupation', ...config }), fitInput(ds, 'user', { fitEntities }));

describe('categorical transformer', () => {
  it('orders the vocabulary by count, then value, behind the OOV column', () => {
    const t = fit({});
    // eng x3, art x2, doctor x1, pilot x1 (ties by value)
    expect(t.state().values).toEqual(['eng', 'art', 'doctor', 'pilot']);
    expect(t.names).toEqual(['occupation=<oov>', 'occupation=eng', 'occupation=art', 'occupation=doctor', 'occupation=pilot']);
  });

  it('one-hots known values; unseen go to OOV; missing is all zeros', () => {
    const t = fit({});
    expect(run(t, rowsOf({ occupation: ['art', 'chef', null, ''] }))).toEqual([
      [0, 0, 1, 0, 0],
      [1, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
    ]);
  });

  it('sends values rarer than minCount to OOV and caps with maxCategories', () => {
    expect(fit({ minCount: 2 }).state().values).toEqual(['eng', 'art']);
    const t = fit({ maxCategories: 1 });
    expect(t.state().values).toEqual(['eng']);
    expect(run(t, rowsOf({ occupation: ['art', 'eng'] }))).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it('counts only the fit entities', () => {
    expect(fit({}, [0, 1, 2]).state().values).toEqual(['eng', 'art']);
  });

  it('rejects unknown config keys', () => {
    expect(categoricalConfigSchema.safeParse({ column: 'occupation', mincount: 2 }).success).toBe(false);
  });
});
