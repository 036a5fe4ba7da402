import { describe, expect, it } from 'vitest';
import { numericConfigSchema, numericTransformer, quantileSorted } from '../../../core/features/numeric';
import { fitInput, makeDataset, rowsOf, run } from './fixture';

function itemsWith(values: (number | null)[]) {
  return makeDataset({ nUsers: 1, nItems: values.length, interactions: [], itemAttributes: [{ name: 'x', kind: 'numeric', values }] });
}

const fit = (values: (number | null)[], config: Record<string, unknown>, fitEntities?: number[]) =>
  numericTransformer.fit(numericConfigSchema.parse({ column: 'x', ...config }), fitInput(itemsWith(values), 'item', { fitEntities }));

describe('numeric transformer', () => {
  it('standardises with the population std: [1,2,3] -> mean 2, std sqrt(2/3)', () => {
    const t = fit([1, 2, 3], { scale: 'standard' });
    expect(t.state().mean).toBe(2);
    expect(t.state().std).toBeCloseTo(Math.sqrt(2 / 3), 12);
    const z = 1 / Math.sqrt(2 / 3); // 1.2247...
    const out = run(t, rowsOf({ x: [1, 2, 3, null] }));
    expect(out[0][0]).toBeCloseTo(-z, 6);
    expect(out[1]).toEqual([0, 0]);
    expect(out[2][0]).toBeCloseTo(z, 6);
    // missing: 0 in the value column, 1 in the indicator
    expect(out[3]).toEqual([0, 1]);
    expect(t.names).toEqual(['x:standard', 'x:missing']);
  });

  it('ignores missing values when fitting and divides by 1 when the std is 0', () => {
    const t = fit([5, null, 5, NaN], { scale: 'standard' });
    expect(t.state()).toMatchObject({ count: 2, mean: 5, std: 0 });
    expect(run(t, rowsOf({ x: [7] }))[0][0]).toBe(2);
  });

  it('min-max scales without clipping values outside the training range', () => {
    const t = fit([1, 2, 3], { scale: 'minmax' });
    expect(run(t, rowsOf({ x: [1, 2, 3, 5, '2'] })).map((r) => r[0])).toEqual([0, 0.5, 1, 2, 0.5]);
  });

  it('log1p keeps the sign: 0 -> 0, e-1 -> 1, -(e-1) -> -1', () => {
    const t = fit([1], { scale: 'log1p', missingIndicator: false });
    expect(t.dim).toBe(1);
    const out = run(t, rowsOf({ x: [0, Math.E - 1, -(Math.E - 1)] })).map((r) => r[0]);
    expect(out[0]).toBe(0);
    expect(out[1]).toBeCloseTo(1, 6);
    expect(out[2]).toBeCloseTo(-1, 6);
  });

  it('quantile matches numpy linear interpolation (np.percentile([1,2,3,4],25) = 1.75)', () => {
    expect(quantileSorted(Float64Array.from([1, 2, 3, 4]), 0.25)).toBe(1.75);
    expect(quantileSorted(Float64Array.from([1, 2, 3, 4]), 0.5)).toBe(2.5);
  });

  it('bucketizes into quantile buckets: 1..10 in 5 buckets has edges 2.8, 4.6, 6.4, 8.2', () => {
    const t = fit([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { scale: 'bucketize', buckets: 5 });
    const edges = t.state().edges!;
    [2.8, 4.6, 6.4, 8.2].forEach((e, j) => expect(edges[j]).toBeCloseTo(e, 12));
    expect(t.dim).toBe(6);
    const out = run(t, rowsOf({ x: [1, 2.8, 5, 10, 100, null] }));
    expect(out.map((r) => r.indexOf(1))).toEqual([0, 1, 2, 4, 4, 5]);
    expect(out.every((r) => r.reduce((s, v) => s + v, 0) === 1)).toBe(true);
  });

  it('merges tied bucket edges: [1,1,1,1,2] in 4 buckets has the single edge 1', () => {
    const t = fit([1, 1, 1, 1, 2], { scale: 'bucketize', buckets: 4 });
    expect(t.state().edges).toEqual([1]);
    expect(run(t, rowsOf({ x: [0.5, 1, 2] })).map((r) => r.indexOf(1))).toEqual([0, 1, 1]);
  });

  it('fits only on the given entities', () => {
    const t = fit([1, 2, 3, 1000], { scale: 'minmax' }, [0, 1, 2]);
    expect(t.state()).toMatchObject({ min: 1, max: 3, mean: 2, count: 3 });
  });

  it('rebuilds from its state', () => {
    const t = fit([1, 2, 3], { scale: 'standard' });
    const back = numericTransformer.fromState(JSON.parse(JSON.stringify(t.config)), JSON.parse(JSON.stringify(t.state())));
    expect(run(back, rowsOf({ x: [1.5, null] }))).toEqual(run(t, rowsOf({ x: [1.5, null] })));
  });

  it('refuses a column of the wrong kind, naming it', () => {
    const ds = makeDataset({ nUsers: 1, nItems: 1, interactions: [], itemAttributes: [{ name: 'title', kind: 'text', values: ['a'] }] });
    expect(() => numericTransformer.fit(numericConfigSchema.parse({ column: 'title' }), fitInput(ds, 'item'))).toThrow(/'title'.*text/);
    expect(() => numericTransformer.fit(numericConfigSchema.parse({ column: 'nope' }), fitInput(ds, 'item'))).toThrow(/no item attribute 'nope'.*title \(text\)/);
  });
});
