import { describe, expect, it } from 'vitest';
import { multiHotConfigSchema, multiHotTransformer } from '../../../core/features/multi-hot';
import { fitInput, makeDataset, rowsOf, run } from './fixture';

const genres = [['Action', 'Comedy'], ['Comedy'], ['Drama', 'Comedy', 'Comedy'], null, ['Action']];
const ds = makeDataset({ nUsers: 1, nItems: genres.length, interactions: [], itemAttributes: [{ name: 'genres', kind: 'multi', values: genres }] });
const fit = (config: Record<string, unknown> = {}) => multiHotTransformer.fit(multiHotConfigSchema.parse({ column: 'genres', ...config }), fitInput(ds, 'item'));

describe('multi-hot transformer', () => {
  it('counts tokens once per entity and orders by count then value', () => {
    // Comedy on 3 items (twice on one: counted once), Action on 2, Drama on 1
    expect(fit().state().values).toEqual(['Comedy', 'Action', 'Drama']);
  });

  it('sets every kept token and the OOV column for unknown ones', () => {
    const t = fit();
    expect(run(t, rowsOf({ genres: [['Action', 'Drama'], ['Western', 'Comedy'], null, 'Drama|Action'] }))).toEqual([
      [0, 0, 1, 1],
      [1, 1, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 1, 1],
    ]);
  });

  it('applies minCount', () => {
    const t = fit({ minCount: 2 });
    expect(t.names).toEqual(['genres=<oov>', 'genres=Comedy', 'genres=Action']);
    expect(run(t, rowsOf({ genres: [['Drama']] }))).toEqual([[1, 0, 0]]);
  });
});
