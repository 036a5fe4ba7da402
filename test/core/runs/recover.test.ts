import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isRunStoreError, openRunStore, readRunFiles, recoverRuns, writeRunFiles, type RunRecord, type SqliteRunStore } from '../../../core/runs';
import { tempDirs } from './helpers';

const tmp = tempDirs();
const open: SqliteRunStore[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
  tmp.cleanup();
});

function newStore(): SqliteRunStore {
  const s = openRunStore(path.join(tmp.make(), 'runs.sqlite'));
  open.push(s);
  return s;
}

/** Everything a run record says, minus the experiment's row id (a new store numbers experiments anew). */
function comparable(r: RunRecord | undefined): Omit<RunRecord, 'experimentId'> | undefined {
  if (!r) return undefined;
  const { experimentId: _id, ...rest } = r;
  return rest;
}

/** A run with a bit of everything: params, tags, notes, NaN and infinite metrics, series logged out of order, an artifact in `<artifactsRoot>/<id>/`. */
function makeRun(store: SqliteRunStore, artifactsRoot: string, name: string): string {
  const run = store.createRun({
    experiment: 'exp, "quoted"',
    name,
    spec: { name, model: { type: 'mf', dim: 8 }, data: { source: 'sample' } },
    seed: 7,
    appVersion: '0.1.0',
    backend: 'wasm',
    fingerprint: 'f'.repeat(64),
    datasetStats: { name: 'sample', users: 10 },
    params: { 'model.type': 'mf', 'model.dim': 8, 'train.lr': 0.01 },
    tags: { owner: 'ada', 'k=v': 'a,b' },
    notes: 'first try',
  });
  store.logMetrics(run.id, [
    { key: 'loss', value: 0.5, step: 10, epoch: 1, time: 2000 },
    { key: 'loss', value: NaN, step: 11, time: 2001 },
    { key: 'valid/ndcg@10, "K"', value: Infinity, step: 1, epoch: 0, time: 2002 },
  ]);
  // An earlier step after a later one: the series is no longer in order, and must stay so.
  store.logMetrics(run.id, [
    { key: 'loss', value: 0.9, step: 3, epoch: 0, time: 1990 },
    { key: 'loss', value: -Infinity, step: 12, time: 2003 },
  ]);
  store.logFinalMetrics(run.id, { overall: { 'ndcg@10': 0.25, users: 10, odd: NaN }, 'items:cold': { 'ndcg@10': -Infinity } });
  const artifactDir = path.join(artifactsRoot, run.id);
  fs.mkdirSync(artifactDir, { recursive: true });
  fs.writeFileSync(path.join(artifactDir, 'topk.csv'), 'user,item,rank,score\n');
  store.addArtifact(run.id, { path: path.join(artifactDir, 'topk.csv'), kind: 'csv', size: 21 });
  store.finishRun(run.id, 'FINISHED');
  return run.id;
}

describe('run snapshots', () => {
  it('restores a run exactly as it was: ids, times, status, params, tags, metrics, series in their order', () => {
    const a = newStore();
    const id = makeRun(a, tmp.make(), 'one');
    const failed = a.createRun({ spec: { model: { type: 'ease' } }, name: 'broken' }).id;
    a.finishRun(failed, 'FAILED', 'it broke');
    const b = newStore();
    b.restoreRuns([a.getRunSnapshot(id)!, a.getRunSnapshot(failed)!]);
    expect(comparable(b.getRun(id))).toEqual(comparable(a.getRun(id)));
    expect(comparable(b.getRun(failed))).toEqual(comparable(a.getRun(failed)));
    for (const key of ['loss', 'valid/ndcg@10, "K"']) {
      expect(b.getMetricSeries(id, key)).toEqual(a.getMetricSeries(id, key));
      expect(b.getMetricSeries(id, key, { maxPoints: 3 })).toEqual(a.getMetricSeries(id, key, { maxPoints: 3 }));
    }
    expect(b.getRunSnapshot(id)).toEqual(a.getRunSnapshot(id));
    expect(b.listExperiments().map((e) => [e.name, e.runCount])).toEqual([
      ['exp, "quoted"', 1],
      ['Default', 1],
    ]);
  });

  it('never overwrites a run: a taken id refuses the whole restore', () => {
    const a = newStore();
    const id = makeRun(a, tmp.make(), 'one');
    const other = a.createRun({ spec: {}, name: 'other' }).id;
    const b = newStore();
    b.restoreRuns([a.getRunSnapshot(id)!]);
    let err: unknown;
    try {
      b.restoreRuns([a.getRunSnapshot(other)!, a.getRunSnapshot(id)!]);
    } catch (e) {
      err = e;
    }
    expect(isRunStoreError(err) && err.code).toBe('RUN_EXISTS');
    expect(b.getRun(other)).toBeUndefined(); // nothing of the refused batch was written
    expect(() => b.restoreRuns([{ ...a.getRunSnapshot(other)!, status: 'DONE' as 'FINISHED' }])).toThrow(/status "DONE"/);
  });

  it('writes run.json and series.csv that read back to the same snapshot (NaN, infinities, quotes and commas kept)', () => {
    const store = newStore();
    const root = tmp.make();
    const id = makeRun(store, root, 'files');
    const dir = path.join(root, id);
    writeRunFiles(store, id, dir);
    expect(readRunFiles(dir)).toEqual(store.getRunSnapshot(id));
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8'));
    expect(json.finalMetrics.overall.odd).toBe('NaN'); // JSON has no NaN: written as text, not as null
    expect(fs.readFileSync(path.join(dir, 'series.csv'), 'utf8').split('\n')[0]).toBe('key,step,epoch,time,value');
    expect(readRunFiles(tmp.make())).toBeUndefined();
  });
});

describe('recoverRuns', () => {
  it('rebuilds runs from run.json folders and from older spec.json + metrics.json folders, and names the folders it skips', () => {
    const original = newStore();
    const root = tmp.make();
    const withFiles = ['a', 'b'].map((name) => {
      const id = makeRun(original, root, name);
      writeRunFiles(original, id, path.join(root, id));
      return id;
    });
    // Written at the start of a run that then died: RUNNING, no series, no metrics.
    const crashed = original.createRun({ spec: { model: { type: 'mf' } }, name: 'crashed', pid: 999_999_999 }).id;
    writeRunFiles(original, crashed, path.join(root, crashed));

    // A folder of an older RecLab: spec.json and metrics.json only (and a bundle with its own metrics.json).
    const legacy = '0123456789abcdef';
    const legacyDir = path.join(root, legacy);
    fs.mkdirSync(path.join(legacyDir, 'bundle'), { recursive: true });
    fs.writeFileSync(path.join(legacyDir, 'spec.json'), JSON.stringify({ name: 'old', experiment: 'past', seed: 3, model: { type: 'mf', dim: 4 }, tags: { era: 'old' } }));
    fs.writeFileSync(path.join(legacyDir, 'metrics.json'), JSON.stringify({ overall: { 'ndcg@10': 0.1 }, segments: {} }));
    fs.writeFileSync(path.join(legacyDir, 'test.csv'), 'user,item,rating,timestamp\n');
    fs.writeFileSync(path.join(legacyDir, 'bundle', 'metrics.json'), JSON.stringify({ overall: { 'ndcg@10': 0.1, users: 5, fit_s: 1.5 }, 'items:tail': { 'ndcg@10': null } }));
    fs.writeFileSync(path.join(legacyDir, 'bundle', 'manifest.json'), JSON.stringify({ backend: 'wasm', reclabVersion: '0.0.9', files: [{ bytes: 100 }, { bytes: 23 }] }));
    // Another older folder without a bundle: its metrics.json parts are put back together.
    const plain = 'fedcba9876543210';
    fs.mkdirSync(path.join(root, plain));
    fs.writeFileSync(path.join(root, plain, 'spec.json'), JSON.stringify({ name: 'pop', model: { type: 'mostpop' } }));
    fs.writeFileSync(path.join(root, plain, 'metrics.json'), JSON.stringify({ overall: { 'ndcg@10': 0.05 }, segments: { 'items:cold': { 'ndcg@10': 0 } }, sampled: { 'auc@10': 0.7 } }));
    // Folders that cannot be read.
    fs.mkdirSync(path.join(root, 'notes'));
    fs.mkdirSync(path.join(root, 'aaaaaaaaaaaaaaaa'));
    fs.mkdirSync(path.join(root, 'bbbbbbbbbbbbbbbb'));
    fs.writeFileSync(path.join(root, 'bbbbbbbbbbbbbbbb', 'run.json'), '{ not json');

    // The workspace moved: artifact paths recorded under the old folder point into the new one.
    const moved = path.join(tmp.make(), 'artifacts');
    fs.renameSync(root, moved);
    const store = newStore();
    const report = recoverRuns(store, moved, { paramsFromSpec: (spec) => ({ 'model.type': (spec as { model: { type: string } }).model.type, flag: true }) });
    expect(report.restored.sort()).toEqual([...withFiles, crashed].sort());
    expect(report.approximate).toEqual([legacy, plain]);
    expect(report.skipped.map((s) => path.basename(s.dir))).toEqual(['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb', 'notes']);
    expect(report.skipped[1].reason).toMatch(/run\.json is not valid JSON/);

    for (const id of withFiles) {
      const want = comparable(original.getRun(id))!;
      const got = comparable(store.getRun(id))!;
      expect({ ...got, artifacts: [] }).toEqual({ ...want, artifacts: [] });
      expect(got.artifacts).toEqual([{ path: path.join(moved, id, 'topk.csv'), kind: 'csv', size: 21 }]);
      expect(store.getMetricSeries(id, 'loss')).toEqual(original.getMetricSeries(id, 'loss'));
    }
    expect(store.getRun(crashed)).toMatchObject({ status: 'RUNNING', name: 'crashed' });
    expect(store.markStaleRunsKilled()).toEqual([crashed]);

    const old = store.getRun(legacy)!;
    expect(old).toMatchObject({ name: 'old', experiment: 'past', status: 'FINISHED', seed: 3, backend: 'wasm', appVersion: '0.0.9', tags: { era: 'old' }, params: { 'model.type': 'mf', flag: 'true' } });
    expect(old.finalMetrics.overall).toEqual({ 'ndcg@10': 0.1, users: 5, fit_s: 1.5 });
    expect(old.finalMetrics['items:tail']['ndcg@10']).toBeNaN();
    expect(old.artifacts.map((a) => [path.basename(a.path), a.kind, a.size])).toEqual([
      ['bundle', 'bundle', 123],
      ['metrics.json', 'json', fs.statSync(path.join(moved, legacy, 'metrics.json')).size],
      ['spec.json', 'json', fs.statSync(path.join(moved, legacy, 'spec.json')).size],
      ['test.csv', 'csv', 27],
    ]);
    expect(old.notes).toMatch(/without run\.json/);
    expect(old.endTime).toBeGreaterThanOrEqual(old.startTime);
    expect(store.getRun(plain)!.finalMetrics).toEqual({ overall: { 'ndcg@10': 0.05 }, 'items:cold': { 'ndcg@10': 0 }, sampled: { 'auc@10': 0.7 } });

    // Again into the same store: every run is there already, so nothing is written.
    expect(() => recoverRuns(store, moved)).toThrow(/already in/);
    expect(recoverRuns(newStore(), path.join(moved, 'missing'))).toEqual({ restored: [], approximate: [], skipped: [] });
  });
});
