import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasArchitecture, modelTypes } from '../../core/models';
import { specFromText } from '../../core/notebook';
import { featurePipelineSpecSchema, parseSpec, type ExperimentSpec } from '../../core/spec';
import { loadBundle } from '../../core/export';
import { openRunStore, type SqliteRunStore } from '../../core/runs';
import { parseTrainSpec } from '../../core/train';
import { createRunRecord, runExperiment } from '../../core/experiment';

/*
 * The hybrid and cold-start example notebooks: each parses into a valid spec whose parts
 * (features, train, model type) are accepted, and a tiny version of the cold-start hybrid
 * runs end to end on a small embedded sample through runExperiment (what `reclab run` does).
 * Their ML-100K figures come from `npm run bench -- models`, not from tests.
 */
const root = path.resolve(__dirname, '..', '..');
const notebooks = [
  'hybrid-gate-sample.recnb',
  'hybrid-gate-ml100k.recnb',
  'cold-start-ml100k-cf.recnb',
  'cold-start-ml100k-content.recnb',
  'cold-start-ml100k-hybrid.recnb',
  'context-ml100k.recnb',
  'mf-ials-ml100k.recnb',
];

function load(name: string): ExperimentSpec {
  const file = path.join(root, 'experiments', name);
  return specFromText(fs.readFileSync(file, 'utf8'), file);
}

describe('hybrid and cold-start notebooks', () => {
  it.each(notebooks)('%s parses into a spec with valid features, train settings and model type', (name) => {
    const spec = load(name);
    expect(spec.name).toBe(name.replace('.recnb', ''));
    if (spec.features !== undefined) expect(featurePipelineSpecSchema.safeParse(spec.features).success).toBe(true);
    if (hasArchitecture(spec.model.type)) expect(() => parseTrainSpec(spec.train)).not.toThrow();
    else expect(modelTypes()).toContain(spec.model.type);
  });

  it('the cold-start notebooks share one protocol: 20 % of items held out, no validation items, only cold items ranked', () => {
    const specs = notebooks.filter((n) => n.startsWith('cold-start')).map(load);
    for (const s of specs) {
      expect(s.split).toEqual({ kind: 'cold-item', holdout: 0.2, valid: 0 });
      expect(s.evaluate.candidates).toBe('cold-items');
      expect(s.data).toEqual({ source: 'movielens-100k', path: '../../shared/datasets/ml-100k' });
    }
    expect(specs.map((s) => s.model.type).sort()).toEqual(['content-knn', 'hybrid', 'mf']);
  });

  it('the ML-100K notebooks read the dataset beside the repository', () => {
    for (const name of notebooks.filter((n) => n.includes('ml100k'))) {
      const spec = load(name);
      expect(path.resolve(root, 'experiments', spec.data.path!)).toBe(path.resolve(root, '..', 'shared', 'datasets', 'ml-100k'));
    }
  });
});

describe('the neural notebooks, run small on the embedded sample', () => {
  let dir: string;
  let store: SqliteRunStore;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-nb-'));
    store = openRunStore(path.join(dir, 'runs.sqlite'));
  });
  afterAll(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('trains the notebook gated hybrid for a few epochs and ranks the held-out items by content', async () => {
    const base = load('cold-start-ml100k-hybrid.recnb');
    const spec = parseSpec({
      ...base,
      data: { source: 'sample', sample: { seed: 7, users: 200, items: 150, interactions: 6000 } },
      // The sample's item attributes in place of MovieLens genres / title / year.
      features: { item: [{ type: 'categorical', column: 'category' }, { type: 'multi-hot', column: 'tags' }, { type: 'tfidf', column: 'title', maxFeatures: 100 }] },
      // The notebook's losses run over all items per batch of users: 16 users a step, 13 steps an epoch here.
      train: { ...base.train, epochs: 8, batchSize: 16 },
    });
    const r = await runExperiment(spec, { store, runId: createRunRecord(store, spec), baseDir: dir, artifactsRoot: path.join(dir, 'artifacts') });
    expect(store.getRun(r.runId)!.status).toBe('FINISHED');
    // 20 % of the items with interactions are the candidates; nothing else is ranked.
    expect(r.protocol).toMatch(/over 30 candidate items/);
    expect(r.metrics['ndcg@10']).toBeGreaterThan(0);
    expect(r.metrics['ndcg@10']).toBeLessThanOrEqual(1);
    // Content predicts the sample's cold items: better than the 0.5 of an id-only model (measured 0.66).
    expect(r.metrics['auc']).toBeGreaterThan(0.6);
  }, 60_000);

  it("trains the notebook's context-aware two-tower and bundles it with each user's latest training context", async () => {
    const base = load('context-ml100k.recnb');
    const spec = parseSpec({
      ...base,
      data: { source: 'sample', sample: { seed: 7, users: 120, items: 80, interactions: 3000 } },
      // The sample's time (its own clock) and device in place of MovieLens's ratings' time.
      features: { item: [{ type: 'categorical', column: 'category' }], context: [...(base.features?.context ?? []), { type: 'context-categorical', column: 'device' }] },
      model: { ...base.model, dim: 8 },
      train: { ...base.train, epochs: 2, batchSize: 512 },
    });
    const lines: string[] = [];
    const r = await runExperiment(spec, { store, runId: createRunRecord(store, spec), baseDir: dir, artifactsRoot: path.join(dir, 'artifacts'), hooks: { log: (l) => lines.push(l) } });
    expect(store.getRun(r.runId)!.status).toBe('FINISHED');
    // 4 time parts x 2 columns + the missing-time flag, then device's OOV bucket + 3 values.
    expect(lines.find((l) => l.startsWith('features:'))).toMatch(/, context 13 columns$/);
    const bundle = await loadBundle(path.join(r.artifactDir, 'bundle'));
    try {
      expect(bundle.state.contextDim).toBe(13);
      const scores = await bundle.score(bundle.users[0], [...bundle.items]);
      const evening = await bundle.score(bundle.users[0], [...bundle.items], { context: { timestamp: 1718900000, device: 'mobile' } });
      expect(scores.some((s, i) => Math.abs(s - evening[i]) > 1e-6)).toBe(true);
    } finally {
      bundle.dispose();
    }
  }, 60_000);
});
