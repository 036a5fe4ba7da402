import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient, ApiResult } from '../../../../app/common/api';
import { Host } from '../../../../app/host';
import { csvMapping, DatasetImportModel, fileStem, missingFor } from '../../../../app/renderer/inspect/dataset-import-model';
import { InspectorModel, overlapOf } from '../../../../app/renderer/inspect/inspector-model';
import { inProcessClient, waitFor } from '../../host/in-process-client';

const small = { source: 'sample', sample: { users: 120, items: 100, interactions: 3000 } };
const notebook = (name: string, cells: [string, unknown][]) =>
  JSON.stringify({ format: 1, metadata: { name, seed: 9 }, cells: [['data', small], ['split', { kind: 'cold-item', holdout: 0.2 }], ...cells].map(([kind, source], i) => ({ id: `c${i}`, kind, source: JSON.stringify(source) })) });
const fixtures = path.resolve(__dirname, '..', '..', '..', 'fixtures', 'csv');

/** The inspector's and the import form's models against the real host (no DOM). */
describe('inspector and dataset import models', () => {
  let dir: string;
  let host: Host;
  let api: ApiClient;
  const ids: Record<string, string> = {};
  const call = async <T>(name: string, args: unknown): Promise<T> => {
    const r = (await host.handle(name, args)) as ApiResult<T>;
    if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
    return r.value;
  };
  const run = async (key: string, text: string) => {
    const { runId } = await call<{ runId: string }>('runs.start', { notebook: text });
    await new Promise<void>((resolve) => {
      const sub = host.onEvent((e) => {
        if (e.name === 'run.finished' && (e.payload as { runId: string }).runId === runId) {
          sub.dispose();
          resolve();
        }
      });
    });
    ids[key] = runId;
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-inspect-models-'));
    host = Host.open({ workspace: dir, mode: 'browser' });
    api = inProcessClient(host);
    const features = { item: [{ type: 'categorical', column: 'category' }, { type: 'multi-hot', column: 'tags' }] };
    await Promise.all([
      run('hybrid', notebook('gated', [['features', features], ['model', { type: 'hybrid', fusion: 'gate', dim: 8 }], ['train', { epochs: 1, batchSize: 256, evalEvery: 0, loss: 'bpr', negatives: 1 }]])),
      run('ease', notebook('ease', [['model', { type: 'ease', lambda: 50 }]])),
    ]);
  }, 240_000);
  afterAll(async () => {
    await host.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('loads a run, lists its users, shows the first, and follows the cursor and the search', async () => {
    const m = new InspectorModel(api, ids.hybrid);
    await m.load();
    expect(m.main.run).toMatchObject({ runId: ids.hybrid, hasGate: true });
    expect(m.users!.users[0].id).toBe('u1');
    expect(m.user).toBe('u1');
    expect(m.main.user!.recommendations).toHaveLength(10);
    expect(m.main.user!.recommendations.every((r) => r.gate! > 0 && r.gate! < 1)).toBe(true);
    m.moveCursor(-5);
    expect(m.cursor).toBe(0);
    m.moveCursor(2);
    await m.selectCursor();
    expect(m.user).toBe(m.users!.users[2].id);
    expect(m.main.user!.user).toBe(m.user);
    m.moveCursor(10_000);
    expect(m.cursor).toBe(m.users!.users.length - 1);
    // An exact id typed puts the cursor on it; what matches is only users whose id contains it.
    await m.search('u12');
    expect(m.users!.users.every((u) => u.id.includes('u12'))).toBe(true);
    expect(m.users!.users[m.cursor].id).toBe('u12');
    await m.selectCursor();
    await m.setK(5);
    expect(m.main.user!.recommendations).toHaveLength(5);
    expect(m.main.user!.user).toBe('u12');
    m.dispose();
  });

  it('selects from the list of what was typed when Enter comes before the reply', async () => {
    const m = new InspectorModel(api, ids.hybrid);
    await m.load();
    m.moveCursor(3);
    void m.search('u119');
    await m.selectCursor();
    expect(m.user).toBe('u119');
    m.dispose();
  });

  it('drops a reply older than the latest search', async () => {
    const m = new InspectorModel(api, ids.hybrid);
    await m.load();
    const slow = m.search('u1');
    const fast = m.search('u119');
    await Promise.all([slow, fast]);
    expect(m.query).toBe('u119');
    expect(m.users!.users.map((u) => u.id)).toEqual(['u119']);
    m.dispose();
  });

  it('puts a second run beside the first for the same user, with the items both recommend', async () => {
    const m = new InspectorModel(api, ids.hybrid);
    await m.load();
    await m.select('u7');
    await m.setSecond(ids.ease);
    expect(m.second!.user!.user).toBe('u7');
    const a = m.main.user!.recommendations.map((r) => r.item);
    const b = m.second!.user!.recommendations.map((r) => r.item);
    expect([...m.overlap].sort()).toEqual(a.filter((i) => b.includes(i)).sort());
    // Another user: both sides follow.
    await m.select('u8');
    expect([m.main.user!.user, m.second!.user!.user]).toEqual(['u8', 'u8']);
    await m.setSecond(undefined);
    expect(m.second).toBeUndefined();
    expect(m.overlap.size).toBe(0);
    m.dispose();
  });

  it('says what is wrong with a run it cannot read', async () => {
    const m = new InspectorModel(api, 'ffffffffffffffff');
    await m.load();
    expect(m.main.run).toBeUndefined();
    expect(m.main.error).toMatch(/ffffffffffffffff/);
    m.dispose();
  });

  it('overlapOf is empty without both lists', () => {
    expect(overlapOf(undefined, undefined).size).toBe(0);
  });

  it('builds the CSV mapping from the form and says what is missing', () => {
    const interactions = { path: 'r.csv', loading: false, user: 'u', item: 'i', rating: '', timestamp: 't' };
    const items = { path: 'm.csv', loading: false, id: 'id', uses: { id: 'categorical' as const, title: 'text' as const, genres: 'multi' as const, junk: 'skip' as const }, listSeparator: '|', preview: {} as never };
    expect(csvMapping(interactions, items)).toEqual({
      interactions: { path: 'r.csv', columns: { user: 'u', item: 'i', timestamp: 't' } },
      items: { path: 'm.csv', id: 'id', listSeparator: '|', attributes: { title: 'text', genres: 'multi' } },
    });
    // A file without a preview is not in the mapping.
    expect(csvMapping(interactions, { ...items, preview: undefined })).not.toHaveProperty('items');
    const empty = { path: '', loading: false };
    const form = { movielens: empty, interactions: { ...empty, user: '', item: '', rating: '', timestamp: '' }, items: { ...empty, id: '', uses: {}, listSeparator: '|' }, users: { ...empty, id: '', uses: {}, listSeparator: '|' } };
    expect(missingFor('csv', '', form)).toBe('Name the dataset.');
    expect(missingFor('csv', 'x', form)).toMatch(/interactions CSV file/);
    expect(missingFor('movielens', 'x', form)).toMatch(/MovieLens 100K folder or zip/);
    expect(missingFor('csv', 'x', { ...form, interactions: { ...form.interactions, error: { code: 'CSV_QUOTE', message: 'unclosed' } } })).toMatch(/interactions file could not be read \(see above\)/);
    expect(fileStem('data/my ratings.csv')).toBe('my-ratings');
  });

  it('previews and imports CSV files with progress; a broken file fails with file, line and column and registers nothing', async () => {
    fs.cpSync(path.join(fixtures, 'ml-latest'), path.join(dir, 'data', 'ml-latest'), { recursive: true });
    const m = new DatasetImportModel(api);
    m.update((f) => (f.interactions.path = 'data/ml-latest/ratings.csv'));
    await m.previewCsv('interactions');
    expect(m.interactions).toMatchObject({ user: 'userId', item: 'movieId', rating: 'rating', timestamp: 'timestamp' });
    expect(m.name).toBe('ratings');
    m.update((f) => (f.items.path = 'data/ml-latest/movies.csv'));
    await m.previewCsv('items');
    expect(m.items.id).toBe('movieId');
    expect(Object.keys(m.items.uses).sort()).toEqual(['genres', 'title']);
    m.update((f) => ((f.name = 'ml-latest'), (f.items.uses.genres = 'multi')));
    const seen: string[] = [];
    const sub = m.onDidChange(() => m.state.kind === 'running' && m.state.progress && seen.push(m.state.progress.stage));
    await m.import();
    sub.dispose();
    expect(m.state).toMatchObject({ kind: 'done', result: { name: 'ml-latest', source: 'csv' } });
    expect(seen[0]).toBe('reading');
    expect(seen).toContain('registering');

    fs.writeFileSync(path.join(dir, 'data', 'bad.csv'), 'u,i,t\n1,2,100\n1,3,yesterday\n');
    m.setPath('interactions', 'data/bad.csv');
    m.setPath('items', '');
    m.update((f) => (f.name = 'bad'));
    await m.previewCsv('interactions');
    m.update((f) => (f.interactions.timestamp = 't'));
    await m.import();
    expect(m.state).toMatchObject({ kind: 'failed', failure: { code: 'CSV_TIMESTAMP', file: path.join(dir, 'data', 'bad.csv'), line: 3, column: 't' } });
    expect((await call<{ name: string }[]>('datasets.list', {})).map((d) => d.name)).not.toContain('bad');

    // A folder is not a CSV file: the form says which files it holds.
    m.setPath('interactions', 'data/ml-latest');
    await m.previewCsv('interactions');
    expect(m.interactions.error?.message).toMatch(/movies\.csv, ratings\.csv, tags\.csv/);
    await waitFor(() => !m.interactions.loading);
    m.dispose();
  });

  it('shows where a MovieLens folder is broken (file, line, column) when previewed, and cannot import it', async () => {
    // A hand-written miniature in the ML-100K formats: the timestamp of line 2 is missing.
    const ml = path.join(dir, 'data', 'ml-tiny');
    fs.mkdirSync(ml, { recursive: true });
    fs.writeFileSync(path.join(ml, 'u.data'), '1\t1\t4\t881250949\n2\t1\t5\n');
    fs.writeFileSync(path.join(ml, 'u.item'), '1|Film (1994)|01-Jan-1994||http://x|0|1\n');
    fs.writeFileSync(path.join(ml, 'u.user'), '1|24|M|technician|85711\n2|53|F|other|94043\n');
    const m = new DatasetImportModel(api);
    m.update((f) => ((f.kind = 'movielens'), (f.name = 'ml-tiny')));
    m.setPath('movielens', 'data/ml-tiny');
    await m.previewMovieLens();
    expect(m.movielens.error).toMatchObject({ code: 'ML100K_FORMAT', file: path.join(fs.realpathSync(dir), 'data', 'ml-tiny', 'u.data'), line: 2, column: 'timestamp' });
    expect(m.movielens.preview).toBeUndefined();
    expect(m.missing).toBe('The folder or zip could not be read (see above): fix it and preview again.');
    m.dispose();
  });
});
