import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isRunStoreError, openRunStore, type SqliteRunStore } from '../../../core/runs';

describe('filtering runs by a query, in SQL', () => {
  let dir: string;
  let store: SqliteRunStore;
  const ids: Record<string, string> = {};

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-query-'));
    store = openRunStore(path.join(dir, 'runs.sqlite'));
    const add = (name: string, experiment: string, type: string, dim: number | undefined, ndcg: number | undefined, cold: number | undefined, tags: Record<string, string>, status: 'FINISHED' | 'FAILED' | 'RUNNING') => {
      const params: Record<string, string | number> = { 'model.type': type };
      if (dim !== undefined) params['model.dim'] = dim;
      const run = store.createRun({ name, experiment, spec: { model: { type }, data: { source: 'sample' } }, params, tags });
      if (ndcg !== undefined) store.logFinalMetrics(run.id, { overall: { 'ndcg@10': ndcg }, ...(cold !== undefined ? { 'items:cold': { 'ndcg@10': cold } } : {}) });
      if (status !== 'RUNNING') store.finishRun(run.id, status);
      ids[name] = run.id;
    };
    add('hybrid-gate', 'hybrids', 'hybrid', 32, 0.34, 0.29, { stage: 'tuned' }, 'FINISHED');
    add('hybrid-small', 'hybrids', 'hybrid', 8, 0.25, 0.27, { stage: 'draft' }, 'FINISHED');
    add('ease', 'baselines', 'ease', undefined, 0.33, undefined, {}, 'FINISHED');
    add('mostpop', 'baselines', 'mostpop', undefined, 0.15, undefined, { stage: 'tuned' }, 'FINISHED');
    add('broken', 'hybrids', 'hybrid', 16, undefined, undefined, {}, 'FAILED');
    add('live', 'hybrids', 'mf', 64, undefined, undefined, {}, 'RUNNING');
    // A running run has no final metric yet: its series' latest value stands in.
    store.logMetrics(ids.live, [{ key: 'ndcg@10', value: 0.31, step: 1 }]);
  });
  afterAll(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const names = (query: string) => store.listRunSummaries({ query, orderBy: { field: 'name' }, limit: 100 }).runs.map((r) => r.name);

  it("combines metrics, params, tags and attributes with and/or/not and parentheses, as MLflow's search would and more", () => {
    expect(names('metrics.ndcg@10 > 0.3 and params.model.type = "hybrid" and tags.stage = "tuned" and status = "FINISHED"')).toEqual(['hybrid-gate']);
    expect(names('metrics.ndcg@10 > 0.3')).toEqual(['ease', 'hybrid-gate', 'live']);
    expect(names('(model = "ease" or tags.stage = "draft") and status = "FINISHED"')).toEqual(['ease', 'hybrid-small']);
    expect(names('not model in ("hybrid", "mf")')).toEqual(['ease', 'mostpop']);
    expect(names('metrics[items:cold].ndcg@10 >= 0.28')).toEqual(['hybrid-gate']);
    expect(names('experiment = "baselines"')).toEqual(['ease', 'mostpop']);
    expect(names('name like "hybrid%"')).toEqual(['hybrid-gate', 'hybrid-small']);
    expect(names('name like "HYBRID%"')).toEqual([]);
    expect(names('name ilike "HYBRID%"')).toEqual(['hybrid-gate', 'hybrid-small']);
  });

  it('compares numeric params by value and treats a missing field as no match; is null finds absence', () => {
    // As text, '8' > '16' and '64' < '8'; by value they are not.
    expect(names('params.model.dim > 10')).toEqual(['broken', 'hybrid-gate', 'live']);
    expect(names('params.model.dim != 32')).toEqual(['broken', 'hybrid-small', 'live']);
    expect(names('params.model.dim is null')).toEqual(['ease', 'mostpop']);
    expect(names('not params.model.dim > 10')).toEqual(['ease', 'hybrid-small', 'mostpop']);
    expect(names('tags.stage is not null and not tags.stage = "tuned"')).toEqual(['hybrid-small']);
  });

  it('counts the total of a filtered page and keeps the trash out unless asked', () => {
    expect(store.listRunSummaries({ query: 'model = "hybrid"', limit: 1 }).total).toBe(3);
    store.moveToTrash([ids.broken]);
    expect(names('model = "hybrid"')).toEqual(['hybrid-gate', 'hybrid-small']);
    expect(store.listRunSummaries({ trashed: true }).runs.map((r) => r.name)).toEqual(['broken']);
    expect(store.getRun(ids.broken)!.deletedAt).toBeGreaterThan(0);
    store.restoreFromTrash([ids.broken]);
    expect(names('model = "hybrid"')).toEqual(['broken', 'hybrid-gate', 'hybrid-small']);
    expect(() => store.moveToTrash([ids.live])).toThrow(/still running/);
  });

  it('answers a query that does not parse with QUERY and its position', () => {
    try {
      store.listRunSummaries({ query: 'metrics.ndcg@10 >> 1' });
      throw new Error('no error');
    } catch (e) {
      expect(isRunStoreError(e)).toBe(true);
      expect((e as { code: string }).code).toBe('QUERY');
      expect((e as { details: { position: number } }).details.position).toBe(17);
    }
    expect(() => store.listRunSummaries({ query: 'metrics.ndcg@10 > "high"' })).toThrow(/metrics and durations are numbers/);
  });
});
