import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSampleDataset, splitDataset, splitMatrices, type Dataset, type SplitMatrices } from '../../../core/data';
import { loadBundle, readEmbeddingsTsv, readManifest, verifyManifest, writeBundle, type Bundle, type NewItem } from '../../../core/export';
import { fitFeaturePipeline, type FittedPipeline } from '../../../core/features';
import { createModel } from '../../../core/models';
import '../../../core/models/neural/hybrid';
import '../../../core/models/neural/two-tower';
import { experimentSpecSchema, type ExperimentSpec } from '../../../core/spec';
import { NeuralRecommender } from '../../../core/train';
import { Rng } from '../../../core/util';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-bundle-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const SAMPLE = { users: 80, items: 60, interactions: 1500 };
const FEATURES = {
  item: [{ type: 'categorical', column: 'category' }, { type: 'multi-hot', column: 'tags' }],
  user: [{ type: 'categorical', column: 'country' }],
};

interface Trained {
  spec: ExperimentSpec;
  ds: Dataset;
  m: SplitMatrices;
  pipeline?: FittedPipeline;
  model: NeuralRecommender;
}

/** Trains `model` on `ds` (the sample by default) the way the experiment runner does. */
async function train(model: Record<string, unknown>, trainSpec: Record<string, unknown>, ds = generateSampleDataset(SAMPLE), features: unknown = FEATURES): Promise<Trained> {
  // `null` features: a model without a feature pipeline.
  const spec = experimentSpecSchema.parse({ seed: 3, data: { source: 'sample', sample: SAMPLE }, split: { kind: 'random', ratios: [0.8, 0.1, 0.1] }, features: features ?? undefined, model, train: trainSpec });
  const split = splitDataset(ds, spec.split, spec.seed);
  const m = splitMatrices(ds, split);
  const pipeline = spec.features ? fitFeaturePipeline(spec.features, ds, split.train, { seed: spec.seed }) : undefined;
  const rec = new NeuralRecommender(spec.model, spec.train, {
    userFeatures: pipeline && pipeline.userDim > 0 ? pipeline.userFeatures() : undefined,
    itemFeatures: pipeline && pipeline.itemDim > 0 ? pipeline.itemFeatures() : undefined,
    contextDim: pipeline?.contextDim ?? 0,
    trainContext: pipeline && pipeline.contextDim > 0 ? pipeline.contextFeatures(split.train) : undefined,
  });
  await rec.fit({ dataset: ds, train: m.train, trainIndex: split.train, seed: spec.seed });
  return { spec, ds, m, pipeline, model: rec };
}

function modelScores(t: Trained, user: number): Float32Array {
  const out = new Float32Array(t.ds.itemIds.length);
  t.model.scoreUsers(Int32Array.of(user), out);
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

describe('model bundle of a gated hybrid', () => {
  let t: Trained;
  let dir: string;
  let bundle: Bundle;

  beforeAll(async () => {
    t = await train({ type: 'hybrid', fusion: 'gate', dim: 8, contentHidden: [16], gateHidden: [8] }, { epochs: 3, batchSize: 256, evalEvery: 0 });
    dir = path.join(tmp, 'hybrid');
    await writeBundle(dir, { spec: t.spec, model: t.model, pipeline: t.pipeline, dataset: t.ds, train: t.m.train, metrics: { overall: { 'ndcg@10': 0.5 } }, runId: 'run-1' });
    bundle = await loadBundle(dir);
  });
  afterAll(() => {
    bundle?.dispose();
    t?.model.dispose();
  });

  it('writes every file with a manifest whose checksums verify', () => {
    const m = readManifest(dir);
    expect(m.format).toBe('reclab-bundle');
    expect(m.formatVersion).toBe(1);
    expect(m.modelType).toBe('hybrid');
    expect(m.runId).toBe('run-1');
    expect(m.tfjsVersion).toBe(tf.version_core);
    expect(m.specHash).toMatch(/^[0-9a-f]{64}$/);
    expect(m.files.map((f) => f.path).sort()).toEqual(
      ['history.json', 'ids.json', 'item_embeddings.tsv', 'item_metadata.tsv', 'items.json', 'metrics.json', 'model/model.json', 'model/weights.bin', 'pipeline.json', 'spec.json'].sort(),
    );
    expect(() => verifyManifest(dir, m)).not.toThrow();
    // TF.js weights manifest: one shard, every architecture variable by stable name, float32.
    const modelJson = JSON.parse(fs.readFileSync(path.join(dir, 'model', 'model.json'), 'utf8'));
    const names = modelJson.weightsManifest[0].weights.map((w: { name: string }) => w.name);
    expect(modelJson.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(names).toContain('hybrid/user_emb');
    expect(names).toContain('hybrid/item_emb');
    const params = t.model.architecture!.variables.reduce((s, v) => s + v.size, 0);
    expect(fs.statSync(path.join(dir, 'model', 'weights.bin')).size).toBe(4 * params);
    const ids = JSON.parse(fs.readFileSync(path.join(dir, 'ids.json'), 'utf8'));
    expect(ids.users).toEqual(t.ds.userIds);
    expect(ids.items).toEqual(t.ds.itemIds);
  });

  it('scores known users exactly as the trained model and leaves out their training items', async () => {
    for (const u of [0, 17, 41, 79]) {
      const fromBundle = await bundle.score(t.ds.userIds[u], [...bundle.items]);
      expect(maxAbsDiff(fromBundle, modelScores(t, u))).toBeLessThan(1e-5);
    }
    const u = 5;
    const seen = new Set(Array.from(t.m.train.indices.subarray(t.m.train.indptr[u], t.m.train.indptr[u + 1]), (i) => t.ds.itemIds[i]));
    expect(seen.size).toBeGreaterThan(0);
    const recs = await bundle.recommend(t.ds.userIds[u], 10);
    expect(recs).toHaveLength(10);
    expect(recs.some((r) => seen.has(r.item))).toBe(false);
    // Best first, and the same order the trained model's scores give over unseen items.
    const scores = modelScores(t, u);
    const expected = t.ds.itemIds.map((id, i) => ({ id, s: scores[i] })).filter((x) => !seen.has(x.id)).sort((a, b) => b.s - a.s).slice(0, 10).map((x) => x.id);
    expect(recs.map((r) => r.item)).toEqual(expected);
    // exclude / candidates / excludeHistory.
    const withHistory = await bundle.recommend(t.ds.userIds[u], 60, { excludeHistory: false });
    expect(withHistory).toHaveLength(60);
    const only = await bundle.recommend(t.ds.userIds[u], 5, { candidates: [t.ds.itemIds[1], t.ds.itemIds[2], t.ds.itemIds[3]], excludeHistory: false, exclude: [t.ds.itemIds[2]] });
    expect(only.map((r) => r.item).sort()).toEqual([t.ds.itemIds[1], t.ds.itemIds[3]].sort());
  });

  it("gives the trained architecture's gate per (user, item), and scores blocks of users as the model did", () => {
    const arch = t.model.architecture!;
    const users = Int32Array.from({ length: 60 }, (_, k) => (k * 7) % 80);
    const items = Int32Array.from({ length: 60 }, (_, k) => k);
    const trained = tf.tidy(() => arch.gate!({ users: tf.tensor1d(users, 'int32'), items: tf.tensor1d(items, 'int32') }));
    const expected = trained.dataSync() as Float32Array;
    trained.dispose();
    expect(bundle.hasGate).toBe(true);
    // Default gateUserFeatures with user features: the gate reads the user too.
    expect(bundle.gateReadsUser).toBe(true);
    expect(maxAbsDiff(bundle.gate(users, items), expected)).toBeLessThan(1e-6);
    expect(new Set(Array.from(expected)).size).toBeGreaterThan(1);
    const block = Int32Array.of(3, 17, 41);
    const out = new Float32Array(3 * 60);
    bundle.scoreUsers(block, out);
    block.forEach((u, r) => expect(maxAbsDiff(out.subarray(r * 60, (r + 1) * 60), modelScores(t, u))).toBe(0));
    expect(() => bundle.scoreUsers(Int32Array.of(80), new Float32Array(60))).toThrow(/outside 0\.\.79/);
  });

  it('gives the same scores when loaded in a separate node process, on the default backend and on cpu', async () => {
    const users = [t.ds.userIds[0], t.ds.userIds[41]];
    for (const backend of [undefined, 'cpu']) {
      const env: NodeJS.ProcessEnv = { ...process.env, RECLAB_TEST_BACKEND: backend };
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(__dirname, 'score-bundle-child.ts'), dir, ...users], { cwd: ROOT, timeout: 60_000, env });
      const out = JSON.parse(stdout) as { backend: string; scores: Record<string, number[]>; top: { item: string }[] };
      expect(['tensorflow', 'wasm', 'cpu']).toContain(out.backend);
      if (backend) expect(out.backend).toBe(backend);
      expect(maxAbsDiff(out.scores[users[0]], modelScores(t, 0))).toBeLessThan(1e-5);
      expect(maxAbsDiff(out.scores[users[1]], modelScores(t, 41))).toBeLessThan(1e-5);
      expect(out.top.map((r) => r.item)).toEqual((await bundle.recommend(users[0], 3)).map((r) => r.item));
    }
  });

  it('scores new items from their attributes, without moving the known items', async () => {
    const user = t.ds.userIds[3];
    const newItems: NewItem[] = [
      { id: 'new-science', attributes: { category: 'science', tags: ['physics', 'space'] } },
      { id: 'new-mystery', attributes: { category: 'mystery', tags: ['crime', 'noir'] } },
      { id: 'new-blank', attributes: {} },
    ];
    const all = await bundle.score(user, [...bundle.items, 'new-science', 'new-mystery', 'new-blank'], { newItems });
    expect(maxAbsDiff(all.slice(0, 60), modelScores(t, 3))).toBeLessThan(1e-5);
    const [science, mystery, blank] = all.slice(60);
    expect(all.slice(60).every(Number.isFinite)).toBe(true);
    expect(Math.abs(science - mystery)).toBeGreaterThan(1e-4);
    expect(Math.abs(science - blank)).toBeGreaterThan(1e-4);
    // A new item's score depends on its attributes only, not on the other new items.
    const alone = await bundle.score(user, ['new-mystery'], { newItems: [newItems[1]] });
    expect(alone[0]).toBeCloseTo(mystery, 5);
    const recs = await bundle.recommend(user, 3, { newItems, candidates: ['new-science', 'new-mystery', 'new-blank'] });
    expect(recs.map((r) => r.item).sort()).toEqual(['new-blank', 'new-mystery', 'new-science']);
    await expect(bundle.score(user, ['nope'])).rejects.toThrow(/Unknown item 'nope'/);
    await expect(bundle.score(user, ['x'], { newItems: [{ id: t.ds.itemIds[0], attributes: {} }] })).rejects.toThrow(/already in the bundle/);
  });

  it('recommends for a new user from attributes and a short history, leaving the history out', async () => {
    const history = bundle.history(t.ds.userIds[9]).slice(0, 5);
    const recs = await bundle.recommend({ attributes: { country: 'US' }, history }, 10);
    expect(recs).toHaveLength(10);
    expect(recs.some((r) => history.includes(r.item))).toBe(false);
    expect(recs.every((r) => Number.isFinite(r.score))).toBe(true);
    // Deterministic: fold-in samples its negatives from a fixed seed.
    expect(await bundle.recommend({ attributes: { country: 'US' }, history }, 10)).toEqual(recs);
    // Attributes only (no history): no fold-in, still a ranking.
    expect(await bundle.recommend({ attributes: { country: 'DE' } }, 5)).toHaveLength(5);
    await expect(bundle.recommend('no-such-user', 5)).rejects.toThrow(/Unknown user 'no-such-user'.*\{attributes, history\}/);
    await expect(bundle.recommend({ history: ['no-such-item'] }, 5)).rejects.toThrow(/'no-such-item'/);
  });

  it('frees every tensor it allocated: write, load, recommend (known, new user, new items), dispose', async () => {
    const start = tf.memory().numTensors;
    await writeBundle(path.join(tmp, 'hybrid-again'), { spec: t.spec, model: t.model, pipeline: t.pipeline, dataset: t.ds, train: t.m.train });
    expect(tf.memory().numTensors).toBe(start);
    const b = await loadBundle(dir);
    await b.recommend(t.ds.userIds[0], 5);
    await b.recommend({ attributes: { country: 'US' }, history: b.history(t.ds.userIds[2]).slice(0, 3) }, 5, { newItems: [{ id: 'n', attributes: { category: 'music' } }] });
    await b.score(t.ds.userIds[1], ['n'], { newItems: [{ id: 'n', attributes: { category: 'music' } }] });
    b.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('refuses a tampered weights file, naming it', async () => {
    const copy = path.join(tmp, 'tampered');
    fs.cpSync(dir, copy, { recursive: true });
    const file = path.join(copy, 'model', 'weights.bin');
    const bytes = fs.readFileSync(file);
    bytes[100] ^= 0xff;
    fs.writeFileSync(file, bytes);
    await expect(loadBundle(copy)).rejects.toThrow(/model\/weights\.bin: checksum mismatch/);
    // Without the checksum check, a truncated shard is still caught, by size.
    fs.writeFileSync(file, bytes.subarray(0, bytes.length - 8));
    await expect(loadBundle(copy, { verify: false })).rejects.toThrow(/weights\.bin: holds \d+ bytes of weights, but .*model\.json describes \d+/);
    fs.copyFileSync(path.join(dir, 'model', 'weights.bin'), file);
    fs.rmSync(path.join(copy, 'ids.json'));
    await expect(loadBundle(copy)).rejects.toThrow(/ids\.json: missing from the bundle/);
  });
});

describe('model bundle of NeuMF (no features)', () => {
  it('round-trips scores, writes item embeddings for the projector, and refuses a baseline', async () => {
    const t = await train({ type: 'neumf', gmfDim: 4, mlpDim: 6, layers: [8, 4] }, { epochs: 2, batchSize: 256, evalEvery: 0 }, undefined, null);
    const dir = path.join(tmp, 'neumf');
    try {
      // Written over an older bundle: none of its files (here pipeline.json) may survive.
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'pipeline.json'), '{}');
      fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ files: [{ path: 'pipeline.json' }] }));
      await writeBundle(dir, { spec: t.spec, model: t.model, dataset: t.ds });
      expect(fs.existsSync(path.join(dir, 'pipeline.json'))).toBe(false);
      const b = await loadBundle(dir);
      try {
        for (const u of [0, 50]) expect(maxAbsDiff(await b.score(t.ds.userIds[u], [...b.items]), modelScores(t, u))).toBeLessThan(1e-5);
        // Without item features a new item has only its zero (cold) id rows: every new item scores alike.
        const [x, y] = await b.score(t.ds.userIds[0], ['a', 'b'], { newItems: [{ id: 'a', attributes: { category: 'music' } }, { id: 'b', attributes: {} }] });
        expect(x).toBeCloseTo(y, 6);
      } finally {
        b.dispose();
      }
      // Not factorised: the projector gets the GMF and MLP item embeddings side by side.
      const emb = readEmbeddingsTsv(path.join(dir, 'item_embeddings.tsv'));
      expect([emb.rows, emb.dim]).toEqual([60, 10]);
      const arch = t.model.architecture!;
      const gmf = arch.variables.find((v) => v.name.startsWith('neumf/gmf_item_embedding'))!.dataSync();
      const mlp = arch.variables.find((v) => v.name.startsWith('neumf/mlp_item_embedding'))!.dataSync();
      for (const i of [0, 31, 59]) {
        for (let d = 0; d < 4; d++) expect(emb.values[i * 10 + d]).toBeCloseTo(gmf[i * 4 + d], 6);
        for (let d = 0; d < 6; d++) expect(emb.values[i * 10 + 4 + d]).toBeCloseTo(mlp[i * 6 + d], 6);
      }
      const meta = fs.readFileSync(path.join(dir, 'item_metadata.tsv'), 'utf8').trimEnd().split('\n');
      expect(meta).toHaveLength(61);
      expect(meta[0].split('\t').slice(0, 3)).toEqual(['id', 'train_interactions', 'title']);
      expect(meta[1].split('\t')[0]).toBe(t.ds.itemIds[0]);
      // The spec stands in for the default split: same training matrix, so the bundle knows the same histories.
      const hist = JSON.parse(fs.readFileSync(path.join(dir, 'history.json'), 'utf8'));
      expect(hist.indices).toEqual(Array.from(t.m.train.indices));
    } finally {
      t.model.dispose();
    }
    const pop = createModel({ type: 'mostpop' });
    await expect(writeBundle(path.join(tmp, 'pop'), { spec: experimentSpecSchema.parse({ data: { source: 'sample' }, model: { type: 'mostpop' } }), model: pop, dataset: generateSampleDataset(SAMPLE) })).rejects.toThrow(
      /baseline; bundles hold neural models only/,
    );
  });
});

/** The trained architecture's logits of user `u` for every item, every pair in context `row`. */
function scoresInContext(t: Trained, u: number, row: Float32Array): Float32Array {
  const n = t.ds.itemIds.length;
  return tf.tidy(
    () =>
      t.model.architecture!.score(
        { users: tf.fill([n], u, 'int32') as tf.Tensor1D, items: tf.range(0, n, 1, 'int32') as tf.Tensor1D, context: tf.tile(tf.tensor2d(row, [1, row.length]), [n, 1]) as tf.Tensor2D },
        false,
      ).dataSync() as Float32Array,
  );
}

describe('model bundle with context features', () => {
  const features = { ...FEATURES, context: [{ type: 'temporal', parts: ['hour', 'weekday'] }, { type: 'context-categorical', column: 'device' }] };
  const models: [string, Record<string, unknown>][] = [
    ['two-tower', { type: 'two-tower', dim: 8, idDim: 8, userHidden: [16], itemHidden: [16] }],
    ['wide-deep', { type: 'wide-deep', embeddingDim: 8, hidden: [16] }],
  ];

  it.each(models)('%s: scores in the given context, by default in the user\'s latest training context, as the trained model does', async (name, model) => {
    const t = await train(model, { epochs: 2, batchSize: 256, evalEvery: 0 }, undefined, features);
    const dir = path.join(tmp, `context-${name}`);
    try {
      const dim = t.pipeline!.contextDim;
      expect(dim).toBeGreaterThan(0);
      expect(t.model.contextDim).toBe(dim);
      // No contextDim passed: the bundle takes the model's own.
      await writeBundle(dir, { spec: t.spec, model: t.model, pipeline: t.pipeline, dataset: t.ds, train: t.m.train });
      expect(readManifest(dir).files.map((f) => f.path)).toContain('user_context.json');
      const b = await loadBundle(dir);
      try {
        expect(b.state.contextDim).toBe(dim);
        for (const u of [4, 33]) {
          const user = t.ds.userIds[u];
          // Default: the context of the user's latest training interaction, which the trained model ranks in too.
          const byDefault = await b.score(user, [...b.items]);
          expect(maxAbsDiff(byDefault, modelScores(t, u))).toBeLessThan(1e-5);
          // What export and the inspector rank with: bit for bit the trained model's scores, so the lists equal evaluation's.
          const ranked = new Float32Array(b.items.length);
          b.scoreUsers(Int32Array.of(u), ranked);
          expect(maxAbsDiff(ranked, modelScores(t, u))).toBe(0);
          const latest = t.model.userContext!.slice(u * dim, u * dim + dim);
          expect(maxAbsDiff(byDefault, scoresInContext(t, u, latest))).toBeLessThan(1e-5);

          const context = { timestamp: 1718900000, device: 'tablet' }; // a Thursday, 16:13 UTC
          const withContext = await b.score(user, [...b.items], { context });
          const row = t.pipeline!.transformContext([{ user: u, timestamp: context.timestamp, context: { device: 'tablet' } }]);
          expect(maxAbsDiff(withContext, scoresInContext(t, u, row))).toBeLessThan(1e-5);
          expect(maxAbsDiff(withContext, byDefault)).toBeGreaterThan(1e-4);
          const recs = await b.recommend(user, 5, { context });
          const seen = new Set(b.history(user));
          const expected = [...b.items].map((id, i) => ({ id, s: withContext[i] })).filter((x) => !seen.has(x.id)).sort((x, y) => y.s - x.s).slice(0, 5).map((x) => x.id);
          expect(recs.map((r) => r.item)).toEqual(expected);
        }
        // A new user without history: the zero context by default, the given one otherwise.
        const fresh = { attributes: { country: t.ds.userAttributes.find((c) => c.name === 'country')!.values[0] } };
        const zero = await b.score(fresh, [...b.items]);
        const given = await b.score(fresh, [...b.items], { context: { timestamp: 1718900000, device: 'tablet' } });
        expect(zero.every(Number.isFinite)).toBe(true);
        expect(maxAbsDiff(zero, given)).toBeGreaterThan(1e-4);
      } finally {
        b.dispose();
      }
    } finally {
      t.model.dispose();
    }
  });
});

/** 60 users, 40 items in two blocks: users 0-29 use items 0-19 only, users 30-59 items 20-39. */
function blockDataset(): Dataset {
  const rng = new Rng(11);
  const users: number[] = [];
  const items: number[] = [];
  for (let u = 0; u < 60; u++) {
    const block = u < 30 ? 0 : 20;
    const picks = rng.shuffle(Array.from({ length: 20 }, (_, k) => block + k)).slice(0, 10);
    for (const i of picks) {
      users.push(u);
      items.push(i);
    }
  }
  const n = users.length;
  return {
    name: 'blocks',
    source: 'test',
    userIds: Array.from({ length: 60 }, (_, u) => `u${u}`),
    itemIds: Array.from({ length: 40 }, (_, i) => `i${i}`),
    interactions: { user: Int32Array.from(users), item: Int32Array.from(items), rating: new Float32Array(n).fill(NaN), timestamp: new Float64Array(n).fill(NaN), context: {} },
    userAttributes: [],
    itemAttributes: [{ name: 'block', kind: 'categorical', values: Array.from({ length: 40 }, (_, i) => (i < 20 ? 'a' : 'b')) }],
  };
}

describe('new users by fold-in', () => {
  it("ranks the history's block above the other block, for either block", async () => {
    // Rank 2: enough for two blocks, too little to memorise single users' items, so the
    // trained model's own rankings keep to the blocks and fold-in has a clean target.
    const t = await train({ type: 'mf', dim: 2, initStd: 0.1 }, { epochs: 40, batchSize: 64, evalEvery: 0, optimizer: { type: 'adam', lr: 0.05 } }, blockDataset(), null);
    const dir = path.join(tmp, 'blocks');
    try {
      await writeBundle(dir, { spec: t.spec, model: t.model, dataset: t.ds, train: t.m.train });
    } finally {
      t.model.dispose();
    }
    const b = await loadBundle(dir);
    try {
      for (const [history, mine] of [
        [['i0', 'i3', 'i7', 'i12'], (i: number) => i < 20],
        [['i21', 'i25', 'i33', 'i38'], (i: number) => i >= 20],
      ] as const) {
        const all = await b.score({ history: [...history] }, [...b.items]);
        let inBlock = 0;
        let outBlock = 0;
        all.forEach((s, i) => {
          if (history.includes(`i${i}` as never)) return;
          if (mine(i)) inBlock += s / 16;
          else outBlock += s / 20;
        });
        expect(inBlock - outBlock).toBeGreaterThan(1);
        const top = await b.recommend({ history: [...history] }, 10);
        expect(top.every((r) => mine(Number(r.item.slice(1))))).toBe(true);
      }
    } finally {
      b.dispose();
    }
  });
});

describe('model bundle of a Mult-DAE (history autoencoder)', () => {
  it('round-trips known users and encodes a new user from their history alone', async () => {
    const t = await train(
      { type: 'mult-vae', hidden: [8], latent: 4, variational: false },
      { loss: 'multinomial', epochs: 60, batchSize: 20, evalEvery: 0, optimizer: { type: 'adam', lr: 0.01 } },
      blockDataset(),
      null,
    );
    const dir = path.join(tmp, 'mult-dae');
    try {
      await writeBundle(dir, { spec: t.spec, model: t.model, dataset: t.ds, train: t.m.train });
      const b = await loadBundle(dir);
      try {
        for (const u of [0, 45]) expect(maxAbsDiff(await b.score(t.ds.userIds[u], [...b.items]), modelScores(t, u))).toBeLessThan(1e-5);
        // A new user with a known user's exact training history gets that user's scores.
        const u7 = t.ds.userIds.indexOf('u7');
        const history = Array.from(t.m.train.indices.subarray(t.m.train.indptr[u7], t.m.train.indptr[u7 + 1]), (i) => t.ds.itemIds[i]);
        expect(maxAbsDiff(await b.score({ history }, [...b.items]), modelScores(t, u7))).toBeLessThan(1e-5);
        const top = await b.recommend({ history: ['i21', 'i25', 'i33', 'i38'] }, 10);
        expect(top.every((r) => Number(r.item.slice(1)) >= 20)).toBe(true);
      } finally {
        b.dispose();
      }
    } finally {
      t.model.dispose();
    }
  });
});

describe('file:// handler', () => {
  it('saves and loads a TF.js layers model through tf.io routers', async () => {
    const { registerFileSystemRouter } = await import('../../../core/export');
    registerFileSystemRouter();
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4], activation: 'relu' }), tf.layers.dense({ units: 1 })] });
    const x = tf.tensor2d([[1, 2, 3, 4], [0.5, -1, 0, 2]]);
    const dir = path.join(tmp, 'layers');
    await model.save(`file://${dir}`);
    expect(fs.existsSync(path.join(dir, 'model.json'))).toBe(true);
    const loaded = await tf.loadLayersModel(`file://${path.join(dir, 'model.json')}`);
    const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
    expect(maxAbsDiff(a.dataSync(), b.dataSync())).toBe(0);
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
  });
});
