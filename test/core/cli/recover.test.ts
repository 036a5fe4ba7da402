import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRunStore, type RunRecord, type RunSnapshot } from '../../../core/runs';
import { built, reclab, writeJsonFile } from './helpers';

const tiny = { source: 'sample', sample: { users: 150, items: 120, interactions: 3000 } };

/**
 * Every run as the store has it (read in this process: 20 `reclab show` processes would
 * take a minute on a busy machine), minus the experiment's row id, which a rebuilt store
 * numbers anew.
 */
function records(file: string): Record<string, Omit<RunRecord, 'experimentId'> & Pick<RunSnapshot, 'series'>> {
  const store = openRunStore(file);
  try {
    return Object.fromEntries(
      store.listRuns().map((r) => {
        const { experimentId: _id, ...rest } = r;
        return [r.id, { ...rest, series: store.getRunSnapshot(r.id)!.series }];
      }),
    );
  } finally {
    store.close();
  }
}

describe.skipIf(!built)('reclab runs recover (compiled CLI)', () => {
  let ws: string;
  let store: string;
  let ids: string[];
  let before: ReturnType<typeof records>;
  beforeAll(async () => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-cli-recover-'));
    store = path.join(ws, '.reclab', 'runs.sqlite');
    const baselines: unknown[] = [
      ...[1, 2, 3, 4].map((seed) => ({ name: `pop-${seed}`, experiment: 'baselines', seed, data: tiny, model: { type: 'mostpop' }, tags: { family: 'popularity' } })),
      ...[1, 2].map((seed) => ({ name: `random-${seed}`, experiment: 'baselines', seed, data: tiny, model: { type: 'random' } })),
      ...[10, 20, 40, 80].map((k) => ({ name: `knn-${k}`, experiment: 'knn', data: tiny, model: { type: 'itemknn', k }, tags: { family: 'knn' } })),
      ...[10, 100, 300, 1000].map((lambda) => ({ name: `ease-${lambda}`, experiment: 'linear', data: tiny, model: { type: 'ease', lambda } })),
      ...[4, 8].map((k) => ({ name: `svd-${k}`, experiment: 'linear', data: tiny, model: { type: 'puresvd', factors: k } })),
      { name: 'ease-tuned', experiment: 'linear', data: tiny, model: { type: 'ease', tune: { lambda: [10, 100] } }, evaluate: { ks: [5, 10], segments: false } },
      { name: 'pop-cold', experiment: 'cold', data: tiny, split: { kind: 'cold-item', holdout: 0.2 }, model: { type: 'mostpop' } },
    ];
    const files = baselines.map((spec, i) => writeJsonFile(ws, `b${i}.json`, spec));
    const neural = writeJsonFile(ws, 'mf.json', { name: 'mf', experiment: 'neural', data: tiny, model: { type: 'mf', dim: 4 }, train: { epochs: 2, batchSize: 256, evalEvery: 1 } });
    // Tuning without a validation part fails once the run is recorded: a FAILED run.
    const failing = writeJsonFile(ws, 'fail.json', { name: 'no-valid', experiment: 'linear', data: tiny, split: { kind: 'random', ratios: [0.9, 0, 0.1] }, model: { type: 'ease', tune: { lambda: [10, 100] } } });
    const ok = await reclab(ws, 'run', ...files, neural, '--json');
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect((await reclab(ws, 'run', failing)).code).toBe(1);
    ids = JSON.parse((await reclab(ws, 'runs', '--json')).stdout).map((r: { id: string }) => r.id);
    expect(ids).toHaveLength(20);
    expect((await reclab(ws, 'runs', 'tag', ids[3], 'reviewed=yes')).code).toBe(0);
    before = records(store);
  }, 600_000);
  afterAll(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('rebuilds a deleted store: the same run ids, statuses, params, tags, final metrics, artifacts and series', async () => {
    const statuses = Object.values(before).map((r) => r.status);
    expect(statuses.filter((s) => s === 'FAILED')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'FINISHED')).toHaveLength(19);
    const mf = Object.values(before).find((r) => r.name === 'mf')!;
    expect(mf.series!.length).toBeGreaterThan(0); // a neural run has series to bring back
    expect(before[ids[3]].tags.reviewed).toBe('yes'); // set after the run ended

    for (const f of [store, `${store}-wal`, `${store}-shm`]) fs.rmSync(f, { force: true });
    expect((await reclab(ws, 'runs')).stdout).toMatch(/^no runs yet/);
    const r = await reclab(ws, 'runs', 'recover');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^recovered 20 runs into .*runs\.sqlite\n {2}20 as recorded/);
    expect(JSON.parse((await reclab(ws, 'runs', '--json')).stdout).map((x: { id: string }) => x.id)).toEqual(ids);
    expect(records(store)).toEqual(before);
    // And as users see it.
    expect(JSON.parse((await reclab(ws, 'show', ids[3], '--json')).stdout).tags).toEqual(before[ids[3]].tags);
  });

  it('never overwrites a store that has runs', async () => {
    const bytes = fs.readFileSync(store);
    const r = await reclab(ws, 'runs', 'recover');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is healthy and holds 20 runs; `reclab runs recover` rebuilds a missing or empty store and never overwrites one/);
    expect(fs.readFileSync(store).equals(bytes)).toBe(true);
  });

  it('names the command in the damaged-store message, and recovers once the file is moved aside', async () => {
    for (const f of [store, `${store}-wal`, `${store}-shm`]) fs.rmSync(f, { force: true });
    fs.writeFileSync(store, 'this file was a run store until a disk error');
    const damaged = fs.readFileSync(store);
    const list = await reclab(ws, 'runs');
    expect(list.code).toBe(1);
    expect(list.stderr).toMatch(/Move it aside .*then run `reclab runs recover`: it rebuilds the runs from their artifact folders/);
    const refused = await reclab(ws, 'runs', 'recover');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('RecLab left it unchanged');
    expect(fs.readFileSync(store).equals(damaged)).toBe(true);

    fs.renameSync(store, `${store}.broken`);
    expect((await reclab(ws, 'runs', 'recover')).code).toBe(0);
    expect(records(store)).toEqual(before);
  });
});
