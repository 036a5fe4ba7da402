import { describe, expect, it } from 'vitest';
import { buildCsr } from '../../../../core/data/matrix';
import type { Dataset } from '../../../../core/data/types';
import { ContentKnnRecommender } from '../../../../core/models/baselines/content-knn';

const dataset: Dataset = {
  name: 'tiny',
  source: 'test',
  userIds: ['a', 'b'],
  itemIds: ['x', 'y', 'z'],
  interactions: { user: new Int32Array(0), item: new Int32Array(0), rating: new Float32Array(0), timestamp: new Float64Array(0), context: {} },
  userAttributes: [],
  itemAttributes: [
    { name: 'title', kind: 'text', values: ['Space War', 'Space Love', 'War Story'] },
    { name: 'genres', kind: 'multi', values: [['Sci-Fi'], ['Romance'], ['Sci-Fi', 'War']] },
    { name: 'year', kind: 'numeric', values: [1977, 1980, 1990] },
  ],
};
// user 0 has item 0, user 1 has item 1; item 2 has no train interactions (cold).
const train = buildCsr(2, 3, Int32Array.of(0, 1), Int32Array.of(0, 1));

function scores(model: ContentKnnRecommender, coldItems?: Int32Array): Float32Array {
  model.fit({ dataset, train, trainIndex: new Int32Array(0), seed: 1, coldItems });
  const out = new Float32Array(6);
  model.scoreUsers(Int32Array.of(0, 1), out);
  return out;
}

describe('ContentKnnRecommender', () => {
  it('scores cosine(profile, item) over TF-IDF of the text, including cold items', () => {
    // Titles only. df: space 2, war 2, love 1, story 1 over 3 items; idf a = ln(4/3) + 1, b = ln 2 + 1.
    // item 0 = (space a, war a) -> unit (1/√2, 1/√2); item 1 = (space a, love b); item 2 = (war a, story b).
    // cosine(item 0, item 2) = (1/√2) * a / sqrt(a² + b²) = 0.42805...
    const a = Math.log(4 / 3) + 1;
    const b = Math.log(2) + 1;
    const cross = Math.SQRT1_2 * (a / Math.hypot(a, b));
    const out = scores(new ContentKnnRecommender({ tokenColumns: [] }));
    expect(out[0]).toBeCloseTo(1, 6);
    expect(out[1]).toBeCloseTo(cross, 6);
    expect(out[2]).toBeCloseTo(cross, 6); // cold item 2 gets a real score
    // user 1 (item 1 = space, love) shares no word with item 2.
    expect(out[3]).toBeCloseTo(cross, 6);
    expect(out[4]).toBeCloseTo(1, 6);
    expect(out[5]).toBe(0);
  });

  it('fits TF-IDF only on items it may train on (not ctx.coldItems)', () => {
    // Fitted on items 0 and 1: space df 2 -> idf 1; war, love df 1 -> c = ln(3/2) + 1; 'story' unknown.
    // item 0 = (space 1, war c) / sqrt(1 + c²); item 2 = (war) -> unit. cosine = c / sqrt(1 + c²) = 0.81481...
    const c = Math.log(3 / 2) + 1;
    const model = new ContentKnnRecommender({ tokenColumns: [] });
    const out = scores(model, Int32Array.of(2));
    expect(out[2]).toBeCloseTo(c / Math.sqrt(1 + c * c), 6);
    expect(model.tfidfState?.vocabulary).toEqual(['love', 'space', 'war']);
  });

  it('adds categorical and multi columns as column=value tokens by default', () => {
    const model = new ContentKnnRecommender();
    const out = scores(model);
    expect(model.tfidfState?.vocabulary).toEqual(['genres=Romance', 'genres=Sci-Fi', 'genres=War', 'love', 'space', 'story', 'war']);
    // Sharing the Sci-Fi genre makes cold item 2 closer to user 0's item than item 1 is.
    expect(out[2]).toBeGreaterThan(out[1]);
    expect(out[2]).toBeGreaterThan(0);
  });

  it('names the missing column when a configured one does not exist', () => {
    expect(() => scores(new ContentKnnRecommender({ textColumns: ['plot'] }))).toThrow(/'plot'.*Item columns: title, genres, year/);
  });
});
