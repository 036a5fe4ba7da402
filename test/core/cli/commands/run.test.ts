import { reclab as runReclab } from '../helpers';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRunStore } from '../../../../core/runs';

const root = path.resolve(__dirname, '..', '..', '..', '..');
const built = fs.existsSync(path.join(root, 'dist', 'core', 'cli', 'index.js'));

// `reclab run` as users run it: the compiled CLI, in a workspace of its own.
describe.skipIf(!built)('reclab run: the spec is validated before anything runs (compiled CLI)', () => {
  let ws: string;
  const small = { source: 'sample', sample: { users: 120, items: 80, interactions: 2500 } };
  // A dataset that is not there: loading it would fail with a different message.
  const absent = { source: 'movielens-100k', path: 'no-such-folder' };
  const reclab = (...args: string[]) => runReclab(ws, ...args);
  const write = (name: string, spec: unknown) => {
    const file = path.join(ws, name);
    fs.writeFileSync(file, JSON.stringify(spec));
    return file;
  };
  const runs = () => {
    const store = openRunStore(path.join(ws, '.reclab', 'runs.sqlite'));
    try {
      return store.listRuns();
    } finally {
      store.close();
    }
  };

  beforeAll(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-run-'));
  });
  afterAll(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('a run of {"type": "mf"} stores every default it trained with as params', async () => {
    const file = write('mf.json', { name: 'mf-defaults', data: small, model: { type: 'mf' }, train: { epochs: 1 }, export: false });
    const r = (await reclab('run', file, '--json'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const id = JSON.parse(r.stdout).run_id as string;
    const [run] = runs().filter((x) => x.id === id);
    expect(run.params).toMatchObject({
      'model.type': 'mf',
      'model.dim': '32',
      'model.initStd': '0.01',
      'train.epochs': '1',
      'train.batchSize': '1024',
      'train.loss': 'bce',
      'train.negatives': '4',
      'train.optimizer.type': 'adam',
      'train.optimizer.lr': '0.001',
      'train.patience': '3',
      'evaluate.ks': '[5,10,20]',
      'evaluate.metric': 'ndcg@10',
      'split.kind': 'random',
      'split.ratios': '[0.8,0.1,0.1]',
      'data.source': 'sample',
    });
    // The stored spec is the completed one too.
    expect(run.spec).toMatchObject({ model: { type: 'mf', dim: 32, initStd: 0.01 }, train: { epochs: 1, optimizer: { type: 'adam', lr: 0.001 } } });
  });

  it("a misspelt parameter exits non-zero with the message, before loading data or recording a run", async () => {
    const before = runs().length;
    const r = (await reclab('run', write('dimm.json', { data: absent, model: { type: 'mf', dimm: 64 } })));
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`error: ${path.join(ws, 'dimm.json')}: invalid experiment spec: model.dimm: unknown parameter 'dimm' for model type 'mf'; did you mean 'dim'?\n`);
    expect(runs().length).toBe(before);
  });

  it('an unknown model type lists baselines and neural architectures, before loading data or recording a run', async () => {
    const before = runs().length;
    const r = (await reclab('run', write('neumff.json', { data: absent, model: { type: 'neumff' } })));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("model.type: unknown model type 'neumff'; did you mean 'neumf'? Known model types: baselines random, mostpop, itemknn, ease, puresvd, content-knn; factorised hybrids lightfm; neural architectures mf, gmf, mlp, neumf, content, hybrid, wide-deep, deepfm, two-tower, lightgcn, mult-vae.");
    expect(r.stderr).not.toMatch(/no-such-folder/);
    expect(runs().length).toBe(before);
  });

  it('a bad notebook cell is named, and nothing is recorded', async () => {
    const before = runs().length;
    const nb = path.join(ws, 'bad.recnb');
    fs.writeFileSync(
      nb,
      JSON.stringify({
        format: 1,
        cells: [
          { id: 'data', kind: 'data', source: JSON.stringify(absent) },
          { id: 'net', kind: 'model', source: '{"type": "hybrid"}' },
          { id: 'fit', kind: 'train', source: '{"epochs": 2, "optimiser": {"lr": 0.01}}' },
        ],
      }),
    );
    const r = (await reclab('run', nb));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("cell 'fit' (train): train.optimiser: unknown setting 'optimiser' in the train section; did you mean 'optimizer'?");
    expect(runs().length).toBe(before);
  });
});
