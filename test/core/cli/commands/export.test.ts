import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportRunCommand, recommendCommand } from '../../../../core/cli/commands/export';
import { Workspace } from '../../../../core/workspace';
import { generateSampleDataset, splitDataset, splitMatrices } from '../../../../core/data';
import { loadBundle, writeBundle } from '../../../../core/export';
import { experimentSpecSchema } from '../../../../core/spec';
import { NeuralRecommender } from '../../../../core/train';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-export-cli-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('reclab export / recommend', () => {
  it('finds a run bundle, verifies and copies it, and recommends from it; a run without one gets the reason', async () => {
    const ws = Workspace.open(root);
    const sample = { users: 40, items: 30, interactions: 500 };
    const spec = experimentSpecSchema.parse({ seed: 1, data: { source: 'sample', sample }, model: { type: 'mf', dim: 4 }, train: { epochs: 1, batchSize: 128, evalEvery: 0 } });
    const ds = generateSampleDataset(sample);
    const split = splitDataset(ds, spec.split, spec.seed);
    const train = splitMatrices(ds, split).train;
    const model = new NeuralRecommender(spec.model, spec.train);
    await model.fit({ dataset: ds, train, trainIndex: split.train, seed: spec.seed });
    const store = ws.store;
    const withBundle = store.createRun({ spec, name: 'mf' }).id;
    const without = store.createRun({ spec: { ...spec, model: { type: 'mostpop' } }, name: 'pop' }).id;
    store.finishRun(withBundle, 'FINISHED');
    store.finishRun(without, 'FINISHED');
    store.close();
    await writeBundle(path.join(ws.layout.artifactsRoot, withBundle, 'bundle'), { spec, model, dataset: ds, train, runId: withBundle });
    const expected = new Float32Array(30);
    model.scoreUsers(Int32Array.of(0), expected);
    model.dispose();

    const lines: string[] = [];
    const out = path.join(root, 'exported');
    await exportRunCommand(withBundle.slice(0, 8), { workspace: root, out, recommend: ds.userIds[0], k: '3' }, (s) => lines.push(s));
    expect(fs.existsSync(path.join(out, 'model', 'weights.bin'))).toBe(true);
    const text = lines.join('\n');
    expect(text).toContain(`bundle      ${out}`);
    expect(text).toMatch(/model +mf +trained on \w+/);
    expect(text).toContain('checksums verified');
    expect(text).toMatch(/top 3 for user/);

    const json: string[] = [];
    await recommendCommand(out, ds.userIds[0], { k: '30', json: true }, (s) => json.push(s));
    const recs = JSON.parse(json[0]) as { item: string; score: number; title?: string }[];
    const seen = new Set(Array.from(train.indices.subarray(train.indptr[0], train.indptr[1]), (i) => ds.itemIds[i]));
    expect(recs).toHaveLength(30 - seen.size);
    expect(typeof recs[0].title).toBe('string');
    for (const r of recs) expect(r.score).toBeCloseTo(expected[ds.itemIds.indexOf(r.item)], 5);

    // A new user, described by a history: the bundle's own answer for {history}.
    const history = [ds.itemIds[1], ds.itemIds[2]];
    const bundle = await loadBundle(out);
    const wanted = await bundle.recommend({ history }, 5);
    bundle.dispose();
    const fresh: string[] = [];
    await recommendCommand(out, undefined, { history: [history.join(',')], k: '5', json: true }, (s) => fresh.push(s));
    expect((JSON.parse(fresh[0]) as { item: string; score: number }[]).map((r) => [r.item, r.score])).toEqual(wanted.map((r) => [r.item, r.score]));
    const printed: string[] = [];
    await exportRunCommand(withBundle, { workspace: root, recommend: true, history: [history[0], history[1]], k: '2' }, (s) => printed.push(s));
    expect(printed.join('\n')).toContain(`top 2 for a new user (history ${history.join(',')})`);
    // MF reads no user attributes; an unknown user gets told how to describe a new one.
    await expect(recommendCommand(out, undefined, { attr: ['age=31'] }, () => {})).rejects.toThrow(/This mf model reads no user attributes, so --attr cannot change its scores; describe the user with --history/);
    await expect(recommendCommand(out, 'nobody', {}, () => {})).rejects.toThrow(/Unknown user 'nobody': the bundle knows 40 users\. For a new user, leave the id out and describe them: --history ITEM,ITEM/);
    await expect(recommendCommand(out, ds.userIds[0], { history: [history[0]] }, () => {})).rejects.toThrow(/not both/);
    await expect(recommendCommand(out, undefined, {}, () => {})).rejects.toThrow(/Say who to recommend for/);
    await expect(recommendCommand(out, undefined, { attr: ['age'] }, () => {})).rejects.toThrow(/--attr takes key=value, got 'age'/);
    await expect(recommendCommand(out, undefined, { history: ['no-such-item'] }, () => {})).rejects.toThrow(/names item 'no-such-item', which is not in the bundle/);

    await expect(exportRunCommand(without, { workspace: root }, () => {})).rejects.toThrow(/has no model bundle: only neural models are bundled/);
    await expect(exportRunCommand(withBundle, { workspace: root, out }, () => {})).rejects.toThrow(/exists and is not empty/);
    await expect(exportRunCommand('ffffffff', { workspace: root }, () => {})).rejects.toThrow(/No run 'ffffffff'/);
  });
});
