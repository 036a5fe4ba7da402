import { describe, expect, it } from 'vitest';
import { specFromText } from '../../../core/notebook';
import { closestName, csvImportSchema, formatIssues } from '../../../core/spec';

/** The problems `csvImportSchema` finds in `mapping`, one line each (none: []). */
function problems(mapping: unknown): string[] {
  const r = csvImportSchema.safeParse(mapping);
  return r.success ? [] : formatIssues(r.error);
}

const interactions = { path: 'ratings.csv', columns: { user: 'userId', item: 'movieId', timestamp: 'timestamp' } };

describe('CSV mapping: unknown keys are errors naming the key and the closest valid one', () => {
  it('accepts the README mapping, long attribute files included', () => {
    expect(
      problems({
        interactions: { ...interactions, columns: { ...interactions.columns, rating: 'rating', context: ['tag'] } },
        items: { path: 'movies.csv', id: 'movieId', listSeparator: '|', attributes: { title: 'text', genres: 'multi' } },
        itemAttributes: [{ path: 'tags.csv', id: 'movieId', column: 'tag', as: 'tags', kind: 'multi' }],
        userAttributes: [{ path: 'tags.csv', id: 'userId', column: 'tag', kind: 'text', delimiter: ',', header: true }],
      }),
    ).toEqual([]);
  });

  it.each([
    ['a column key', { interactions: { ...interactions, columns: { user: 'u', item: 'i', time: 't' } } }, "interactions.columns.time: unknown key 'time' in the CSV mapping; did you mean 'timestamp'?"],
    [
      'a file key',
      { interactions, items: { path: 'movies.csv', id: 'movieId', listSeperator: '|' } },
      "items.listSeperator: unknown key 'listSeperator' in the CSV mapping; did you mean 'listSeparator'?",
    ],
    ['attributes', { interactions, users: { path: 'u.csv', id: 'id', atributes: { age: 'numeric' } } }, "users.atributes: unknown key 'atributes' in the CSV mapping; did you mean 'attributes'?"],
    ['a top-level key', { interactions, item: { path: 'movies.csv', id: 'movieId' } }, "item: unknown key 'item' in the CSV mapping; did you mean 'items'?"],
    [
      'a key of a long file',
      { interactions, itemAttributes: [{ path: 't.csv', id: 'movieId', colum: 'tag', kind: 'multi' }] },
      "itemAttributes[0].colum: unknown key 'colum' in the CSV mapping; did you mean 'column'?",
    ],
  ])('%s', (_what, mapping, message) => {
    expect(problems(mapping)).toContain(message);
  });

  it('lists the valid keys when none is close', () => {
    expect(problems({ interactions: { ...interactions, encoding: 'latin1' } })).toEqual([
      "interactions.encoding: unknown key 'encoding' in the CSV mapping; valid keys: 'path', 'delimiter', 'header', 'listSeparator', 'columns'",
    ]);
  });

  it('names unknown attribute kinds and long-file kinds', () => {
    expect(problems({ interactions, items: { path: 'm.csv', id: 'id', attributes: { genres: 'list' } } })[0]).toMatch(/^items\.attributes\.genres: .*"multi"/);
    expect(problems({ interactions, itemAttributes: [{ path: 't.csv', id: 'id', column: 'tag', kind: 'categorical' }] })[0]).toMatch(/^itemAttributes\[0\]\.kind: .*"multi".*"text"/);
  });

  it('refuses a misspelt key inside data.csv of an experiment spec, with its whole path', () => {
    const spec = { data: { source: 'csv', csv: { interactions: { ...interactions, columns: { user: 'u', item: 'i', time: 't' } } } }, model: { type: 'mostpop' } };
    expect(() => specFromText(JSON.stringify(spec), 'exp.json')).toThrow(/^exp\.json: .*data\.csv\.interactions\.columns\.time: unknown key 'time' in the CSV mapping; did you mean 'timestamp'\?/);
  });
});

describe('closestName', () => {
  it('takes a near typo first, then a name the word begins, else nothing', () => {
    expect(closestName('listSeperator', ['path', 'listSeparator'])).toBe('listSeparator');
    expect(closestName('time', ['user', 'item', 'rating', 'timestamp'])).toBe('timestamp');
    expect(closestName('ti', ['user', 'item', 'timestamp'])).toBeUndefined();
    expect(closestName('encoding', ['path', 'delimiter'])).toBeUndefined();
  });
});
