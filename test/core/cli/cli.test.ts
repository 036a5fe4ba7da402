import { reclab } from './helpers';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..', '..');
const built = fs.existsSync(path.join(root, 'dist', 'core', 'cli', 'index.js'));


function writeSpec(dir: string, name: string, spec: unknown): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, JSON.stringify(spec));
  return f;
}

// The CLI is tested as users run it: the compiled `reclab` (npm test builds first).
describe.skipIf(!built)('reclab CLI (compiled; run `npm run build` first)', () => {
  let ws: string;
  const small = { source: 'sample', sample: { users: 300, items: 250, interactions: 9000 } };
  beforeAll(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-cli-'));
  });

  it('runs a spec, prints JSON, exports a split and top-K lists that an independent script re-scores to 1e-6', async () => {
    const spec = writeSpec(ws, 'knn.json', { name: 'knn', experiment: 'cli', data: small, model: { type: 'itemknn', k: 50 }, evaluate: { ks: [5, 10] } });
    const r = (await reclab(ws, 'run', spec, '--json'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res.run_id).toMatch(/^[0-9a-f]{16}$/);
    expect(res.metrics['ndcg@10']).toBeGreaterThan(0);
    for (const f of ['train.csv', 'valid.csv', 'test.csv', 'topk.csv']) expect(fs.existsSync(path.join(res.artifact_dir, f))).toBe(true);
    expect(fs.readFileSync(path.join(res.artifact_dir, 'topk.csv'), 'utf8').split('\n')[0]).toBe('user,item,rank,score');
    const check = spawnSync('python3', [path.join(root, 'tools', 'recompute_metrics.py'), res.artifact_dir, '--json'], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    const recomputed = JSON.parse(check.stdout);
    expect(recomputed.max_abs_diff).toBeLessThanOrEqual(1e-6);
    expect(recomputed.recomputed['ndcg@10']).toBeCloseTo(res.metrics['ndcg@10'], 6);
  });

  it('gives the same numbers for the same seed, twice', async () => {
    const spec = writeSpec(ws, 'pop.json', { name: 'pop', experiment: 'cli', seed: 3, data: small, model: { type: 'mostpop' } });
    const a = JSON.parse((await reclab(ws, 'run', spec, '--json')).stdout);
    const b = JSON.parse((await reclab(ws, 'run', spec, '--json')).stdout);
    expect(a.run_id).not.toBe(b.run_id);
    const { fit_s: _a, ...ma } = a.metrics;
    const { fit_s: _b, ...mb } = b.metrics;
    expect(ma).toEqual(mb);
    expect(a.fingerprint).toBe(b.fingerprint);
  });

  it('lists, shows and compares runs, warning when protocols differ', async () => {
    const s1 = writeSpec(ws, 's1.json', { name: 'seed1', experiment: 'cmp', seed: 1, data: small, model: { type: 'mostpop' } });
    const s2 = writeSpec(ws, 's2.json', { name: 'seed2', experiment: 'cmp', seed: 2, data: small, model: { type: 'mostpop' } });
    const a = JSON.parse((await reclab(ws, 'run', s1, '--json')).stdout).run_id;
    const b = JSON.parse((await reclab(ws, 'run', s2, '--json')).stdout).run_id;
    const list = (await reclab(ws, 'runs', '--experiment', 'cmp'));
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(a.slice(0, 8));
    expect(list.stdout).toContain('FINISHED');
    const show = (await reclab(ws, 'show', a.slice(0, 10)));
    expect(show.stdout).toContain(`run ${a}`);
    expect(show.stdout).toMatch(/ndcg@10/);
    const cmp = (await reclab(ws, 'compare', a, b));
    expect(cmp.code).toBe(0);
    expect(cmp.stderr).toMatch(/different protocols/);
    expect(cmp.stdout).toMatch(/ndcg@10/);
  });

  it('fails clearly on bad input and leaves the run store untouched', async () => {
    const before = JSON.parse((await reclab(ws, 'runs', '--json')).stdout).length;
    const missing = (await reclab(ws, 'run', path.join(ws, 'nope.json')));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/Spec file not found: .*nope\.json/);
    const badCsv = writeSpec(ws, 'bad.json', {
      data: { source: 'csv', csv: { interactions: { path: 'missing.csv', columns: { user: 'u', item: 'i' } } } },
      model: { type: 'mostpop' },
    });
    const r = (await reclab(ws, 'run', badCsv));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/missing\.csv/);
    expect(JSON.parse((await reclab(ws, 'runs', '--json')).stdout).length).toBe(before);
  });

  it('refuses a corrupt run store without overwriting it', async () => {
    const bad = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-corrupt-'));
    fs.mkdirSync(path.join(bad, '.reclab'));
    const file = path.join(bad, '.reclab', 'runs.sqlite');
    fs.writeFileSync(file, 'this is not a database, just text that someone saved here by mistake');
    const before = fs.readFileSync(file);
    const r = (await reclab(bad, 'runs'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(file);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });
});
