import { describe, expect, it } from 'vitest';
import { compareResource, compareRunIds, ema, flatten, metricFamilies, metricKs, paramRows, protocolFields, protocolWarning, runLabels, stepRange, xOf } from '../../../../app/renderer/compare/compare-data';
import { tableCsv } from '../../../../app/renderer/charts/csv';

const pt = (step: number, time: number, value: number, epoch?: number) => ({ step, time, value, epoch });

describe('compare resource', () => {
  it('round-trips run ids, dropping repeats and empty parts', () => {
    expect(compareResource(['a1b2', 'c3d4', 'a1b2'])).toBe('reclab:compare/a1b2,c3d4');
    expect(compareRunIds('reclab:compare/a1b2,,c3d4,a1b2')).toEqual(['a1b2', 'c3d4']);
    expect(compareRunIds('reclab:runs')).toEqual([]);
  });
});

describe('xOf', () => {
  const p = pt(7, 5_000, 1, 2);
  it('gives the step, the epoch (else the step), the time, or seconds since the first point', () => {
    expect(xOf(p, 'step', 1000)).toBe(7);
    expect(xOf(p, 'epoch', 1000)).toBe(2);
    expect(xOf(pt(7, 5_000, 1), 'epoch', 1000)).toBe(7);
    expect(xOf(p, 'wall', 1000)).toBe(5000);
    expect(xOf(p, 'relative', 1000)).toBe(4);
  });
});

describe('ema', () => {
  it('is the raw curve at weight 0', () => {
    expect(ema([1, 5, 2], 0)).toEqual([1, 5, 2]);
  });
  it('debiases as TensorBoard does: s1 = v1, s2 = (0.5*0.5*v1 + 0.5*v2) / 0.75', () => {
    const s = ema([1, 3], 0.5);
    expect(s[0]).toBeCloseTo(1, 12);
    // last = 0.5*(0.5*1) + 0.5*3 = 1.75; debiased by 1 - 0.25 = 0.75.
    expect(s[1]).toBeCloseTo(1.75 / 0.75, 12);
  });
  it('lets NaN through without poisoning what follows', () => {
    const s = ema([2, NaN, 2], 0.9);
    expect(s[0]).toBeCloseTo(2, 12);
    expect(s[1]).toBeNaN();
    expect(s[2]).toBeCloseTo(2, 12);
  });
});

describe('stepRange', () => {
  const pts = [pt(0, 0, 1, 0), pt(100, 10_000, 1, 1), pt(200, 20_000, 1, 2), pt(300, 30_000, 1, 3)];
  it('rounds a step range outwards', () => {
    expect(stepRange(pts, 'step', 10.4, 99.2)).toEqual([10, 100]);
  });
  it('maps an epoch or time range to steps, one drawn point wider each side', () => {
    expect(stepRange(pts, 'epoch', 0.9, 2.1)).toEqual([0, 300]);
    expect(stepRange(pts, 'relative', 15, 25)).toEqual([100, 300]);
    expect(stepRange(pts, 'wall', 10_000, 10_000)).toEqual([0, 200]);
  });
  it('gives the two points around a range between drawn points, and nothing outside the run', () => {
    expect(stepRange(pts, 'relative', 12, 18)).toEqual([100, 200]);
    expect(stepRange(pts, 'relative', 40, 50)).toBeUndefined();
    expect(stepRange([], 'epoch', 0, 1)).toBeUndefined();
  });
});

describe('paramRows', () => {
  it('lists every param, marking those that differ (a missing one differs)', () => {
    const rows = paramRows([{ params: { lr: '0.1', dim: '32', only: 'x' } }, { params: { lr: '0.1', dim: '64' } }]);
    expect(rows).toEqual([
      { key: 'dim', values: ['32', '64'], differs: true },
      { key: 'lr', values: ['0.1', '0.1'], differs: false },
      { key: 'only', values: ['x', undefined], differs: true },
    ]);
  });
});

describe('protocol warning', () => {
  const run = (id: string, fingerprint: string | undefined, seed: number, split: unknown = { kind: 'random', ratios: [0.8, 0.1, 0.1] }) => ({
    id,
    name: `run-${id}`,
    fingerprint,
    seed,
    spec: { data: { source: 'sample' }, split, evaluate: { ks: [10], metric: 'ndcg@10', segments: true, candidates: 'all' }, model: { type: 'ease' } },
  });

  it('is absent when every fingerprinted run has the same fingerprint', () => {
    expect(protocolWarning([run('a', 'f1', 42), run('b', 'f1', 42), run('c', undefined, 1)])).toBeUndefined();
  });

  it('names the runs of each protocol, largest group first, and the fields that differ', () => {
    const w = protocolWarning([run('a', 'f2', 7), run('b', 'f1', 42), run('c', 'f1', 42, { kind: 'random', ratios: [0.8, 0.1, 0.1] })]);
    expect(w?.groups).toEqual([
      { fingerprint: 'f1', runs: [{ id: 'b', name: 'run-b' }, { id: 'c', name: 'run-c' }] },
      { fingerprint: 'f2', runs: [{ id: 'a', name: 'run-a' }] },
    ]);
    expect(w?.differences).toEqual([{ field: 'seed', values: ['42', '7'] }]);
  });

  it('reports a split of another kind, and not the tuning metric, which changes no result', () => {
    const a = run('a', 'f1', 42);
    const b = { ...run('b', 'f2', 42, { kind: 'cold-item', holdout: 0.2 }), spec: { ...run('b', 'f2', 42, { kind: 'cold-item', holdout: 0.2 }).spec, evaluate: { ks: [10], metric: 'recall@10', candidates: 'all' } } };
    expect(protocolWarning([a, b])?.differences).toEqual([
      { field: 'split.holdout', values: ['(none)', '0.2'] },
      { field: 'split.kind', values: ['random', 'cold-item'] },
      { field: 'split.ratios', values: ['[0.8,0.1,0.1]', '(none)'] },
    ]);
    expect(Object.keys(protocolFields(a)).sort()).toEqual(['data.source', 'evaluate.candidates', 'evaluate.ks', 'seed', 'split.kind', 'split.ratios']);
  });
});

describe('final metric helpers', () => {
  const runs = [{ finalMetrics: { overall: { 'ndcg@10': 0.3, 'ndcg@5': 0.2, 'recall@20': 0.5, coverage: 0.4 }, 'items:cold': { 'ndcg@20': 0.1 } } }];
  it('finds the families and their Ks in a segment', () => {
    expect(metricFamilies(runs)).toEqual(['coverage', 'ndcg', 'recall']);
    expect(metricKs(runs, 'overall', 'ndcg')).toEqual([5, 10]);
    expect(metricKs(runs, 'items:cold', 'ndcg')).toEqual([20]);
    expect(metricKs(runs, 'items:warm', 'ndcg')).toEqual([]);
  });
});

describe('runLabels, flatten, CSV', () => {
  it('adds the id to names that repeat', () => {
    expect(runLabels([{ id: 'aaaaaa11', name: 'x' }, { id: 'bbbbbb22', name: 'x' }, { id: 'cc', name: 'y' }])).toEqual(['x (aaaaaa)', 'x (bbbbbb)', 'y']);
  });
  it('flattens nested objects, keeping arrays whole', () => {
    expect(flatten({ a: { b: 1, c: [1, 2] }, d: 'x', e: undefined })).toEqual({ 'a.b': '1', 'a.c': '[1,2]', d: 'x' });
  });
  it('quotes CSV fields that need it', () => {
    expect(tableCsv({ header: ['a', 'b'], rows: [['x,y', 'say "hi"'], [1, undefined]] })).toBe('a,b\n"x,y","say ""hi"""\n1,\n');
  });
});
