import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetStats, loadDataset } from '../../../core/data';
import { built, reclab, reclabIntoClosedPipe, root, writeJsonFile } from './helpers';

const small = { source: 'sample', sample: { users: 300, items: 250, interactions: 9000 } };

describe.skipIf(!built)('reclab runs, show, compare, datasets (compiled CLI)', () => {
  let ws: string;
  let pop: string;
  let knn: string;
  beforeAll(async () => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-cli-runs-'));
    const specs = [
      writeJsonFile(ws, 'pop.json', { name: 'pop', experiment: 'cmp', data: small, model: { type: 'mostpop' }, evaluate: { ks: [5, 10, 20] } }),
      // Baselines ignore `train`, but a run records every setting its spec gives.
      writeJsonFile(ws, 'knn.json', { name: 'knn', experiment: 'cmp', data: small, model: { type: 'itemknn', k: 50 }, train: { epochs: 3, batchSize: 256, loss: 'bpr', optimizer: { type: 'adam', lr: 0.01 }, l2: 0.001 }, tags: { family: 'knn' } }),
    ];
    const r = await reclab(ws, 'run', ...specs, '--json');
    expect(r.code).toBe(0);
    [pop, knn] = r.stdout.trim().split('\n').map((l) => JSON.parse(l).run_id as string);
  }, 240_000);
  afterAll(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('exits quietly when the reader of its output goes away (reclab show RUN | head)', async () => {
    for (const args of [['show', knn], ['runs'], ['compare', pop, knn], ['datasets'], ['--version'], ['runs', '--json']]) {
      const r = await reclabIntoClosedPipe(ws, ...args);
      expect({ args, code: r.code, signal: r.signal, stderr: r.stderr }).toEqual({ args, code: 0, signal: null, stderr: '' });
    }
  });

  it('shows the train and evaluate settings as params, and segments in order with ranges by their bounds', async () => {
    const show = await reclab(ws, 'show', knn);
    expect(show.code).toBe(0);
    const params = Object.fromEntries(
      show.stdout
        .split('\nparams\n')[1]
        .split('\n\n')[0]
        .split('\n')
        .slice(2)
        .map((l) => l.split(/\s{2,}/)),
    );
    expect(params).toMatchObject({ 'train.epochs': '3', 'train.batchSize': '256', 'train.loss': 'bpr', 'train.optimizer.lr': '0.01', 'train.l2': '0.001', 'evaluate.ks': '[5,10,20]', 'evaluate.metric': 'ndcg@10', 'model.k': '50' });

    const record = JSON.parse((await reclab(ws, 'show', knn, '--json')).stdout);
    const activity = Object.keys(record.finalMetrics)
      .filter((s) => s.startsWith('users:activity['))
      .sort((a, b) => Number(/\[(\d+)/.exec(a)![1]) - Number(/\[(\d+)/.exec(b)![1]));
    // Text order would put [12-18] before [4-11]: the test is only meaningful with such ranges.
    expect([...activity].sort()).not.toEqual(activity);
    const header = show.stdout.split('\nfinal metrics\n')[1].split('\n')[0].trim().split(/\s+/);
    expect(header).toEqual(['metric', 'overall', 'items:head', 'items:mid', 'items:tail', ...activity]);
    const rows = show.stdout.split('\nfinal metrics\n')[1].split('\n').map((l) => l.split(/\s+/)[0]);
    expect(rows.indexOf('ndcg@5')).toBeLessThan(rows.indexOf('ndcg@10'));
    expect(rows.indexOf('ndcg@10')).toBeLessThan(rows.indexOf('ndcg@20'));
  });

  it('compares with K in order, the difference to the first run and the best of each row marked', async () => {
    const json = JSON.parse((await reclab(ws, 'compare', pop, knn, '--json')).stdout);
    const [a, b] = json.runs;
    const cmp = await reclab(ws, 'compare', pop, knn);
    expect(cmp.code).toBe(0);
    const lines = cmp.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^metric +${pop.slice(0, 8)} pop +${knn.slice(0, 8)} knn +diff vs ${pop.slice(0, 8)}$`));
    const keys = lines.slice(2).map((l) => l.split(/\s+/)[0]);
    expect(keys.filter((k) => k.startsWith('ndcg@'))).toEqual(['ndcg@5', 'ndcg@10', 'ndcg@20']);
    for (const key of ['ndcg@10', 'recall@20', 'fit_s']) {
      const [, va, vb, diff] = lines.find((l) => l.startsWith(`${key} `))!.trim().split(/\s+/);
      const x = a.metrics[key];
      const y = b.metrics[key];
      expect(Number(va.replace('*', ''))).toBeCloseTo(x, 4);
      expect(Number(vb.replace('*', ''))).toBeCloseTo(y, 4);
      expect(Number(diff.replace('±', ''))).toBeCloseTo(y - x, 4);
      expect(b.diff_vs_first[key]).toBeCloseTo(y - x, 12);
      // Higher is better, except the fit time.
      const bBetter = key === 'fit_s' ? y < x : y > x;
      expect(va.endsWith('*')).toBe(!bBetter);
      expect(vb.endsWith('*')).toBe(bBetter);
      expect(json.best[key]).toEqual([bBetter ? knn : pop]);
    }
    // A count has no better direction: no mark.
    expect(lines.find((l) => l.startsWith('users '))).not.toContain('*');
  });

  it('refuses a segment no run has, naming the ones they have', async () => {
    const r = await reclab(ws, 'compare', pop, knn, '--segment', 'items:cold');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/No run here has segment 'items:cold'\. These runs have: overall, items:head, items:mid, items:tail, users:activity\[/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('says when no run matches a filter, and how many runs there are; tags and untags runs', async () => {
    const none = await reclab(ws, 'runs', '--tag', 'foo=bar');
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(/^no run matches the filter \(--tag foo=bar\); the workspace has 2 runs/);
    expect((await reclab(ws, 'runs', '--tag', 'family=knn')).stdout).toContain(knn.slice(0, 8));

    const tag = await reclab(ws, 'runs', 'tag', pop.slice(0, 8), 'foo=bar', 'owner=ada');
    expect(tag.code).toBe(0);
    expect(tag.stdout).toContain('foo=bar owner=ada');
    const listed = JSON.parse((await reclab(ws, 'runs', '--tag', 'foo=bar', '--json')).stdout);
    expect(listed.map((r: { id: string }) => r.id)).toEqual([pop]);
    // The change reaches run.json too, so a recovered store has it.
    expect(JSON.parse(fs.readFileSync(path.join(ws, '.reclab', 'artifacts', pop, 'run.json'), 'utf8')).tags).toEqual({ foo: 'bar', owner: 'ada' });
    expect((await reclab(ws, 'runs', 'untag', pop, 'foo')).code).toBe(0);
    expect(JSON.parse((await reclab(ws, 'show', pop, '--json')).stdout).tags).toEqual({ owner: 'ada' });
    const bad = await reclab(ws, 'runs', 'untag', pop, 'nope');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/has no tag 'nope'; its tags: owner=ada/);
    expect((await reclab(ws, 'runs', 'tag', pop, 'novalue')).stderr).toMatch(/Tags are key=value, got 'novalue'/);
  });

  it('prints its version, and the real size of the embedded sample', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    const v = await reclab(ws, '--version');
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toBe(pkg.version);
    const stats = datasetStats(loadDataset({ source: 'sample' }, ws));
    const row = (await reclab(ws, 'datasets')).stdout.split('\n').find((l) => l.startsWith('sample '))!;
    expect(row.trim().split(/\s+/).slice(-3).map(Number)).toEqual([stats.users, stats.items, stats.interactions]);
    for (const sub of ['list', 'import', 'download']) {
      const help = (await reclab(ws, 'datasets', sub, '--help')).stdout;
      expect(help.split('\n')[2].trim().length).toBeGreaterThan(20); // the description line after "Usage: ..."
    }
  });
});

describe.skipIf(!built)('reclab runs --filter (compiled)', () => {
  it('filters by a query and shows a query that does not parse with a caret under the place', async () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-filter-'));
    try {
      const spec = path.join(ws, 'pop.json');
      fs.writeFileSync(spec, JSON.stringify({ name: 'pop', data: { source: 'sample', sample: { users: 60, items: 50, interactions: 900 } }, model: { type: 'mostpop' } }));
      expect((await reclab(ws, 'run', spec, '--json')).code).toBe(0);
      const hit = JSON.parse((await reclab(ws, 'runs', '--filter', 'model = "mostpop" and metrics.ndcg@10 >= 0', '--json')).stdout) as { name: string }[];
      expect(hit.map((r) => r.name)).toEqual(['pop']);
      expect((await reclab(ws, 'runs', '--filter', 'model in ("ease", "mf")')).stdout).toMatch(/no run matches the filter \(--filter 'model in \("ease", "mf"\)'\); the workspace has 1 run/);
      const bad = await reclab(ws, 'runs', '--filter', 'metrics.ndcg@10 >> 0.3');
      expect(bad.code).toBe(1);
      expect(bad.stderr).toBe("error: Filter: Expected a value (a number or a quoted string), found '>'.\n  metrics.ndcg@10 >> 0.3\n                   ^\n");
    } finally {
      fs.rmSync(ws, { recursive: true, force: true });
    }
  });
});
