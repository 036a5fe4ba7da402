import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * What users run, as they run it: the compiled CLI (`bin/reclab.js` -> `dist/`) in a
 * plain `node`, and a bundle loaded with `require` of the built `dist/core/export`. The
 * suite's other tests run the TypeScript sources through vitest, which hid a crash of
 * every neural model in the built package. `npm test` builds first.
 */
const root = path.resolve(__dirname, '..', '..');
const bin = path.join(root, 'bin', 'reclab.js');
const builtExport = path.join(root, 'dist', 'core', 'export', 'index.js');

/** A plain `node` child, awaited without blocking vitest's own event loop (spawnSync would, for minutes). */
function node(args: string[], timeoutMs = 600_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const reclab = (ws: string, ...args: string[]) => node([bin, '--workspace', ws, ...args]);

function sampleNotebooks(): string[] {
  const dir = path.join(root, 'experiments');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.recnb'))
    .filter((f) => {
      const nb = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { cells: { kind: string; source: string }[] };
      const data = nb.cells.filter((c) => c.kind === 'data').pop();
      return data !== undefined && (JSON.parse(data.source) as { source: string }).source === 'sample';
    })
    .sort();
}

describe('the built package', () => {
  let ws: string;
  beforeAll(() => {
    if (!fs.existsSync(builtExport)) throw new Error('dist/ is missing: run `npm run build` (npm test does it first).');
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-built-'));
  });
  afterAll(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('trains a neural notebook with the built CLI; the bundle loads with require in plain node and recommends', async () => {
    const nb = {
      format: 1,
      metadata: { name: 'built-hybrid', experiment: 'built', seed: 5 },
      cells: [
        { id: 'd', kind: 'data', source: JSON.stringify({ source: 'sample', sample: { users: 150, items: 120, interactions: 4000 } }) },
        { id: 'f', kind: 'features', source: JSON.stringify({ item: [{ type: 'tfidf', column: 'title', maxFeatures: 40 }, { type: 'categorical', column: 'category' }] }) },
        { id: 'm', kind: 'model', source: JSON.stringify({ type: 'hybrid', fusion: 'gate', dim: 8 }) },
        { id: 't', kind: 'train', source: JSON.stringify({ epochs: 2, batchSize: 256, loss: 'bpr', negatives: 1 }) },
      ],
    };
    const file = path.join(ws, 'built.recnb');
    fs.writeFileSync(file, JSON.stringify(nb));
    const r = await reclab(ws, 'run', file, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const res = JSON.parse(r.stdout) as { run_id: string; status: string; artifact_dir: string; metrics: Record<string, number> };
    expect(res.status).toBe('FINISHED');
    expect(res.metrics['ndcg@10']).toBeGreaterThan(0);
    const bundle = path.join(res.artifact_dir, 'bundle');

    // A plain child `node`, no tsx, no vitest: require the built engine and score.
    const script = `
      const { loadBundle } = require(${JSON.stringify(builtExport)});
      loadBundle(${JSON.stringify(bundle)}).then(async (b) => {
        const user = b.users[0];
        const top = await b.recommend(user, 5);
        process.stdout.write(JSON.stringify({ user, top }));
        b.dispose();
      }).catch((e) => { process.stderr.write(e.stack); process.exit(1); });`;
    const child = await node(['-e', script]);
    expect(child.stderr).toBe('');
    expect(child.code).toBe(0);
    const { user, top } = JSON.parse(child.stdout) as { user: string; top: { item: string; score: number }[] };
    expect(top).toHaveLength(5);
    for (let i = 1; i < top.length; i++) expect(top[i - 1].score).toBeGreaterThanOrEqual(top[i].score);

    const rec = await reclab(ws, 'recommend', bundle, user, '-k', '5', '--json');
    expect(rec.stderr).toBe('');
    expect(rec.code).toBe(0);
    const fromCli = JSON.parse(rec.stdout) as { items?: { item: string }[] } | { item: string }[];
    const items = (Array.isArray(fromCli) ? fromCli : (fromCli.items ?? [])).map((x) => x.item);
    expect(items).toEqual(top.map((t) => t.item));
  }, 600_000);

  it.each(sampleNotebooks())('runs the example notebook %s on the embedded dataset with the built CLI', async (name) => {
    const r = await reclab(ws, 'run', path.join(root, 'experiments', name), '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const res = JSON.parse(r.stdout) as { status: string; metrics: Record<string, number> };
    expect(res.status).toBe('FINISHED');
    expect(res.metrics['ndcg@10']).toBeGreaterThan(0);
  }, 900_000);
});
