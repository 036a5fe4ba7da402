import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specFromText } from '../../core/notebook';
import { openRunStore, type SqliteRunStore } from '../../core/runs';
import { createRunRecord, runExperiment } from '../../core/experiment';

/*
 * The engine issue's acceptance ranges, through the same path as `reclab run`: the shipped
 * MovieLens notebooks (every rating a positive, random 80/10/10 per user, full ranking with
 * train+valid masked, K=10) run by runExperiment. Numpy reference values for this protocol
 * lie in these ranges across seeds. Skipped where ../shared/datasets/ml-100k is absent.
 */
const root = path.resolve(__dirname, '..', '..');
const ml = path.resolve(root, '..', 'shared', 'datasets', 'ml-100k');
const present = fs.existsSync(path.join(ml, 'u.data'));
if (!present) console.warn(`Skipping the ML-100K baseline ranges: no u.data in ${ml}.`);

describe.skipIf(!present)('baselines on MovieLens 100K (engine protocol)', () => {
  let dir: string;
  let store: SqliteRunStore;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-ml100k-'));
    store = openRunStore(path.join(dir, 'runs.sqlite'));
  });
  afterAll(() => store.close());

  async function run(notebook: string) {
    const file = path.join(root, 'experiments', notebook);
    const spec = specFromText(fs.readFileSync(file, 'utf8'), file);
    return runExperiment(spec, { store, runId: createRunRecord(store, spec), baseDir: path.dirname(file), artifactsRoot: path.join(dir, 'artifacts') });
  }

  it.each([
    ['mostpop-ml100k.recnb', 0.135, 0.16],
    ['itemknn-ml100k.recnb', 0.27, 0.31],
    ['puresvd-ml100k.recnb', 0.3, 0.34],
    ['ease-ml100k.recnb', 0.31, 0.35],
  ])('%s: NDCG@10 in [%s, %s]', async (notebook, lo, hi) => {
    const r = await run(notebook);
    expect(r.protocol).toMatch(/full ranking over all 1682 items/);
    expect(r.metrics['ndcg@10']).toBeGreaterThanOrEqual(lo);
    expect(r.metrics['ndcg@10']).toBeLessThanOrEqual(hi);
    expect(store.getRun(r.runId)!.status).toBe('FINISHED');
  }, 900_000);

  it('all four ran under one protocol fingerprint', () => {
    const fps = new Set(store.listRuns().map((r) => r.fingerprint));
    expect(fps.size).toBe(1);
  });
});
