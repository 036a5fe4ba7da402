import { describe, expect, it } from 'vitest';
import { tfidfFeatureConfigSchema, tfidfTransformer } from '../../../core/features/tfidf-transformer';
import { fitInput, makeDataset, rowsOf, run } from './fixture';

const titles = ['red apple', 'green apple', 'red car', 'zebra stripes', null];
const ds = makeDataset({ nUsers: 1, nItems: titles.length, interactions: [], itemAttributes: [{ name: 'title', kind: 'text', values: titles }] });
const fit = (config: Record<string, unknown> = {}, fitEntities = [0, 1, 2]) =>
  tfidfTransformer.fit(tfidfFeatureConfigSchema.parse({ column: 'title', ...config }), fitInput(ds, 'item', { fitEntities }));

describe('tfidf transformer', () => {
  it('builds the vocabulary from the fit entities only, in sklearn column order', () => {
    const t = fit();
    expect(t.state().vocabulary).toEqual(['apple', 'car', 'green', 'red']);
    expect(t.names).toEqual(['title:apple', 'title:car', 'title:green', 'title:red']);
  });

  it('writes dense l2-normalised rows with smooth idf', () => {
    const t = fit();
    // n = 3 docs; df(apple) = 2, df(car) = 1, df(green) = 1, df(red) = 2
    const idf2 = Math.log(4 / 3) + 1;
    const idf1 = Math.log(4 / 2) + 1;
    const [row] = run(t, rowsOf({ title: ['red car'] }));
    const norm = Math.hypot(idf2, idf1);
    [0, idf1 / norm, 0, idf2 / norm].forEach((v, j) => expect(row[j]).toBeCloseTo(v, 6));
  });

  it('gives zero rows to missing text and to text with only unknown words', () => {
    const t = fit();
    expect(run(t, rowsOf({ title: [null, 'zebra'] }))).toEqual([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
  });

  it('keeps the maxFeatures most frequent terms', () => {
    expect(fit({ maxFeatures: 2 }).state().vocabulary).toEqual(['apple', 'red']);
  });

  it('names the column when the vocabulary would be empty', () => {
    expect(() => fit({}, [4])).toThrow(/item attribute 'title'.*empty vocabulary/);
  });
});
