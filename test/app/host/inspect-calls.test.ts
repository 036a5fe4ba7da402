import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Host } from '../../../app/host';
import type { ApiResult, CallResult, ExportRunResult } from '../../../app/common/api';
import { loadBundle } from '../../../core/export';

const small = { source: 'sample', sample: { users: 120, items: 100, interactions: 3000 } };
const features = { item: [{ type: 'categorical', column: 'category' }, { type: 'multi-hot', column: 'tags' }], user: [{ type: 'categorical', column: 'country' }] };
const notebook = (name: string, cells: [string, unknown][]) =>
  JSON.stringify({ format: 1, metadata: { name, seed: 9 }, cells: [['data', small], ...cells].map(([kind, source], i) => ({ id: `c${i}`, kind, source: JSON.stringify(source) })) });
const fixtures = path.resolve(__dirname, '..', '..', 'fixtures', 'csv');

describe('the host: export, inspector, gate and embedding views, dataset import', () => {
  let dir: string;
  let host: Host;
  const events: { name: string; payload: unknown }[] = [];
  const ids: Record<string, string> = {};
  const call = async <T = unknown>(name: string, args: unknown): Promise<T> => {
    const r = (await host.handle(name, args)) as ApiResult<T>;
    if (!r.ok) throw new Error(`${name}: ${r.error.code}: ${r.error.message}`);
    return r.value;
  };
  const failure = async (name: string, args: unknown) => {
    const r = await host.handle(name, args);
    if (r.ok) throw new Error(`${name} succeeded`);
    return r.error;
  };
  const runNotebook = async (key: string, text: string) => {
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
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-inspect-host-'));
    host = Host.open({ workspace: dir, mode: 'browser' });
    host.onEvent((e) => events.push(e));
    const split = ['split', { kind: 'random', ratios: [0.8, 0.1, 0.1] }] as [string, unknown];
    const train = ['train', { epochs: 2, batchSize: 256, evalEvery: 0, loss: 'bpr', negatives: 1 }] as [string, unknown];
    await Promise.all([
      runNotebook('hybrid', notebook('gated run', [split, ['features', features], ['model', { type: 'hybrid', fusion: 'gate', dim: 8 }], train])),
      runNotebook('ease', notebook('ease', [split, ['model', { type: 'ease', lambda: 50 }]])),
    ]);
    await runNotebook('failed', notebook('broken', [split, ['model', { type: 'hybrid', fusion: 'gate' }], train]));
  }, 240_000);
  afterAll(async () => {
    await host.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('exports a run into exports/<name>-<id8>: a bundle that loads and topk.csv rows equal to the run\'s, with progress events', async () => {
    const before = events.length;
    const r = await call<ExportRunResult>('export.run', { runId: ids.hybrid });
    expect(r.dir).toBe(`exports/gated-run-${ids.hybrid.slice(0, 8)}`);
    expect(r.files.map((f) => f.path).sort()).toEqual(['bundle', 'item_embeddings.tsv', 'item_metadata.tsv', 'metrics.csv', 'metrics.json', 'topk.csv'].map((f) => `${r.dir}/${f}`).sort());
    const bundle = await loadBundle(path.join(dir, r.dir, 'bundle'));
    bundle.dispose();
    const rows = (f: string) => fs.readFileSync(f, 'utf8').trimEnd().split('\n').slice(1);
    const exported = new Set(rows(path.join(dir, r.dir, 'topk.csv')));
    const evaluated = rows(path.join(dir, '.reclab', 'artifacts', ids.hybrid, 'topk.csv'));
    expect(evaluated.length).toBeGreaterThan(0);
    expect(evaluated.every((l) => exported.has(l))).toBe(true);
    const progress = events.slice(before).filter((e) => e.name === 'export.progress').map((e) => e.payload as { stage: string; runId: string });
    expect(progress.map((p) => p.stage)).toEqual(expect.arrayContaining(['bundle', 'topk', 'metrics', 'embeddings', 'done']));
    expect(progress.every((p) => p.runId === ids.hybrid)).toBe(true);
    const json = JSON.parse(fs.readFileSync(path.join(dir, r.dir, 'metrics.json'), 'utf8'));
    expect(json.run).toMatchObject({ id: ids.hybrid, name: 'gated run', modelType: 'hybrid' });
    // A baseline: its evaluated lists, said so.
    const ease = await call<ExportRunResult>('export.run', { runId: ids.ease.slice(0, 8), parts: { metrics: false, embeddings: false } });
    expect(ease.topk).toMatchObject({ source: 'evaluation' });
    expect(ease.notes.join(' ')).toMatch(/kept no model/);
    expect(ease.files.map((f) => f.kind)).toEqual(['topk']);
  });

  it('refuses to export or inspect a run that did not finish, saying why', async () => {
    expect(await failure('export.run', { runId: ids.failed })).toMatchObject({ code: 'RUN_NOT_FINISHED', message: expect.stringContaining('ended FAILED') });
    expect(await failure('inspect.run', { runId: ids.failed })).toMatchObject({ code: 'RUN_NOT_FINISHED' });
    expect(await failure('inspect.user', { runId: '0123456789abcdef', user: '1' })).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('inspects two runs side by side for one user: same item ids, gates for the gated hybrid, a note for the baseline', async () => {
    const summary = await call<CallResult<'inspect.run'>>('inspect.run', { runId: ids.hybrid });
    expect(summary).toMatchObject({ modelType: 'hybrid', hasGate: true, source: 'bundle', items: 100, titleColumn: 'title' });
    const page = await call<CallResult<'inspect.users'>>('inspect.users', { runId: ids.ease, limit: 500 });
    expect(page.total).toBe(120);
    const user = page.users.find((u) => u.evaluated)!.id;
    const a = await call<CallResult<'inspect.user'>>('inspect.user', { runId: ids.hybrid, user, k: 10 });
    const b = await call<CallResult<'inspect.user'>>('inspect.user', { runId: ids.ease, user, k: 10 });
    expect(a.recommendations).toHaveLength(10);
    expect(b.recommendations).toHaveLength(10);
    expect(a.recommendations.every((r) => typeof r.gate === 'number' && typeof r.title === 'string')).toBe(true);
    expect(b.recommendations.every((r) => r.gate === undefined)).toBe(true);
    // The same split (same seed and data): the same history and held-out items in both runs.
    expect(a.history.map((h) => h.item)).toEqual(b.history.map((h) => h.item));
    expect(a.testItems).toEqual(b.testItems);
    expect((await failure('inspect.user', { runId: ids.ease, user: 'nobody' })).code).toBe('UNKNOWN_USER');
  });

  it('gives the gate per item and item embeddings in 2-D', async () => {
    const gate = await call<CallResult<'inspect.gate'>>('inspect.gate', { runId: ids.hybrid, sampleUsers: 20 });
    expect(gate).toMatchObject({ exact: false, usersSampled: 20 });
    expect(gate.gate).toHaveLength(100);
    expect(gate.items).toHaveLength(100);
    expect(gate.gate.every((g) => g > 0 && g < 1)).toBe(true);
    expect((await failure('inspect.gate', { runId: ids.ease })).code).toBe('NO_GATE');
    const emb = await call<CallResult<'inspect.embeddings'>>('inspect.embeddings', { runId: ids.hybrid, attribute: 'category' });
    expect(emb).toMatchObject({ method: 'pca' });
    expect(emb.x).toHaveLength(100);
    expect(emb.attribute!.name).toBe('category');
    expect(await failure('inspect.embeddings', { runId: ids.ease })).toMatchObject({ code: 'NO_EMBEDDINGS' });
    expect(await failure('inspect.embeddings', { runId: ids.hybrid, method: 'tsne' })).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'method' });
  });

  it('previews and imports CSV files by workspace-relative or absolute paths; a failed import registers nothing and names line and column', async () => {
    fs.cpSync(path.join(fixtures, 'ml-latest'), path.join(dir, 'data', 'ml-latest'), { recursive: true });
    const preview = await call<CallResult<'datasets.preview'>>('datasets.preview', { path: 'data/ml-latest/ratings.csv', rows: 2 });
    expect(preview).toMatchObject({ kind: 'csv', delimiter: ',', hasHeader: true, suggested: { user: 'userId', item: 'movieId' } });
    const folder = await call<CallResult<'datasets.preview'>>('datasets.preview', { path: path.join(dir, 'data', 'ml-latest') });
    expect(folder.kind === 'folder' && folder.files.map((f) => f.name)).toEqual(['movies.csv', 'ratings.csv', 'tags.csv']);
    expect((await failure('datasets.preview', { path: 'data/nothing.csv' })).code).toBe('NOT_FOUND');

    const mapping = {
      interactions: { path: 'ratings.csv', columns: { user: 'userId', item: 'movieId', rating: 'rating', timestamp: 'timestamp' } },
      items: { path: 'movies.csv', id: 'movieId', listSeparator: '|', attributes: { title: 'text', genres: 'multi' } },
    };
    const before = events.length;
    const r = await call<CallResult<'datasets.import'>>('datasets.import', { name: 'ml-latest', source: { csv: mapping, baseDir: 'data/ml-latest' } });
    expect(r).toMatchObject({ name: 'ml-latest', source: 'csv' });
    const progress = events.slice(before).filter((e) => e.name === 'datasets.importProgress').map((e) => e.payload as { stage: string });
    expect(progress[0].stage).toBe('reading');
    expect(progress.at(-1)!.stage).toBe('done');
    expect(events.slice(before).some((e) => e.name === 'datasets.changed')).toBe(true);
    const list = await call<CallResult<'datasets.list'>>('datasets.list', {});
    expect(list.find((d) => d.name === 'ml-latest')).toMatchObject({ source: 'csv', stats: { interactions: r.stats.interactions }, summary: { items: r.stats.items } });
    expect(await failure('datasets.import', { name: 'ml-latest', source: { csv: mapping, baseDir: 'data/ml-latest' } })).toMatchObject({ code: 'EXISTS' });

    fs.writeFileSync(path.join(dir, 'data', 'bad.csv'), 'u,i,t\n1,2,100\n1,3,yesterday\n');
    const datasetsFile = path.join(dir, '.reclab', 'datasets.json');
    const registered = fs.readFileSync(datasetsFile, 'utf8');
    const err = await failure('datasets.import', { name: 'bad', source: { csv: { interactions: { path: 'data/bad.csv', columns: { user: 'u', item: 'i', timestamp: 't' } } } } });
    expect(err).toMatchObject({ code: 'CSV_TIMESTAMP', details: { file: path.join(dir, 'data', 'bad.csv'), line: 3, column: 't' } });
    expect(err.message).toContain("line 3, column 't'");
    expect(fs.readFileSync(datasetsFile, 'utf8')).toBe(registered);
    expect(await failure('datasets.import', { name: 'bad', source: { csv: { interactions: { path: 'data/bad.csv', colums: {} } } } })).toMatchObject({ code: 'MAPPING', message: expect.stringContaining("did you mean 'columns'") });
    expect(await failure('datasets.import', { name: 'ml', source: { movielens: 'nowhere' } })).toMatchObject({ code: 'NOT_FOUND' });
  });
});
