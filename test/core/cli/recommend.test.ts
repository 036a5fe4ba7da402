import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { built, reclab, writeJsonFile } from './helpers';

describe.skipIf(!built)('reclab recommend for a new user (compiled CLI)', () => {
  let ws: string;
  let runId: string;
  let bundle: string;
  beforeAll(async () => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-cli-recommend-'));
    const spec = writeJsonFile(ws, 'tt.json', {
      name: 'hybrid',
      data: { source: 'sample', sample: { users: 120, items: 90, interactions: 2500 } },
      features: { user: [{ type: 'categorical', column: 'country' }, { type: 'numeric', column: 'age', scale: 'standard' }], item: [{ type: 'multi-hot', column: 'tags' }] },
      model: { type: 'hybrid', fusion: 'gate', dim: 4 },
      train: { epochs: 1, batchSize: 256, evalEvery: 0 },
    });
    const r = await reclab(ws, 'run', spec, '--json');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    runId = result.run_id;
    bundle = path.join(result.artifact_dir, 'bundle');
  }, 240_000);
  afterAll(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('takes a history and attributes, checks the attribute names, and tells an unknown user how to describe a new one', async () => {
    const items: string[] = JSON.parse(fs.readFileSync(path.join(bundle, 'ids.json'), 'utf8')).items;
    const history = items.slice(0, 3);
    const r = await reclab(ws, 'recommend', bundle, '--history', history.join(','), '--attr', 'country=DE', '--attr', 'age=31', '-k', '4', '--json');
    expect(r.stderr).toBe('');
    const recs = JSON.parse(r.stdout) as { item: string; score: number }[];
    expect(recs).toHaveLength(4);
    for (const rec of recs) expect(history).not.toContain(rec.item); // a new user's history is left out, as a known user's is
    // Attributes change the scores of a model that reads them.
    const other = JSON.parse((await reclab(ws, 'recommend', bundle, '--history', history.join(','), '--attr', 'country=JP', '--attr', 'age=70', '-k', '4', '--json')).stdout) as { score: number }[];
    expect(other.map((x) => x.score)).not.toEqual(recs.map((x) => x.score));

    const viaExport = await reclab(ws, 'export', runId, '--recommend', '--history', history.join(','), '--attr', 'country=DE', '--attr', 'age=31', '-k', '4', '--json');
    expect(JSON.parse(viaExport.stdout).recommendations).toEqual(recs);

    const typo = await reclab(ws, 'recommend', bundle, '--attr', 'contry=DE');
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/reads no user attribute 'contry'; it reads country, age/);
    const unknown = await reclab(ws, 'recommend', bundle, 'nobody');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/Unknown user 'nobody'.*--history ITEM,ITEM.*--attr key=value \(this model reads country, age\)/);
    expect(unknown.stderr).not.toMatch(/\n\s+at /);
  });
});
