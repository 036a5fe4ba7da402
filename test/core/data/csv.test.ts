import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectDelimiter, detectHeader, importCsvDataset, parseCsv, parseTimestamp } from '../../../core/data/csv';
import type { CsvImportSpec } from '../../../core/spec';

const FIXTURES = path.resolve(__dirname, '..', '..', 'fixtures', 'csv');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-csv-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Writes `text` to a fresh temp file and returns its name (relative to `tmp`). */
let fileCounter = 0;
function write(text: string): string {
  const name = `f${fileCounter++}.csv`;
  fs.writeFileSync(path.join(tmp, name), text);
  return name;
}

function interactionsOnly(file: string, columns: CsvImportSpec['interactions']['columns']): CsvImportSpec {
  return { interactions: { path: file, columns } };
}

/** The InputError message thrown by `f`, or fails the test. */
function inputErrorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect((e as Error).name).toBe('InputError');
    return (e as Error).message;
  }
  throw new Error('expected an InputError');
}

describe('parseCsv', () => {
  it('reads RFC 4180 quoting: delimiters, line breaks and doubled quotes inside quotes', () => {
    const text = 'a,b,c\r\n1,"x, y",3\n2,"line one\nline two","say ""hi"""\n\n3,,"" \n';
    // The last record has a space after the closing quote: that is an error, tested below.
    expect(() => parseCsv(text, ',')).toThrow(/line 6, column 3/);
    const { rows, lines } = parseCsv(text.replace('"" \n', '""\n'), ',');
    expect(rows).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, y', '3'],
      ['2', 'line one\nline two', 'say "hi"'],
      ['3', '', ''],
    ]);
    // The blank line 5 is skipped; the record after it starts on line 6.
    expect(lines).toEqual([1, 2, 3, 6]);
  });

  it('names the line where an unclosed quote starts', () => {
    expect(() => parseCsv('a,b\n1,"open\n2,3\n', ',', 'x.csv')).toThrow(/x\.csv, line 2: a quoted field is never closed/);
  });

  it('strips a byte order mark and keeps a trailing empty field', () => {
    expect(parseCsv('\ufeffa;b;\n', ';').rows).toEqual([['a', 'b', '']]);
  });
});

describe('detection', () => {
  it('takes the consistent delimiter, not a list separator used inside fields', () => {
    const movies = fs.readFileSync(path.join(FIXTURES, 'ml-latest', 'movies.csv'), 'utf8');
    expect(detectDelimiter(movies)).toBe(',');
    expect(detectDelimiter('a;b;c\n1;2,5;3\n4;5;6\n')).toBe(';');
    expect(detectDelimiter('a\tb\n1\t2\n')).toBe('\t');
    expect(detectDelimiter('a|b|c\n1|2|3\n')).toBe('|');
  });

  it('tells a header from a data row', () => {
    expect(detectHeader([['user', 'item', 'rating'], ['1', '2', '5']])).toBe(true);
    expect(detectHeader([['1', '2', '5'], ['1', '3', '4']])).toBe(false);
    expect(detectHeader([['alice', 'p1'], ['bob', 'p2']])).toBe(true);
    // Text-only rows whose first values repeat below are data, not a header.
    expect(detectHeader([['alice', 'p1'], ['alice', 'p2']])).toBe(false);
  });

  it('reads timestamps as unix seconds, milliseconds or ISO dates', () => {
    expect(parseTimestamp('964982703')).toBe(964982703);
    expect(parseTimestamp('1709288100000')).toBe(1709288100);
    expect(parseTimestamp('2024-03-01T10:15:00Z')).toBe(1709288100);
    expect(parseTimestamp('2024-03-02')).toBe(1709337600);
    expect(parseTimestamp('')).toBeNaN();
    expect(parseTimestamp('yesterday')).toBeUndefined();
  });
});

describe('importCsvDataset: MovieLens "latest" format through a mapping', () => {
  const dir = path.join(FIXTURES, 'ml-latest');
  const spec: CsvImportSpec = {
    interactions: { path: 'ratings.csv', columns: { user: 'userId', item: 'movieId', rating: 'rating', timestamp: 'timestamp' } },
    items: { path: 'movies.csv', id: 'movieId', listSeparator: '|', attributes: { title: 'text', genres: 'multi' } },
  };

  it('imports ratings and movies, keeping the movie nobody rated as a cold item', () => {
    const ds = importCsvDataset(spec, dir, 'ml-latest-tiny');
    expect(ds.name).toBe('ml-latest-tiny');
    expect(ds.userIds).toEqual(['1', '2', '3']);
    expect(ds.itemIds).toEqual(['10', '20', '30', '40']);
    expect(Array.from(ds.interactions.user)).toEqual([0, 0, 1, 1, 2]);
    expect(Array.from(ds.interactions.item)).toEqual([0, 1, 0, 2, 1]);
    expect(Array.from(ds.interactions.rating)).toEqual([4, 3.5, 5, 2, 4.5]);
    expect(Array.from(ds.interactions.timestamp)).toEqual([964982703, 964981247, 1445714835, 1445714836, 1493846352]);
    const title = ds.itemAttributes.find((c) => c.name === 'title')!;
    const genres = ds.itemAttributes.find((c) => c.name === 'genres')!;
    expect(title.kind).toBe('text');
    expect(title.values).toEqual(['Robot Garden (1995)', 'Long Night, The (1999)', 'Quiet Harbor (2001)', 'Unwatched "Gem" (2010)']);
    expect(genres.kind).toBe('multi');
    expect(genres.values).toEqual([['Animation', "Children's", 'Comedy'], ['Drama', 'Thriller'], ['Drama'], ['(no genres listed)']]);
    expect(ds.userAttributes).toEqual([]);
  });

  it('imports tags.csv as implicit interactions with the tag as context', () => {
    const ds = importCsvDataset(
      { interactions: { path: 'tags.csv', columns: { user: 'userId', item: 'movieId', timestamp: 'timestamp', context: ['tag'] } } },
      dir,
    );
    expect(ds.name).toBe('tags');
    expect(ds.userIds).toEqual(['2', '3']);
    expect(ds.itemIds).toEqual(['10', '30', '20']);
    expect(Array.from(ds.interactions.rating).every(Number.isNaN)).toBe(true);
    expect(ds.interactions.context.tag).toEqual(['funny', 'slow', 'dark, moody']);
  });
});

describe('importCsvDataset: attributes gathered from a long file (MovieLens tags.csv)', () => {
  const dir = path.join(FIXTURES, 'ml-latest');
  const base: CsvImportSpec = {
    interactions: { path: 'ratings.csv', columns: { user: 'userId', item: 'movieId', rating: 'rating', timestamp: 'timestamp' } },
    items: { path: 'movies.csv', id: 'movieId', listSeparator: '|', attributes: { title: 'text', genres: 'multi' } },
  };

  it('refuses tags.csv as an items file, pointing to itemAttributes', () => {
    const asItems = { ...base, items: { path: 'tags.csv', id: 'userId', attributes: { tag: 'multi' as const } } };
    // tags.csv: user 2 tags two movies, on lines 2 and 3.
    expect(inputErrorOf(() => importCsvDataset(asItems, dir))).toMatch(/tags\.csv, line 3: item id '2' appears again \(first on line 2\); the items file needs one row per item\. .*"itemAttributes"/);
  });

  it('gathers tags per movie into a multi field and into a text field, beside the movies file', () => {
    const ds = importCsvDataset(
      {
        ...base,
        itemAttributes: [
          { path: 'tags.csv', id: 'movieId', column: 'tag', as: 'tags', kind: 'multi' },
          { path: 'tags.csv', id: 'movieId', column: 'tag', as: 'tag_text', kind: 'text' },
        ],
      },
      dir,
    );
    // Items: movies.csv order; tags exist for 10 (funny), 30 (slow), 20 ("dark, moody"), none for 40.
    expect(ds.itemIds).toEqual(['10', '20', '30', '40']);
    expect(ds.itemAttributes.map((c) => [c.name, c.kind])).toEqual([
      ['title', 'text'],
      ['genres', 'multi'],
      ['tags', 'multi'],
      ['tag_text', 'text'],
    ]);
    expect(ds.itemAttributes[2].values).toEqual([['funny'], ['dark, moody'], ['slow'], null]);
    expect(ds.itemAttributes[3].values).toEqual(['funny', 'dark, moody', 'slow', null]);
    // Nothing else changes: the interactions are those of ratings.csv.
    expect(Array.from(ds.interactions.item)).toEqual([0, 1, 0, 2, 1]);
  });

  it('gathers rows per user, keeps distinct values for multi and every value for text, splits on listSeparator', () => {
    // u1 tags a twice and b|c once; u9 is in no other file; an empty tag adds nothing.
    const tags = write('user,item,tag\nu1,x,a\nu1,y,b|c\nu2,x,a\nu1,z,a\nu9,x,d\nu2,y,\n');
    const inter = write('user,item\nu1,x\nu2,y\n');
    const ds = importCsvDataset(
      {
        interactions: { path: inter, columns: { user: 'user', item: 'item' } },
        userAttributes: [
          { path: tags, id: 'user', column: 'tag', as: 'tags', kind: 'multi', listSeparator: '|' },
          { path: tags, id: 'user', column: 'tag', as: 'words', kind: 'text' },
        ],
      },
      tmp,
    );
    // u9 appears only in the long file: it becomes a user after those of the interactions.
    expect(ds.userIds).toEqual(['u1', 'u2', 'u9']);
    expect(ds.userAttributes[0]).toEqual({ name: 'tags', kind: 'multi', values: [['a', 'b', 'c'], ['a'], ['d']] });
    expect(ds.userAttributes[1]).toEqual({ name: 'words', kind: 'text', values: ['a b|c a', 'a', 'd'] });
    // `as` defaults to the column name.
    const plain = importCsvDataset({ interactions: { path: inter, columns: { user: 'user', item: 'item' } }, userAttributes: [{ path: tags, id: 'user', column: 'tag', kind: 'multi' }] }, tmp);
    expect(plain.userAttributes[0].name).toBe('tag');
  });

  it('names file, line and column of bad rows, the columns that exist, and attributes named twice', () => {
    const missing = { ...base, itemAttributes: [{ path: 'tags.csv', id: 'movieId', column: 'tags', kind: 'multi' as const }] };
    expect(inputErrorOf(() => importCsvDataset(missing, dir))).toMatch(/tags\.csv: no column 'tags' \(wanted as item attribute\)\. Columns are: 'userId', 'movieId', 'tag', 'timestamp'/);
    const blankId = write('item,tag\nx,a\n,b\n');
    const inter = write('user,item\nu1,x\n');
    expect(inputErrorOf(() => importCsvDataset({ interactions: { path: inter, columns: { user: 'user', item: 'item' } }, itemAttributes: [{ path: blankId, id: 'item', column: 'tag', kind: 'multi' }] }, tmp))).toMatch(
      /line 3, column 'item': an item id is required/,
    );
    const twice = { ...base, itemAttributes: [{ path: 'tags.csv', id: 'movieId', column: 'tag', as: 'genres', kind: 'multi' as const }] };
    expect(inputErrorOf(() => importCsvDataset(twice, dir))).toMatch(/two item attributes are named 'genres' \(from movies\.csv and from .*tags\.csv\); give one another name with "as"/);
  });
});

describe('importCsvDataset: detection, ISO dates, quoted text, users file', () => {
  const dir = path.join(FIXTURES, 'shop');
  const spec: CsvImportSpec = {
    interactions: { path: 'events.csv', columns: { user: 'user', item: 'item', rating: 'stars', timestamp: 'when', context: ['device'] } },
    items: { path: 'products.tsv', id: 'sku', listSeparator: ',', attributes: { name: 'text', blurb: 'text', price: 'numeric', labels: 'multi' } },
    users: { path: 'customers.csv', id: 'id' },
  };

  it('reads a ;-separated CRLF file, a tab-separated items file and infers user attribute kinds', () => {
    const ds = importCsvDataset(spec, dir);
    expect(ds.userIds).toEqual(['bob', 'alice', 'carol']);
    expect(ds.itemIds).toEqual(['p1', 'p2', 'p3', 'p4']);
    expect(Array.from(ds.interactions.user)).toEqual([1, 0, 1]);
    expect(Array.from(ds.interactions.item)).toEqual([0, 1, 2]);
    expect(Array.from(ds.interactions.rating)).toEqual([5, 3, 4]);
    expect(Array.from(ds.interactions.timestamp)).toEqual([1709288100, 1709337600, 1709400000]);
    expect(ds.interactions.context.device).toEqual(['mobile', 'desktop', null]);
    const col = (name: string) => ds.itemAttributes.find((c) => c.name === name)!.values;
    expect(col('blurb')).toEqual(['Boils water\nfast, quietly', 'Holds "hot" drinks', 'Lights a desk', 'Nobody bought this']);
    expect(col('price')).toEqual([29.5, null, 45, 12]);
    expect(col('labels')).toEqual([['kitchen', 'steel'], ['kitchen'], null, ['decor']]);
    expect(ds.userAttributes.map((c) => [c.name, c.kind])).toEqual([
      ['age', 'numeric'],
      ['country', 'categorical'],
    ]);
    expect(ds.userAttributes[0].values).toEqual([41, 29, 35]);
  });

  it('gives users seen only in interactions null attributes', () => {
    const file = write('u,i\nbob,p1\ndave,p2\n');
    const ds = importCsvDataset({ interactions: { path: path.join(tmp, file), columns: { user: 'u', item: 'i' } }, users: spec.users }, dir);
    expect(ds.userIds).toEqual(['bob', 'alice', 'carol', 'dave']);
    expect(ds.userAttributes[0].values).toEqual([41, 29, 35, null]);
  });

  it('names columns by position when the file has no header', () => {
    const file = write('7,100,4\n8,100,2\n7,200,5\n');
    const ds = importCsvDataset(interactionsOnly(file, { user: '1', item: '2', rating: '3' }), tmp);
    expect(ds.userIds).toEqual(['7', '8']);
    expect(Array.from(ds.interactions.rating)).toEqual([4, 2, 5]);
  });
});

describe('importCsvDataset: bad input is an InputError naming file, line, column', () => {
  it('missing file', () => {
    expect(inputErrorOf(() => importCsvDataset(interactionsOnly('nope.csv', { user: 'u', item: 'i' }), tmp))).toMatch(/CSV file not found: .*nope\.csv/);
  });

  it('empty file and header-only file', () => {
    expect(inputErrorOf(() => importCsvDataset(interactionsOnly(write(''), { user: 'u', item: 'i' }), tmp))).toMatch(/CSV file is empty/);
    expect(inputErrorOf(() => importCsvDataset(interactionsOnly(write('u,i\n'), { user: 'u', item: 'i' }), tmp))).toMatch(/has a header but no data rows/);
  });

  it('unknown column lists the columns that exist', () => {
    const msg = inputErrorOf(() => importCsvDataset(interactionsOnly(write('userId,movieId\n1,2\n'), { user: 'user', item: 'movieId' }), tmp));
    expect(msg).toMatch(/no column 'user' \(wanted as user\)/);
    expect(msg).toContain("Columns are: 'userId', 'movieId'");
  });

  it('non-numeric rating names line, column and value', () => {
    const file = write('u,i,r\n1,2,4\n1,3,five\n');
    const msg = inputErrorOf(() => importCsvDataset(interactionsOnly(file, { user: 'u', item: 'i', rating: 'r' }), tmp));
    expect(msg).toContain(`${file}, line 3, column 'r': expected a numeric rating, got "five"`);
  });

  it('non-numeric numeric attribute names line, column and value', () => {
    const items = write('id,price\na,1.5\nb,cheap\n');
    const inter = write('u,i\n1,a\n');
    const msg = inputErrorOf(() =>
      importCsvDataset({ interactions: { path: inter, columns: { user: 'u', item: 'i' } }, items: { path: items, id: 'id', attributes: { price: 'numeric' } } }, tmp),
    );
    expect(msg).toContain(`${items}, line 3, column 'price': expected a number, got "cheap"`);
  });

  it('bad timestamp', () => {
    const file = write('u,i,t\n1,2,2024-01-01\n1,3,soon\n');
    expect(inputErrorOf(() => importCsvDataset(interactionsOnly(file, { user: 'u', item: 'i', timestamp: 't' }), tmp))).toMatch(/line 3, column 't': expected unix seconds or an ISO date, got "soon"/);
  });

  it('duplicate header names', () => {
    const file = write('u,i,u\n1,2,3\n');
    expect(inputErrorOf(() => importCsvDataset(interactionsOnly(file, { user: 'u', item: 'i' }), tmp))).toMatch(/line 1: column name 'u' appears twice \(columns 1 and 3\)/);
  });

  it('ragged rows', () => {
    const file = write('u,i,r\n1,2,3\n1,2\n');
    expect(inputErrorOf(() => importCsvDataset(interactionsOnly(file, { user: 'u', item: 'i' }), tmp))).toMatch(/line 3: 2 fields where the header has 3/);
  });

  it('duplicate ids in an items file, and empty ids', () => {
    const items = write('id,name\na,x\nb,y\na,z\n');
    const inter = write('u,i\n1,a\n');
    expect(inputErrorOf(() => importCsvDataset({ interactions: { path: inter, columns: { user: 'u', item: 'i' } }, items: { path: items, id: 'id' } }, tmp))).toMatch(
      /line 4: item id 'a' appears again \(first on line 2\)/,
    );
    const blank = write('u,i\n1,a\n,b\n');
    expect(inputErrorOf(() => importCsvDataset(interactionsOnly(blank, { user: 'u', item: 'i' }), tmp))).toMatch(/line 3, column 'u': a user id is required/);
  });
});
