import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSampleDataset, splitDataset, splitMatrices, type AttributeValue, type Dataset, type SplitMatrices, type Split } from '../../../core/data';
import { loadBundle, readEmbeddingsTsv, readManifest, writeBundle, type Bundle } from '../../../core/export';
import { fitFeaturePipeline, type FittedPipeline } from '../../../core/features';
import { buildFeatureRows, LightfmRecommender } from '../../../core/models';
import { experimentSpecSchema, type ExperimentSpec } from '../../../core/spec';

/*
 * A trained `lightfm` model written as a bundle and loaded back: known users score as in
 * the process that trained it, new items from their attributes, new users from their
 * attributes (and their history, through fold-in), also from a separate plain node.
 */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-lightfm-bundle-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const SAMPLE = { users: 80, items: 60, interactions: 1500 };
const FEATURES = {
  item: [{ type: 'categorical', column: 'category' }, { type: 'multi-hot', column: 'tags' }],
  user: [{ type: 'categorical', column: 'country' }],
};
const MODEL = { type: 'lightfm', components: 8, epochs: 5, evalEvery: 0 };

interface Trained {
  spec: ExperimentSpec;
  ds: Dataset;
  split: Split;
  m: SplitMatrices;
  pipeline: FittedPipeline;
  model: LightfmRecommender;
}

async function train(): Promise<Trained> {
  const ds = generateSampleDataset(SAMPLE);
  // Items held out entirely, so some items have only their attributes.
  const spec = experimentSpecSchema.parse({ seed: 3, data: { source: 'sample', sample: SAMPLE }, split: { kind: 'cold-item', holdout: 0.2 }, features: FEATURES, model: MODEL });
  const split = splitDataset(ds, spec.split, spec.seed);
  const m = splitMatrices(ds, split);
  const pipeline = fitFeaturePipeline(spec.features!, ds, split.train, { seed: spec.seed });
  const model = new LightfmRecommender(MODEL, { userFeatures: pipeline.userFeatures(), itemFeatures: pipeline.itemFeatures() });
  await model.fit({ dataset: ds, train: m.train, trainIndex: split.train, coldItems: split.coldItems, seed: spec.seed });
  return { spec, ds, split, m, pipeline, model };
}

function modelScores(t: Trained, u: number): Float32Array {
  const out = new Float32Array(t.ds.itemIds.length);
  t.model.scoreUsers(Int32Array.of(u), out);
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

function attributesOf(columns: Dataset['itemAttributes'], e: number, names: string[]): Record<string, AttributeValue> {
  return Object.fromEntries(columns.filter((c) => names.includes(c.name)).map((c) => [c.name, c.values[e]]));
}

describe('bundle of a lightfm model', () => {
  let t: Trained;
  let dir: string;
  let bundle: Bundle;

  beforeAll(async () => {
    t = await train();
    dir = path.join(tmp, 'lightfm');
    await writeBundle(dir, { spec: t.spec, model: t.model, pipeline: t.pipeline, dataset: t.ds, train: t.m.train, runId: 'run-lfm' });
    bundle = await loadBundle(dir);
  });
  afterAll(() => {
    bundle?.dispose();
    t?.model.dispose();
  });

  it('writes the identity and attribute tables by name, and the item representations for the projector', () => {
    const m = readManifest(dir);
    expect(m.modelType).toBe('lightfm');
    expect(m.files.map((f) => f.path)).toEqual(expect.arrayContaining(['model/model.json', 'model/weights.bin', 'pipeline.json', 'item_embeddings.tsv']));
    const modelJson = JSON.parse(fs.readFileSync(path.join(dir, 'model', 'model.json'), 'utf8'));
    const weights = modelJson.weightsManifest[0].weights as { name: string; shape: number[] }[];
    const userDim = t.pipeline.userDim;
    const itemDim = t.pipeline.itemDim;
    expect(weights.map((w) => [w.name, w.shape])).toEqual([
      ['lightfm/user_id_embedding', [80, 8]],
      ['lightfm/user_id_bias', [80, 1]],
      ['lightfm/user_feature_embedding', [userDim, 8]],
      ['lightfm/item_id_embedding', [60, 8]],
      ['lightfm/item_id_bias', [60]],
      ['lightfm/item_feature_embedding', [itemDim, 8]],
      ['lightfm/item_feature_bias', [itemDim]],
    ]);
    const emb = readEmbeddingsTsv(path.join(dir, 'item_embeddings.tsv'));
    expect([emb.rows, emb.dim]).toEqual([60, 8]);
    expect(maxAbsDiff(emb.values, t.model.factors().items)).toBeLessThan(1e-6);
  });

  it('scores known users as the trained model does, and recommends the same top 10', async () => {
    for (const u of [0, 17, 41, 79]) {
      const fromBundle = await bundle.score(t.ds.userIds[u], [...bundle.items]);
      expect(maxAbsDiff(fromBundle, modelScores(t, u))).toBeLessThan(1e-5);
      const seen = new Set(Array.from(t.m.train.indices.subarray(t.m.train.indptr[u], t.m.train.indptr[u + 1])));
      const scores = modelScores(t, u);
      const expected = t.ds.itemIds.map((id, i) => ({ id, i, s: scores[i] })).filter((x) => !seen.has(x.i)).sort((a, b) => b.s - a.s || a.i - b.i).slice(0, 10).map((x) => x.id);
      expect((await bundle.recommend(t.ds.userIds[u], 10)).map((r) => r.item)).toEqual(expected);
    }
  });

  it('scores a new item from its attributes exactly as a held-out item with the same attributes', async () => {
    const names = ['category', 'tags'];
    const cold = Array.from(t.split.coldItems!.slice(0, 3));
    const newItems = cold.map((i, k) => ({ id: `new-${k}`, attributes: attributesOf(t.ds.itemAttributes, i, names) }));
    for (const u of [2, 50]) {
      const scores = await bundle.score(t.ds.userIds[u], newItems.map((n) => n.id), { newItems });
      const inProcess = modelScores(t, u);
      cold.forEach((i, k) => expect(scores[k]).toBeCloseTo(inProcess[i], 5));
      // Known items do not move when new ones are ranked beside them.
      expect(maxAbsDiff((await bundle.score(t.ds.userIds[u], [...bundle.items], { newItems })), inProcess)).toBeLessThan(1e-5);
    }
    const top = await bundle.recommend(t.ds.userIds[2], 2, { newItems, candidates: newItems.map((n) => n.id) });
    expect(top).toHaveLength(2);
  });

  it("scores a new user without history from their attributes: the known user's representation minus its identity row", async () => {
    const u = 11;
    const attributes = attributesOf(t.ds.userAttributes, u, ['country']);
    const scores = await bundle.score({ attributes }, [...bundle.items]);
    // Expected by hand: the attribute part of user u's normalised feature row times the
    // trained attribute embeddings, against the trained item representations.
    const rows = buildFeatureRows(80, true, t.pipeline.userFeatures(), true);
    const p = t.model.trained!;
    const vec = new Float64Array(8);
    for (let q = rows.indptr[u]; q < rows.indptr[u + 1]; q++) {
      if (rows.indices[q] < rows.identityCols) continue;
      for (let c = 0; c < 8; c++) vec[c] += rows.values[q] * p.userEmbeddings[rows.indices[q] * 8 + c];
    }
    const f = t.model.factors();
    const expected = t.ds.itemIds.map((_, i) => vec.reduce((s, v, c) => s + v * f.items[i * 8 + c], f.itemBias![i]));
    expect(maxAbsDiff(scores, expected)).toBeLessThan(1e-5);
  });

  it('folds in a new user with a history: the history is left out and ranked higher, deterministically', async () => {
    const history = bundle.history(t.ds.userIds[9]).slice(0, 6);
    const attributes = attributesOf(t.ds.userAttributes, 9, ['country']);
    const recs = await bundle.recommend({ attributes, history }, 10);
    expect(recs).toHaveLength(10);
    expect(recs.some((r) => history.includes(r.item))).toBe(false);
    expect(await bundle.recommend({ attributes, history }, 10)).toEqual(recs);
    // Fold-in fits the new identity row and bias (BCE against sampled negatives): the
    // history items rise in the ranking (AUC of the history against the other items).
    const auc = async (user: { attributes: Record<string, AttributeValue>; history?: string[] }) => {
      const all = await bundle.score(user, [...bundle.items]);
      const own = new Set(history);
      let above = 0;
      let pairs = 0;
      for (const h of history) {
        const s = all[bundle.items.indexOf(h)];
        bundle.items.forEach((id, i) => {
          if (own.has(id)) return;
          pairs++;
          if (s > all[i]) above++;
        });
      }
      return above / pairs;
    };
    const [without, withHistory] = [await auc({ attributes }), await auc({ attributes, history })];
    expect(withHistory).toBeGreaterThan(without);
  });

  it('loads and scores in a separate plain node process', async () => {
    const users = [t.ds.userIds[0], t.ds.userIds[41]];
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(__dirname, 'score-bundle-child.ts'), dir, ...users], { cwd: ROOT, timeout: 60_000 });
    const out = JSON.parse(stdout) as { scores: Record<string, number[]>; top: { item: string }[] };
    expect(maxAbsDiff(out.scores[users[0]], modelScores(t, 0))).toBeLessThan(1e-5);
    expect(maxAbsDiff(out.scores[users[1]], modelScores(t, 41))).toBeLessThan(1e-5);
    expect(out.top.map((r) => r.item)).toEqual((await bundle.recommend(users[0], 3)).map((r) => r.item));
  });

  it('frees every tensor: write, load, recommend (known, new user, new items), dispose', async () => {
    const start = tf.memory().numTensors;
    await writeBundle(path.join(tmp, 'again'), { spec: t.spec, model: t.model, pipeline: t.pipeline, dataset: t.ds, train: t.m.train });
    const b = await loadBundle(path.join(tmp, 'again'));
    await b.recommend(t.ds.userIds[0], 5);
    await b.recommend({ attributes: { country: 'US' }, history: b.history(t.ds.userIds[2]).slice(0, 3) }, 5, { newItems: [{ id: 'n', attributes: { category: 'music' } }] });
    b.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});
