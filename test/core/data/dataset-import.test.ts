import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvMappingSpec, importWorkspaceDataset, previewCsvFile, previewDataPath, readWorkspaceDatasets, type ImportProgress } from '../../../core/data';
import { isInputError } from '../../../core/util';

const fixtures = path.resolve(__dirname, '..', '..', 'fixtures', 'csv');
const ML100K = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'datasets', 'ml-100k');
const haveMl100k = fs.existsSync(path.join(ML100K, 'u.data'));

const ML_LATEST = {
  interactions: { path: 'ratings.csv', columns: { user: 'userId', item: 'movieId', rating: 'rating', timestamp: 'timestamp' } },
  items: { path: 'movies.csv', id: 'movieId', listSeparator: '|', attributes: { title: 'text', genres: 'multi' } },
  itemAttributes: [{ path: 'tags.csv', id: 'movieId', column: 'tag', as: 'tags', kind: 'multi' }],
};

describe('importing datasets into a workspace (shared by the CLI and the app)', () => {
  let dir: string;
  let datasetsFile: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-import-'));
    datasetsFile = path.join(dir, '.reclab', 'datasets.json');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('imports a CSV mapping with a long attribute file, reporting each file, and registers it with its summary', async () => {
    const events: ImportProgress[] = [];
    const spec = csvMappingSpec(ML_LATEST, path.join(fixtures, 'ml-latest'));
    expect(spec.csv!.interactions.path).toBe(path.join(fixtures, 'ml-latest', 'ratings.csv'));
    const r = await importWorkspaceDataset(datasetsFile, 'ml-latest', spec, { onProgress: (e) => events.push(e) });
    const reading = events.filter((e) => e.stage === 'reading');
    expect(reading.map((e) => path.basename(e.file!))).toEqual(['movies.csv', 'ratings.csv', 'tags.csv']);
    expect(reading.map((e) => e.message)).toEqual([expect.stringContaining('(1 of 3)'), expect.stringContaining('(2 of 3)'), expect.stringContaining('(3 of 3)')]);
    expect(events.at(-1)).toMatchObject({ stage: 'done', fraction: 1 });
    const fractions = events.map((e) => e.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    const ratings = fs.readFileSync(path.join(fixtures, 'ml-latest', 'ratings.csv'), 'utf8').trimEnd().split('\n').length - 1;
    expect(r.stats.interactions).toBe(ratings);
    const registered = readWorkspaceDatasets(datasetsFile)['ml-latest'];
    expect(registered.spec).toEqual(spec);
    expect(registered.stats).toMatchObject({ interactions: ratings });
    expect(r.stats.itemAttributes.map((a) => a.name)).toEqual(['title', 'genres', 'tags']);
  });

  it('refuses a second dataset of the same name unless asked to replace it', async () => {
    const spec = csvMappingSpec(ML_LATEST, path.join(fixtures, 'ml-latest'));
    await expect(importWorkspaceDataset(datasetsFile, 'ml-latest', spec)).rejects.toMatchObject({ code: 'EXISTS' });
    await expect(importWorkspaceDataset(datasetsFile, 'ml-latest', spec, { replace: true })).resolves.toMatchObject({ name: 'ml-latest' });
    await expect(importWorkspaceDataset(datasetsFile, 'bad name', spec)).rejects.toMatchObject({ code: 'DATASET_NAME' });
  });

  it('a bad cell fails naming file, line and column, and registers nothing', async () => {
    const bad = path.join(dir, 'bad');
    fs.mkdirSync(bad);
    fs.writeFileSync(path.join(bad, 'ratings.csv'), 'u,i,r,t\n1,10,4,100\n2,11,five,200\n3,12,3,300\n');
    const before = fs.readFileSync(datasetsFile, 'utf8');
    const spec = csvMappingSpec({ interactions: { path: 'ratings.csv', columns: { user: 'u', item: 'i', rating: 'r', timestamp: 't' } } }, bad);
    const err = await importWorkspaceDataset(datasetsFile, 'bad', spec).catch((e: unknown) => e);
    expect(isInputError(err)).toBe(true);
    expect((err as Error).message).toBe(`${path.join(bad, 'ratings.csv')}, line 3, column 'r': expected a numeric rating, got "five".`);
    expect((err as { details: unknown }).details).toMatchObject({ file: path.join(bad, 'ratings.csv'), line: 3, column: 'r', value: 'five' });
    expect(fs.readFileSync(datasetsFile, 'utf8')).toBe(before);
    expect(readWorkspaceDatasets(datasetsFile).bad).toBeUndefined();
    // A ragged row in a long file, read last: still nothing registered.
    fs.writeFileSync(path.join(bad, 'ratings.csv'), 'u,i\n1,10\n2,11\n');
    fs.writeFileSync(path.join(bad, 'tags.csv'), 'i,tag\n10,a\n11,b,c\n');
    const spec2 = csvMappingSpec({ interactions: { path: 'ratings.csv', columns: { user: 'u', item: 'i' } }, itemAttributes: [{ path: 'tags.csv', id: 'i', column: 'tag', kind: 'multi' }] }, bad);
    await expect(importWorkspaceDataset(datasetsFile, 'bad', spec2)).rejects.toThrow(`${path.join(bad, 'tags.csv')}, line 3: 3 fields where the header has 2`);
    expect(readWorkspaceDatasets(datasetsFile).bad).toBeUndefined();
  });

  it('checks the mapping strictly before reading anything, naming the key meant', () => {
    expect(() => csvMappingSpec({ interactions: { path: 'r.csv', columns: { user: 'u', item: 'i' } }, items: { path: 'm.csv', id: 'm', listSeperator: '|' } }, dir)).toThrow(
      /listSeperator.*did you mean 'listSeparator'/,
    );
  });

  it('previews a CSV file: delimiter, header, columns with kinds and samples, suggested roles', () => {
    const p = previewCsvFile(path.join(fixtures, 'ml-latest', 'movies.csv'), { rows: 3 });
    expect(p).toMatchObject({ kind: 'csv', delimiter: ',', hasHeader: true, truncated: true });
    expect(p.columns.map((c) => c.name)).toEqual(['movieId', 'title', 'genres']);
    expect(p.columns.find((c) => c.name === 'genres')!.kind).toBe('multi');
    expect(p.columns.find((c) => c.name === 'movieId')!.kind).toBe('numeric');
    expect(p.rows).toHaveLength(3);
    expect(p.rows[0]).toEqual(fs.readFileSync(path.join(fixtures, 'ml-latest', 'movies.csv'), 'utf8').split('\n')[1].split(','));
    const r = previewCsvFile(path.join(fixtures, 'ml-latest', 'ratings.csv'));
    expect(r.suggested).toEqual({ user: 'userId', item: 'movieId', rating: 'rating', timestamp: 'timestamp' });
    const tsv = previewCsvFile(path.join(fixtures, 'shop', 'products.tsv'));
    expect(tsv.delimiter).toBe('\t');
    expect(() => previewCsvFile(path.join(dir, 'nope.csv'))).toThrow(/File not found/);
  });

  it('previews only the head of a large file, even when it cuts through a quoted field', () => {
    const big = path.join(dir, 'big.csv');
    const lines = ['user,item,note'];
    for (let r = 0; r < 20000; r++) lines.push(`${r},${r % 97},"a note, with a comma\nand a line break ${r}"`);
    fs.writeFileSync(big, lines.join('\n') + '\n');
    const p = previewCsvFile(big, { rows: 5 });
    expect(p.truncated).toBe(true);
    expect(p.rows[4]).toEqual(['4', '4', 'a note, with a comma\nand a line break 4']);
    expect(p.columns.map((c) => c.name)).toEqual(['user', 'item', 'note']);
  });

  it('previews a folder by its CSV-like files', () => {
    const p = previewDataPath(path.join(fixtures, 'shop'));
    expect(p).toMatchObject({ kind: 'folder' });
    expect(p.kind === 'folder' && p.files.map((f) => f.name)).toEqual(['customers.csv', 'events.csv', 'products.tsv']);
  });

  it.skipIf(!haveMl100k)('previews and imports MovieLens 100K from its folder', async () => {
    const p = previewDataPath(ML100K, { rows: 2 });
    expect(p).toMatchObject({ kind: 'movielens', stats: { users: 943, items: 1682, interactions: 100000 } });
    expect(p.kind === 'movielens' && p.items[0]).toMatchObject({ id: '1', title: 'Toy Story', year: 1995 });
    const r = await importWorkspaceDataset(datasetsFile, 'ml-100k', { source: 'movielens-100k', path: ML100K });
    expect(r.stats.interactions).toBe(100000);
  });
});
