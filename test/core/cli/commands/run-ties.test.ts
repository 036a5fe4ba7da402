import { reclab } from '../helpers';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..', '..', '..');
const built = fs.existsSync(path.join(root, 'dist', 'core', 'cli', 'index.js'));
const newcomers = path.join(root, 'test', 'fixtures', 'csv', 'newcomers', 'ratings.csv');


// A global temporal split where a third of the test users are newcomers without history (EASE scores them all alike).
describe.skipIf(!built)('reclab run: tied users in the summary (compiled)', () => {
  let ws: string;
  const spec = (evaluate: Record<string, unknown>) => {
    const file = path.join(ws, `ease-${Object.keys(evaluate).length}.json`);
    fs.writeFileSync(
      file,
      JSON.stringify({
        name: 'ease-temporal',
        data: { source: 'csv', csv: { interactions: { path: newcomers, columns: { user: 'user', item: 'item', timestamp: 'time' } } } },
        split: { kind: 'temporal', ratios: [0.8, 0.1, 0.1] },
        model: { type: 'ease' },
        evaluate: { ks: [5, 10], ...evaluate },
      }),
    );
    return file;
  };
  beforeAll(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-ties-cli-'));
  });
  afterAll(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('shows tied_users and a warning that names the fallback', async () => {
    const r = (await reclab(ws, 'run', spec({}), '--quiet'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^tied_users\s.*\s7$/m);
    expect(r.stdout).toMatch(/^warning: 7 of 21 evaluated users \(33\.3 %\) got the same score for every item.*evaluate\.fallback: "mostpop"/m);
    const json = JSON.parse((await reclab(ws, 'run', spec({}), '--json')).stdout);
    expect(json.metrics.tied_users).toBe(7);
    expect(json.warnings).toHaveLength(1);
    expect(json.segments['users:no-history']['ndcg@10']).toBeGreaterThanOrEqual(0);
  });

  it('with evaluate.fallback "mostpop": no tied users, no warning, another fingerprint', async () => {
    const plain = JSON.parse((await reclab(ws, 'run', spec({}), '--json')).stdout);
    const r = JSON.parse((await reclab(ws, 'run', spec({ fallback: 'mostpop' }), '--json')).stdout);
    expect(r.metrics.tied_users).toBe(0);
    expect(r.warnings).toEqual([]);
    expect(r.protocol).toMatch(/fallback mostpop/);
    expect(r.fingerprint).not.toBe(plain.fingerprint);
  });
});
