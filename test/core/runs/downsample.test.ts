import { describe, expect, it } from 'vitest';
import { downsampleSeries, type SeriesPoint } from '../../../core/runs';

const series = (values: number[]): SeriesPoint[] => values.map((value, step) => ({ step, time: 1000 + step, value }));
const steps = (ps: SeriesPoint[]) => ps.map((p) => p.step);

describe('downsampleSeries', () => {
  const values = [5, 1, 9, 3, 7, 2, 8, 0, 6, 4];

  it('keeps first, last, and the min and max of each bucket in their order', () => {
    // Inner points 1..8 in two buckets: [1,9,3,7] -> min step 1, max step 2; [2,8,0,6] -> max step 6, min step 7.
    expect(steps(downsampleSeries(series(values), 6))).toEqual([0, 1, 2, 6, 7, 9]);
    // 7 allows no third bucket (a bucket costs two points).
    expect(steps(downsampleSeries(series(values), 7))).toEqual([0, 1, 2, 6, 7, 9]);
  });

  it('keeps only first and last when no bucket fits', () => {
    expect(steps(downsampleSeries(series(values), 3))).toEqual([0, 9]);
    expect(steps(downsampleSeries(series(values), 2))).toEqual([0, 9]);
  });

  it('returns a series that fits as it is, as a copy', () => {
    const s = series(values);
    const out = downsampleSeries(s, 10);
    expect(out).toEqual(s);
    expect(out).not.toBe(s);
  });

  it('keeps one point of a flat bucket', () => {
    expect(steps(downsampleSeries(series([1, 2, 2, 2, 2, 3]), 4))).toEqual([0, 1, 5]);
  });

  it('ignores NaN for min/max but keeps a NaN when a bucket has nothing else', () => {
    const out = downsampleSeries(series([0, NaN, 4, NaN, 1, NaN, NaN, NaN, NaN, 9]), 6);
    // Buckets: steps 1..4 (NaN, 4, NaN, 1) -> max 2, min 4; steps 5..8 all NaN -> step 5.
    expect(steps(out)).toEqual([0, 2, 4, 5, 9]);
    expect(out[3].value).toBeNaN();
  });

  it('treats infinities as ordinary extremes', () => {
    const out = downsampleSeries(series([0, 1, Infinity, 2, 3, -Infinity, 4, 5, 6, 7]), 6);
    // Buckets: steps 1..4 (1, Inf, 2, 3) -> min 1, max 2; steps 5..8 (-Inf, 4, 5, 6) -> min 5, max 8.
    expect(out.map((p) => p.value)).toEqual([0, 1, Infinity, -Infinity, 6, 7]);
  });

  it('refuses fewer than 2 points', () => {
    expect(() => downsampleSeries(series(values), 1)).toThrow(RangeError);
  });
});
