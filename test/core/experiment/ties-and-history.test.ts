import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, splitDataset, splitMatrices } from '../../../core/data';
import { createRunRecord, runExperiment, tiedUsersWarning } from '../../../core/experiment';
import { specFromText } from '../../../core/notebook';
import { openRunStore, type SqliteRunStore } from '../../../core/runs';

/*
 * The situation of a public ratings set under a global temporal split: many test users have
 * no training interaction. test/fixtures/csv/newcomers/ratings.csv: 30 long-standing users
 * rate 8 of 25 items at times spread over [0, 1000); 15 newcomers rate one item each late,
 * in [900, 1000).
 */
const fixtures = path.resolve(__dirname, '..', '..', 'fixtures', 'csv', 'newcomers');

describe('ties and users without history, end to end (runExperiment)', () => {
  let dir: string;
  let store: SqliteRunStore;
  const data = { source: 'csv', csv: { interactions: { path: 'ratings.csv', columns: { user: 'user', item: 'item', timestamp: 'time' } } } };
  const spec = (model: string, split: unknown, evaluate: Record<string, unknown> = {}) =>
    specFromText(JSON.stringify({ name: model, seed: 7, data, split, model: { type: model }, evaluate: { ks: [5, 10], ...evaluate } }), 'spec.json');
  const temporal = { kind: 'temporal', ratios: [0.8, 0.1, 0.1] };
  const run = (s: ReturnType<typeof spec>) => runExperiment(s, { store, runId: createRunRecord(store, s), baseDir: dir, artifactsRoot: path.join(dir, 'artifacts') });

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-ties-'));
    fs.copyFileSync(path.join(fixtures, 'ratings.csv'), path.join(dir, 'ratings.csv'));
    store = openRunStore(path.join(dir, 'runs.sqlite'));
  });
  afterAll(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Test users with a relevant item and no training interaction, counted from the split itself. */
  function noHistoryTestUsers(split: unknown): number {
    const s = spec('mostpop', split);
    const ds = loadDataset(s.data, dir);
    const m = splitMatrices(ds, splitDataset(ds, s.split, s.seed));
    let n = 0;
    for (let u = 0; u < m.test.nRows; u++) if (m.test.indptr[u + 1] > m.test.indptr[u] && m.train.indptr[u + 1] === m.train.indptr[u]) n++;
    return n;
  }

  it('counts the users EASE scores all alike, records the count and warns, naming the way out', async () => {
    const r = await run(spec('ease', temporal));
    const noHistory = noHistoryTestUsers(temporal);
    expect(noHistory).toBeGreaterThan(0.05 * r.metrics.users);
    // EASE gives a user without history the zero vector: those are exactly the tied ones (7 of 21 here).
    expect(r.segments['users:no-history']).toBeDefined();
    expect(r.metrics.tied_users).toBe(noHistory);
    expect(store.getRun(r.runId)!.finalMetrics.overall.tied_users).toBe(r.metrics.tied_users);
    expect(store.getRun(r.runId)!.finalMetrics['users:no-history'].users).toBe(noHistory);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toContain(`${r.metrics.tied_users} of ${r.metrics.users} evaluated users`);
    expect(r.warnings[0]).toContain('evaluate.fallback: "mostpop"');
    const written = JSON.parse(fs.readFileSync(path.join(r.artifactDir, 'metrics.json'), 'utf8'));
    expect(written.tied_users).toBe(r.metrics.tied_users);
    expect(written.warnings).toEqual(r.warnings);
  });

  it('with evaluate.fallback "mostpop", ranks them exactly as MostPop does, under its own fingerprint', async () => {
    const plain = await run(spec('ease', temporal));
    const withFallback = await run(spec('ease', temporal, { fallback: 'mostpop' }));
    const mostpop = await run(spec('mostpop', temporal));
    expect(withFallback.segments['users:no-history']).toEqual(mostpop.segments['users:no-history']);
    expect(withFallback.segments['users:no-history']['ndcg@10']).not.toBe(plain.segments['users:no-history']['ndcg@10']);
    expect(withFallback.metrics.tied_users).toBeLessThan(plain.metrics.tied_users);
    expect(withFallback.warnings).toEqual([]);
    expect(withFallback.protocol).toMatch(/fallback mostpop/);
    expect(withFallback.fingerprint).not.toBe(plain.fingerprint);
    // "none" is the default and the same protocol as leaving it out.
    const none = await run(spec('ease', temporal, { fallback: 'none' }));
    expect(none.fingerprint).toBe(plain.fingerprint);
    // The same seed gives the same tie order, hence the same numbers.
    const { fit_s: _a, ...again } = (await run(spec('ease', temporal))).metrics;
    const { fit_s: _b, ...first } = plain.metrics;
    expect(again).toEqual(first);
  });

  it.each([
    ['random', { kind: 'random', ratios: [0.8, 0.1, 0.1] }, false],
    ['leave-last-out', { kind: 'leave-last-out' }, false],
    ['temporal', temporal, true],
    ['cold-item', { kind: 'cold-item', holdout: 0.3 }, true],
    ['cold-user', { kind: 'cold-user', holdout: 0.2 }, true],
  ])('gives users without history their own segment under a %s split', async (_kind, split, expectSome) => {
    const r = await run(spec('mostpop', split));
    const expected = noHistoryTestUsers(split);
    if (expectSome) expect(expected).toBeGreaterThan(0);
    if (expected === 0) expect(r.segments['users:no-history']).toBeUndefined();
    else expect(store.getRun(r.runId)!.finalMetrics['users:no-history'].users).toBe(expected);
  });
});

describe('tiedUsersWarning', () => {
  it('warns above 5 % of evaluated users, not at 5 %', () => {
    expect(tiedUsersWarning({ tiedUsers: 5, nUsers: 100, segmentUsers: {} }, undefined)).toEqual([]);
    const [w] = tiedUsersWarning({ tiedUsers: 6, nUsers: 100, segmentUsers: { 'users:no-history': 4 } }, undefined);
    expect(w).toMatch(/^6 of 100 evaluated users \(6\.0 %\) got the same score for every item/);
    expect(w).toContain('4 evaluated users have no training interaction (segment users:no-history)');
    expect(w).toContain('evaluate.fallback: "mostpop"');
    expect(tiedUsersWarning({ tiedUsers: 0, nUsers: 0, segmentUsers: {} }, undefined)).toEqual([]);
    // With the fallback on, the advice is about the split or the model.
    expect(tiedUsersWarning({ tiedUsers: 50, nUsers: 100, segmentUsers: {} }, 'mostpop')[0]).toMatch(/look at the split/);
  });
});
