import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadDataset, movieLens100kCandidates, ML100K_ENV } from '../../../core/data/load';

const ML100K = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'datasets', 'ml-100k');
const haveMl100k = fs.existsSync(path.join(ML100K, 'u.data'));
if (!haveMl100k) console.warn(`MovieLens 100K not at ${ML100K}: its loadDataset tests are skipped.`);
const FIXTURES = path.resolve(__dirname, '..', '..', 'fixtures', 'csv');
const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-load-'));
afterAll(() => fs.rmSync(empty, { recursive: true, force: true }));

const savedEnv = process.env[ML100K_ENV];
afterEach(() => {
  if (savedEnv === undefined) delete process.env[ML100K_ENV];
  else process.env[ML100K_ENV] = savedEnv;
});

describe('loadDataset', () => {
  it('generates the sample with the spec options', () => {
    const ds = loadDataset({ source: 'sample', sample: { seed: 5, users: 60, items: 50, interactions: 600 } }, empty);
    expect(ds.name).toBe('sample');
    expect(ds.userIds.length).toBe(60);
    expect(ds.itemIds.length).toBe(50);
    expect(ds.interactions.user.length).toBe(600);
  });

  it('imports CSV, then applies the implicit threshold and the k-core in that order', () => {
    const csv = {
      interactions: { path: 'ratings.csv', columns: { user: 'userId', item: 'movieId', rating: 'rating' } },
      items: { path: 'movies.csv', id: 'movieId', listSeparator: '|' },
    };
    const dir = path.join(FIXTURES, 'ml-latest');
    const all = loadDataset({ source: 'csv', csv }, dir);
    expect(all.itemIds).toEqual(['10', '20', '30', '40']);
    // Ratings 4, 3.5, 5, 2, 4.5 -> threshold 4 keeps (1,10) (2,10) (3,20).
    const implicit = loadDataset({ source: 'csv', csv, implicit: { threshold: 4 } }, dir);
    expect(Array.from(implicit.interactions.rating)).toEqual([4, 5, 4.5]);
    // 1-core for items drops 30 and the cold 40; 2-core for items keeps only 10.
    const core = loadDataset({ source: 'csv', csv, implicit: { threshold: 4 }, kcore: { users: 1, items: 2 } }, dir);
    expect(core.itemIds).toEqual(['10']);
    expect(core.userIds).toEqual(['1', '2']);
  });

  it('says what is missing for a csv source without a mapping, and for workspace sources', () => {
    expect(() => loadDataset({ source: 'csv' }, empty)).toThrow(/data\.csv is missing/);
    expect(() => loadDataset({ source: 'workspace', name: 'x' }, empty)).toThrow(/must be resolved/);
  });

  it('tells how to provide ML-100K when it is nowhere to be found, whatever sits above the temporary folder', () => {
    // A shared/datasets/ml-100k two levels above baseDir, as when the temp folder is inside a workspace.
    const top = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-nowhere-'));
    fs.mkdirSync(path.join(top, 'shared', 'datasets', 'ml-100k'), { recursive: true });
    const base = path.join(top, 'a', 'b');
    fs.mkdirSync(base, { recursive: true });
    let message = '';
    try {
      loadDataset({ source: 'movielens-100k' }, base, { env: {}, parentLevels: 0 });
    } catch (e) {
      expect((e as Error).name).toBe('InputError');
      message = (e as Error).message;
    } finally {
      fs.rmSync(top, { recursive: true, force: true });
    }
    expect(message).toMatch(/MovieLens 100K was not found/);
    expect(message).toContain('data.path');
    expect(message).toContain(ML100K_ENV);
    expect(message).toContain('reclab datasets download ml-100k');
    expect(message).not.toContain(path.join(top, 'shared'));
  });

  it('looks at the environment variable first, then datasets folders up the tree', () => {
    const c = movieLens100kCandidates('/a/b', { [ML100K_ENV]: '/data/ml' });
    expect(c[0]).toBe('/data/ml');
    expect(c).toContain(path.join('/a/b', 'datasets', 'ml-100k'));
    expect(c).toContain(path.join('/a', 'shared', 'datasets', 'ml-100k'));
    expect(c).toContain(path.join('/a/b', '.reclab', 'downloads', 'ml-100k'));
    expect(c).toContain(path.join('/a/b', '.reclab', 'datasets', 'ml-100k.zip'));
    expect(c.indexOf(path.join('/a/b', 'datasets', 'ml-100k'))).toBeLessThan(c.indexOf(path.join('/a', 'datasets', 'ml-100k')));
  });

  it.skipIf(!haveMl100k)('loads ML-100K from data.path, from the environment, and from a shared folder', () => {
    // Ratings 4 and 5 in ML-100K: 34174 + 21201.
    const ds = loadDataset({ source: 'movielens-100k', path: ML100K, implicit: { threshold: 4 } }, empty);
    expect(ds.interactions.user.length).toBe(55_375);
    process.env[ML100K_ENV] = ML100K;
    expect(loadDataset({ source: 'movielens-100k' }, empty).interactions.user.length).toBe(100_000);
    delete process.env[ML100K_ENV];
    // The repository root's parent holds shared/datasets/ml-100k.
    const repoRoot = path.resolve(__dirname, '..', '..', '..');
    expect(loadDataset({ source: 'movielens-100k' }, path.join(repoRoot, 'experiments')).userIds.length).toBe(943);
  });
});
