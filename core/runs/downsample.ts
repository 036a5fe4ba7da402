import type { SeriesPoint } from './types';

/**
 * Reduces a series (in step order) to at most `maxPoints` points for a chart, without
 * hiding spikes: the first and last points are always kept, the points between are cut
 * into equal-count buckets, and each bucket keeps its minimum and its maximum (in their
 * original order). NaN never wins a min/max comparison; a bucket of only NaN keeps one
 * of its NaN points, so a diverged loss still shows. Series that fit are returned as
 * they are. SqliteRunStore.getMetricSeries does the same inside SQLite; the two may
 * differ only in which of several equal values, or of an all-NaN bucket's points, is kept.
 * Except for a whole ordered series of at least 16 points per bucket: the store reads it
 * from its blocks (series-blocks.ts), and its buckets then end on block edges.
 */
export function downsampleSeries(points: readonly SeriesPoint[], maxPoints: number): SeriesPoint[] {
  const n = points.length;
  if (n <= maxPoints) return points.slice();
  if (maxPoints < 2) throw new RangeError(`maxPoints must be at least 2, got ${maxPoints}`);
  const inner = n - 2;
  const buckets = Math.floor((maxPoints - 2) / 2);
  const out: SeriesPoint[] = [points[0]];
  for (let b = 0; b < buckets; b++) {
    // Inner point i (0-based) is in bucket floor(i * buckets / inner), the rule the SQL
    // version in SqliteRunStore.getMetricSeries uses too.
    const from = 1 + Math.ceil((b * inner) / buckets);
    const to = 1 + Math.ceil(((b + 1) * inner) / buckets);
    let lo = -1;
    let hi = -1;
    for (let i = from; i < to; i++) {
      const v = points[i].value;
      if (Number.isNaN(v)) continue;
      if (lo < 0 || v < points[lo].value) lo = i;
      if (hi < 0 || v > points[hi].value) hi = i;
    }
    if (lo < 0) out.push(points[from]);
    else if (lo === hi) out.push(points[lo]);
    else if (lo < hi) out.push(points[lo], points[hi]);
    else out.push(points[hi], points[lo]);
  }
  out.push(points[n - 1]);
  return out;
}
