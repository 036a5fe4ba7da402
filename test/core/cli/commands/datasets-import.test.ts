import { reclab } from '../helpers';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..', '..', '..');
const built = fs.existsSync(path.join(root, 'dist', 'core', 'cli', 'index.js'));
const mlLatest = path.join(root, 'test', 'fixtures', 'csv', 'ml-latest');


// `reclab datasets import NAME --csv MAPPING.json` (and `--movielens DIR`), as users run it: the compiled CLI.
describe.skipIf(!built)('reclab datasets import --csv and --movielens (compiled)', () => {
  let ws: string;
  beforeAll(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-import-'));
    for (const f of ['ratings.csv', 'movies.csv', 'tags.csv']) fs.copyFileSync(path.join(mlLatest, f), path.join(ws, f));
  });
  afterAll(() => fs.rmSync(ws, { recursive: true, force: true }));

  const mapping = (name: string, m: unknown) => {
    const file = path.join(ws, name);
    fs.writeFileSync(file, JSON.stringify(m));
    return file;
  };
  const ratings = { path: 'ratings.csv', columns: { user: 'userId', item: 'movieId', rating: 'rating', timestamp: 'timestamp' } };

  it('refuses a misspelt key, naming it, its path and the key meant, and registers nothing', async () => {
    const file = mapping('typo.json', { interactions: ratings, items: { path: 'movies.csv', id: 'movieId', listSeperator: '|', attributes: { title: 'text', genres: 'multi' } } });
    const r = (await reclab(ws, 'datasets', 'import', 'x', '--csv', file));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}: invalid CSV mapping: items.listSeperator: unknown key 'listSeperator' in the CSV mapping; did you mean 'listSeparator'?`);
    expect(r.stdout).toBe('');
    expect(fs.existsSync(path.join(ws, '.reclab', 'datasets.json'))).toBe(false);
    expect(JSON.parse((await reclab(ws, 'datasets', '--json')).stdout).imported).toEqual({});
  });

  it('imports tags.csv gathered per movie beside movies.csv, with every path made absolute', async () => {
    const file = mapping('tags.json', {
      interactions: ratings,
      items: { path: 'movies.csv', id: 'movieId', listSeparator: '|', attributes: { title: 'text', genres: 'multi' } },
      itemAttributes: [{ path: 'tags.csv', id: 'movieId', column: 'tag', as: 'tags', kind: 'multi' }],
    });
    const r = (await reclab(ws, 'datasets', 'import', 'tagged', '--csv', file, '--json'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.stats.items).toBe(4);
    expect(out.spec.csv.itemAttributes[0].path).toBe(path.join(ws, 'tags.csv'));
    expect(JSON.parse((await reclab(ws, 'datasets', '--json')).stdout).imported.tagged.spec.csv.itemAttributes).toEqual([
      { path: path.join(ws, 'tags.csv'), id: 'movieId', column: 'tag', as: 'tags', kind: 'multi' },
    ]);
  });

  it('refuses a MovieLens folder whose u.data has a bad line, naming file, line and column, and registers nothing', async () => {
    // A hand-written miniature in the ML-100K formats: the rating of line 2 is not a number.
    const dir = path.join(ws, 'ml-broken');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'u.data'), '1\t1\t4\t881250949\n2\t1\tfour\t881250950\n');
    fs.writeFileSync(path.join(dir, 'u.item'), '1|Film (1994)|01-Jan-1994||http://x|0|1\n');
    fs.writeFileSync(path.join(dir, 'u.user'), '1|24|M|technician|85711\n2|53|F|other|94043\n');
    const before = JSON.parse((await reclab(ws, 'datasets', '--json')).stdout).imported;
    const r = await reclab(ws, 'datasets', 'import', 'broken', '--movielens', dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${path.join(dir, 'u.data')}, line 2, column 'rating': expected a number, got "four".`);
    expect(r.stdout).toBe('');
    expect(JSON.parse((await reclab(ws, 'datasets', '--json')).stdout).imported).toEqual(before);
  });
});
