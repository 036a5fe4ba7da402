import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reclab as runReclab } from '../core/cli/helpers';
import { createRunRecord, runExperiment } from '../../core/experiment';
import { loadBundle } from '../../core/export';
import { parseLightfmConfig } from '../../core/models';
import { specFromText } from '../../core/notebook';
import { openRunStore, type SqliteRunStore } from '../../core/runs';
import { featurePipelineSpecSchema, parseSpec, type ExperimentSpec } from '../../core/spec';

/*
 * The lightfm notebooks parse into valid specs; a small version of the sample notebook
 * runs end to end through runExperiment (and the built `reclab`), and its bundle ranks a
 * test user's items exactly as the run's top-K list did. Their ML-100K figures come from
 * `npm run bench -- models`, not from tests.
 */
const root = path.resolve(__dirname, '..', '..');
const notebooks = ['lightfm-sample.recnb', 'lightfm-ml100k.recnb', 'cold-start-ml100k-lightfm.recnb'];

function load(name: string): ExperimentSpec {
  const file = path.join(root, 'experiments', name);
  return specFromText(fs.readFileSync(file, 'utf8'), file);
}

/** The sample notebook, shrunk to run in seconds. */
function smallSample(): ExperimentSpec {
  const base = load('lightfm-sample.recnb');
  return parseSpec({ ...base, data: { source: 'sample', sample: { seed: 7, users: 200, items: 150, interactions: 6000 } }, model: { ...base.model, epochs: 4 } });
}

function topKOf(artifactDir: string): Map<string, string[]> {
  const lists = new Map<string, string[]>();
  for (const line of fs.readFileSync(path.join(artifactDir, 'topk.csv'), 'utf8').trim().split('\n').slice(1)) {
    const [user, item] = line.split(',');
    lists.set(user, [...(lists.get(user) ?? []), item]);
  }
  return lists;
}

function validItems(artifactDir: string): Map<string, string[]> {
  const items = new Map<string, string[]>();
  for (const line of fs.readFileSync(path.join(artifactDir, 'valid.csv'), 'utf8').trim().split('\n').slice(1)) {
    const [user, item] = line.split(',');
    items.set(user, [...(items.get(user) ?? []), item]);
  }
  return items;
}

describe('lightfm notebooks', () => {
  it.each(notebooks)('%s parses into a spec with valid features and a valid lightfm config', (name) => {
    const spec = load(name);
    expect(spec.name).toBe(name.replace('.recnb', ''));
    expect(spec.model.type).toBe('lightfm');
    expect(() => parseLightfmConfig(spec.model)).not.toThrow();
    expect(featurePipelineSpecSchema.safeParse(spec.features).success).toBe(true);
    if (spec.data.source === 'movielens-100k') expect(path.resolve(root, 'experiments', spec.data.path!)).toBe(path.resolve(root, '..', 'shared', 'datasets', 'ml-100k'));
  });

  it('the cold-start notebook uses the cold-start protocol of the other cold-start notebooks', () => {
    const spec = load('cold-start-ml100k-lightfm.recnb');
    expect(spec.split).toEqual({ kind: 'cold-item', holdout: 0.2, valid: 0 });
    expect(spec.evaluate.candidates).toBe('cold-items');
  });
});

describe('the lightfm sample notebook, run small', () => {
  let dir: string;
  let store: SqliteRunStore;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-lightfm-nb-'));
    store = openRunStore(path.join(dir, 'runs.sqlite'));
  });
  afterAll(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('trains, records the run, and writes a bundle that ranks test users as the run did', async () => {
    const metrics: string[] = [];
    const spec = smallSample();
    const r = await runExperiment(spec, { store, runId: createRunRecord(store, spec), baseDir: dir, artifactsRoot: path.join(dir, 'artifacts'), hooks: { onMetric: (p) => metrics.push(p.key) } });
    expect(store.getRun(r.runId)!.status).toBe('FINISHED');
    expect(r.metrics['ndcg@10']).toBeGreaterThan(0);
    expect(metrics).toContain('valid/ndcg@10');
    expect(metrics).toContain('train/epoch_loss');
    expect(store.getRun(r.runId)!.artifacts.some((a) => a.kind === 'bundle')).toBe(true);
    const bundle = await loadBundle(path.join(r.artifactDir, 'bundle'));
    try {
      const topK = topKOf(r.artifactDir);
      const valid = validItems(r.artifactDir);
      const users = [...topK.keys()].slice(0, 8);
      expect(users.length).toBe(8);
      for (const user of users) {
        // topk.csv masks train and valid items; the bundle masks the training history, valid on request.
        const recs = await bundle.recommend(user, 20, { exclude: valid.get(user) ?? [] });
        expect(recs.map((x) => x.item)).toEqual(topK.get(user));
      }
    } finally {
      bundle.dispose();
    }
  }, 60_000);
});

const built = fs.existsSync(path.join(root, 'dist', 'core', 'cli', 'index.js'));

describe.skipIf(!built)('lightfm through the built reclab CLI', () => {
  it('runs the spec and recommends from its bundle', async () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-lightfm-cli-'));
    try {
      const specFile = path.join(ws, 'lightfm.json');
      fs.writeFileSync(specFile, JSON.stringify(smallSample()));
      const reclab = (...args: string[]) => runReclab(ws, ...args);
      const run = await reclab('run', specFile, '--json');
      expect(run.code, run.stderr).toBe(0);
      const res = JSON.parse(run.stdout) as { artifact_dir: string; metrics: Record<string, number> };
      expect(res.metrics['ndcg@10']).toBeGreaterThan(0);
      const bundleDir = path.join(res.artifact_dir, 'bundle');
      const user = [...topKOf(res.artifact_dir).keys()][0];
      const rec = await reclab('recommend', bundleDir, user, '-k', '5', '--json');
      expect(rec.code, rec.stderr).toBe(0);
      const fromCli = (JSON.parse(rec.stdout) as { item: string }[]).map((x) => x.item);
      const bundle = await loadBundle(bundleDir);
      try {
        expect(fromCli).toEqual((await bundle.recommend(user, 5)).map((x) => x.item));
      } finally {
        bundle.dispose();
      }
    } finally {
      fs.rmSync(ws, { recursive: true, force: true });
    }
  }, 120_000);
});
