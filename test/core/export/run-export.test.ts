import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunRecord, runExperiment, type ExperimentResult } from '../../../core/experiment';
import { exportRun, loadBundle, metricsCsv, readEmbeddingsTsv, readRunData, RunInspector, type RunItems } from '../../../core/export';
import { openRunStore, type SqliteRunStore } from '../../../core/runs';
import { parseSpec } from '../../../core/spec';
import { Rng } from '../../../core/util';

const SAMPLE = { source: 'sample', sample: { users: 120, items: 100, interactions: 3000 } };
const FEATURES = {
  item: [
    { type: 'categorical', column: 'category' },
    { type: 'multi-hot', column: 'tags' },
  ],
  user: [{ type: 'categorical', column: 'country' }],
};
const TRAIN = { epochs: 2, batchSize: 256, evalEvery: 0, loss: 'bpr', negatives: 1 };

/** The rows of a topk.csv by user: the user's lines, in file order. */
function linesByUser(file: string): Map<string, string[]> {
  const byUser = new Map<string, string[]>();
  for (const line of fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(1)) {
    const user = line.slice(0, line.indexOf(','));
    byUser.set(user, [...(byUser.get(user) ?? []), line]);
  }
  return byUser;
}

describe('export of a run and the inspector over its artifacts', () => {
  let dir: string;
  let store: SqliteRunStore;
  const runs: Record<string, ExperimentResult> = {};
  const run = async (key: string, spec: Record<string, unknown>) => {
    const s = parseSpec({ name: key, seed: 5, data: SAMPLE, evaluate: { ks: [5, 10] }, ...spec });
    runs[key] = await runExperiment(s, { store, runId: createRunRecord(store, s), baseDir: dir, artifactsRoot: path.join(dir, 'artifacts') });
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-export-'));
    store = openRunStore(path.join(dir, 'runs.sqlite'));
    await run('hybrid', { split: { kind: 'random', ratios: [0.8, 0.1, 0.1] }, features: FEATURES, model: { type: 'hybrid', fusion: 'gate', dim: 8, gateHidden: [8] }, train: TRAIN });
    await run('cold', {
      split: { kind: 'cold-item', holdout: 0.2 },
      features: FEATURES,
      model: { type: 'hybrid', fusion: 'gate', dim: 8, gateHidden: [8], gateUserFeatures: false },
      train: TRAIN,
      evaluate: { ks: [5, 10], candidates: 'cold-items' },
    });
    await run('fallback', { split: { kind: 'cold-user', holdout: 0.2, history: 0 }, model: { type: 'mf', dim: 8 }, train: TRAIN, evaluate: { ks: [5, 10], fallback: 'mostpop' } });
    await run('lightfm', { split: { kind: 'random', ratios: [0.8, 0.1, 0.1] }, features: FEATURES, model: { type: 'lightfm', components: 8, epochs: 3 } });
    await run('ease', { split: { kind: 'random', ratios: [0.8, 0.1, 0.1] }, model: { type: 'ease', lambda: 50 } });
  }, 240_000);
  afterAll(() => {
    store?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const exportOf = (key: string, opts: { k?: number } = {}) => {
    const r = runs[key];
    return exportRun({ runId: r.runId, artifactDir: r.artifactDir, outDir: path.join(dir, 'exports', key), metrics: store.getRun(r.runId)!.finalMetrics, run: { name: key }, ...opts });
  };

  it('every run keeps items.json: the catalogue in dense order with its attributes', () => {
    const items = JSON.parse(fs.readFileSync(path.join(runs.ease.artifactDir, 'items.json'), 'utf8')) as RunItems;
    expect(items.ids).toHaveLength(100);
    expect(items.columns.map((c) => c.name)).toEqual(expect.arrayContaining(['title', 'category', 'tags']));
    expect(items.columns.every((c) => c.values.length === 100)).toBe(true);
  });

  for (const key of ['hybrid', 'cold', 'fallback', 'lightfm']) {
    it(`exports a neural run (${key}): a bundle that loads, and every user's list, whose test users' rows equal the run's topk.csv`, async () => {
      const result = await exportOf(key, {});
      const out = path.join(dir, 'exports', key);
      expect(result.dir).toBe(out);
      const bundle = await loadBundle(path.join(out, 'bundle'));
      const nUsers = bundle.users.length;
      bundle.dispose();
      expect(result.bundle).toMatchObject({ verified: true });
      expect(result.topk).toMatchObject({ source: 'bundle', users: nUsers, k: 10 });
      const exported = linesByUser(path.join(out, 'topk.csv'));
      const evaluated = linesByUser(path.join(runs[key].artifactDir, 'topk.csv'));
      expect(evaluated.size).toBeGreaterThan(5);
      for (const [user, lines] of evaluated) expect(exported.get(user)).toEqual(lines);
      // Users outside the test set got lists too.
      expect(exported.size).toBeGreaterThan(evaluated.size);
      if (key === 'cold') {
        // Only held-out items are ranked, as in evaluation.
        const data = readRunData(runs.cold.artifactDir);
        const heldOut = new Set(Array.from(data.test.matrix.indices, (i) => data.itemIds[i]));
        for (const lines of exported.values()) for (const l of lines) expect(heldOut.has(l.split(',')[1])).toBe(true);
      }
    }, 60_000);
  }

  it("the fallback run's users without history are ranked by training popularity, as evaluation did", async () => {
    const data = readRunData(runs.fallback.artifactDir);
    const noHistory = data.userIds.findIndex((_, u) => data.train.matrix.indptr[u + 1] === data.train.matrix.indptr[u] && data.evaluated.has(u));
    expect(noHistory).toBeGreaterThanOrEqual(0);
    const list = data.evaluated.get(noHistory)!;
    expect(Array.from(list.scores)).toEqual(Array.from(list.items, (i) => data.popularity[i]));
  });

  it('writes metrics as CSV (segment, metric, k, value) and JSON, and the embeddings for the projector', async () => {
    const result = await exportOf('hybrid');
    const out = path.join(dir, 'exports', 'hybrid');
    const metrics = store.getRun(runs.hybrid.runId)!.finalMetrics;
    const csv = fs.readFileSync(path.join(out, 'metrics.csv'), 'utf8').split('\n');
    expect(csv[0]).toBe('segment,metric,k,value');
    expect(csv).toContain(`overall,ndcg,10,${metrics.overall['ndcg@10']}`);
    expect(csv).toContain(`overall,auc,,${metrics.overall.auc}`);
    const json = JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8'));
    expect(json.segments.overall['ndcg@10']).toBe(metrics.overall['ndcg@10']);
    expect(json.run).toMatchObject({ id: runs.hybrid.runId, name: 'hybrid' });
    const vectors = readEmbeddingsTsv(path.join(out, 'item_embeddings.tsv'));
    expect(vectors.rows).toBe(100);
    const meta = fs.readFileSync(path.join(out, 'item_metadata.tsv'), 'utf8').trimEnd().split('\n');
    expect(meta).toHaveLength(101);
    expect(meta[0].split('\t').slice(0, 3)).toEqual(['id', 'train_interactions', 'title']);
    expect(result.files.map((f) => path.basename(f.path)).sort()).toEqual(['bundle', 'item_embeddings.tsv', 'item_metadata.tsv', 'metrics.csv', 'metrics.json', 'topk.csv']);
  });

  it('metricsCsv orders overall first and splits keys at @', () => {
    expect(metricsCsv({ 'items:cold': { 'recall@5': 0.25 }, overall: { 'ndcg@10': 0.5, 'ndcg@5': 0.4, auc: 0.75, users: 3 } })).toBe(
      'segment,metric,k,value\noverall,auc,,0.75\noverall,ndcg,5,0.4\noverall,ndcg,10,0.5\noverall,users,,3\nitems:cold,recall,5,0.25\n',
    );
  });

  it("exports a baseline's evaluated lists, saying so, with no bundle and no embeddings", async () => {
    const result = await exportOf('ease');
    const out = path.join(dir, 'exports', 'ease');
    expect(result.bundle).toBeUndefined();
    expect(result.topk).toMatchObject({ source: 'evaluation', k: 10 });
    expect(fs.readFileSync(path.join(out, 'topk.csv'), 'utf8')).toBe(fs.readFileSync(path.join(runs.ease.artifactDir, 'topk.csv'), 'utf8'));
    expect(result.notes.join(' ')).toMatch(/kept no model/);
    expect(result.notes.join(' ')).toMatch(/test users only/);
    expect(fs.existsSync(path.join(out, 'bundle'))).toBe(false);
    expect(fs.existsSync(path.join(out, 'item_embeddings.tsv'))).toBe(false);
  });

  it('a failed export leaves no folder behind', async () => {
    await expect(exportRun({ runId: 'x', artifactDir: path.join(dir, 'nowhere'), outDir: path.join(dir, 'exports', 'failed'), metrics: {} })).rejects.toThrow(/spec\.json is missing/);
    expect(fs.existsSync(path.join(dir, 'exports', 'failed'))).toBe(false);
    expect(fs.readdirSync(path.join(dir, 'exports')).some((f) => f.includes('partial'))).toBe(false);
  });

  describe('the inspector', () => {
    let inspector: RunInspector;
    beforeAll(() => {
      inspector = new RunInspector(path.join(dir, 'artifacts'), { maxBundles: 1 });
    });
    afterAll(() => inspector.dispose());

    it('summarises what each run offers without loading its model', () => {
      expect(inspector.summary(runs.hybrid.runId)).toMatchObject({ modelType: 'hybrid', source: 'bundle', hasGate: true, gateReadsUser: true, hasEmbeddings: true, items: 100, titleColumn: 'title' });
      expect(inspector.summary(runs.cold.runId)).toMatchObject({ hasGate: true, gateReadsUser: false });
      const ease = inspector.summary(runs.ease.runId);
      expect(ease).toMatchObject({ modelType: 'ease', source: 'evaluation', hasGate: false, hasEmbeddings: false, evaluatedK: 10 });
      expect(ease.notes[0]).toMatch(/test users only/);
      expect(inspector.loadedBundles).toBe(0);
    });

    it('searches users by id: prefix matches first, natural order, paged', () => {
      const all = inspector.searchUsers(runs.ease.runId, '', 0, 1000);
      expect(all.total).toBe(120);
      const data = readRunData(runs.ease.artifactDir);
      const q = data.userIds[0].slice(0, 1);
      const page = inspector.searchUsers(runs.ease.runId, q, 0, 5);
      const matches = data.userIds.filter((id) => id.toLowerCase().includes(q.toLowerCase()));
      expect(page.total).toBe(matches.length);
      const full = inspector.searchUsers(runs.ease.runId, q, 0, 1000).users.map((u) => u.id);
      const firstInner = full.findIndex((id) => !id.toLowerCase().startsWith(q.toLowerCase()));
      if (firstInner >= 0) expect(full.slice(firstInner).every((id) => !id.toLowerCase().startsWith(q.toLowerCase()))).toBe(true);
      expect(page.users.map((u) => u.id)).toEqual(full.slice(0, 5));
      expect(inspector.searchUsers(runs.ease.runId, q, 5, 5).users.map((u) => u.id)).toEqual(full.slice(5, 10));
      expect(inspector.searchUsers(runs.ease.runId, 'no-such-user', 0, 10)).toEqual({ total: 0, users: [] });
    });

    it("shows a user's history with titles, the top-K from the bundle with gates, matching the evaluation", async () => {
      const data = readRunData(runs.hybrid.artifactDir);
      const [u, list] = [...data.evaluated][0];
      const view = await inspector.user(runs.hybrid.runId, data.userIds[u], 10, 500);
      expect(view.source).toBe('bundle');
      expect(view.recommendations.map((r) => r.item)).toEqual(Array.from(list.items, (i) => data.itemIds[i]));
      expect(view.recommendations.map((r) => r.score)).toEqual(Array.from(list.scores));
      expect(view.recommendations.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      const titles = JSON.parse(fs.readFileSync(path.join(runs.hybrid.artifactDir, 'items.json'), 'utf8')) as RunItems;
      const title = titles.columns.find((c) => c.name === 'title')!;
      expect(view.recommendations[0].title).toBe(title.values[list.items[0]]);
      expect(view.trainItems).toBe(data.train.matrix.indptr[u + 1] - data.train.matrix.indptr[u]);
      expect(view.history).toHaveLength(view.trainItems);
      // Most recent first.
      const times = view.history.map((h) => h.timestamp!);
      expect(times).toEqual([...times].sort((a, b) => b - a));
      const hits = view.recommendations.filter((r) => r.hit).map((r) => r.item);
      expect(hits.every((i) => view.testItems.includes(i))).toBe(true);
      // The gate of each recommended item, as the bundle computes it for this user.
      const bundle = await loadBundle(path.join(runs.hybrid.artifactDir, 'bundle'));
      const g = bundle.gate(new Int32Array(10).fill(u), list.items);
      bundle.dispose();
      expect(view.recommendations.map((r) => r.gate)).toEqual(Array.from(g));
      expect(view.recommendations.every((r) => r.gate! > 0 && r.gate! < 1)).toBe(true);
    });

    it("a baseline's user: the evaluation's list for a test user, and a note for any other", async () => {
      const data = readRunData(runs.ease.artifactDir);
      const [u, list] = [...data.evaluated][0];
      const view = await inspector.user(runs.ease.runId, data.userIds[u], 5, 10);
      expect(view.source).toBe('evaluation');
      expect(view.recommendations.map((r) => r.item)).toEqual(Array.from(list.items.slice(0, 5), (i) => data.itemIds[i]));
      expect(view.recommendations.every((r) => r.gate === undefined)).toBe(true);
      const outsider = data.userIds.find((_, v) => !data.evaluated.has(v));
      if (outsider) {
        const none = await inspector.user(runs.ease.runId, outsider, 5, 10);
        expect(none.recommendations).toEqual([]);
        expect(none.note).toMatch(/ranked only the \d+ test users/);
      }
      await expect(inspector.user(runs.ease.runId, 'nobody', 5, 10)).rejects.toThrow(/has no user 'nobody'/);
    });

    it('gives the gate per item: exact when it reads the item only, else the mean over a seeded sample of users', async () => {
      const exact = await inspector.gate(runs.cold.runId);
      expect(exact.exact).toBe(true);
      const data = readRunData(runs.cold.artifactDir);
      const bundle = await loadBundle(path.join(runs.cold.artifactDir, 'bundle'));
      const items = Int32Array.from({ length: 100 }, (_, i) => i);
      const at = (u: number) => Array.from(bundle.gate(new Int32Array(100).fill(u), items));
      // It does not depend on the user.
      expect(at(7)).toEqual(at(0));
      expect(exact.gate.map((v) => Math.fround(v))).toEqual(at(0));
      bundle.dispose();
      expect(exact.cold.filter(Boolean).length).toBe(Array.from(data.popularity).filter((p) => p === 0).length);
      expect(exact.cold.filter(Boolean).length).toBeGreaterThan(0);
      expect(exact.meanCold).not.toBeNull();

      const sampled = await inspector.gate(runs.hybrid.runId, 10, 3);
      expect(sampled).toMatchObject({ exact: false, usersSampled: 10 });
      const hb = await loadBundle(path.join(runs.hybrid.artifactDir, 'bundle'));
      const users = new Rng(3).shuffle(Int32Array.from({ length: hb.users.length }, (_, u) => u)).subarray(0, 10);
      const mean = new Float64Array(100);
      for (const u of users) hb.gate(new Int32Array(100).fill(u), items).forEach((g, i) => (mean[i] += g / 10));
      hb.dispose();
      sampled.gate.forEach((g, i) => expect(g).toBeCloseTo(mean[i], 12));
      await expect(inspector.gate(runs.fallback.runId)).rejects.toThrow(/has no gate/);
    });

    it('projects item embeddings to 2-D by PCA and by seeded UMAP, with an attribute per point', async () => {
      const pca = await inspector.embeddings(runs.hybrid.runId, 'pca', { attribute: 'category' });
      expect(pca.x).toHaveLength(100);
      expect(pca.explained![0]).toBeGreaterThanOrEqual(pca.explained![1]);
      expect(pca.attribute!.values.every((v) => typeof v === 'string' || v === null)).toBe(true);
      const umapA = await inspector.embeddings(runs.hybrid.runId, 'umap', { seed: 1 });
      inspector.forget(runs.hybrid.runId);
      const umapB = await inspector.embeddings(runs.hybrid.runId, 'umap', { seed: 1 });
      expect(umapB.x).toEqual(umapA.x);
      expect(umapB.x.every(Number.isFinite)).toBe(true);
      await expect(inspector.embeddings(runs.ease.runId, 'pca')).rejects.toThrow(/no item embeddings: it kept no model/);
      await expect(inspector.embeddings(runs.hybrid.runId, 'pca', { attribute: 'colour' })).rejects.toThrow(/no attribute 'colour'/);
    }, 60_000);

    it('keeps at most maxBundles loaded and frees their tensors when evicted or disposed', async () => {
      const before = tf.memory().numTensors;
      const data = readRunData(runs.cold.artifactDir);
      await inspector.user(runs.cold.runId, data.userIds[0], 5, 5);
      await inspector.user(runs.fallback.runId, readRunData(runs.fallback.artifactDir).userIds[0], 5, 5);
      expect(inspector.loadedBundles).toBe(1);
      inspector.forget(runs.fallback.runId);
      await new Promise((r) => setImmediate(r));
      expect(inspector.loadedBundles).toBe(0);
      expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
    });
  });
});
