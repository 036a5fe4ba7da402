import { describe, expect, it } from 'vitest';
import { pca2d, umap2d } from '../../../core/export';

describe('2-D projections of item vectors', () => {
  it('PCA: a hand-computed case, centred, with the variance share of each axis', () => {
    // Rows a*u + b*v + offset, with u = (1, 1, 0)/sqrt(2), v = (0, 0, 1): a in {2, -2, 0, 0}, b in {0, 0, 1, -1}.
    // Variance along u is 8/3, along v 2/3, none elsewhere: the projection is (a, b), shares 0.8 and 0.2.
    const s = Math.SQRT1_2;
    const offset = [5, -3, 1];
    const rows = [
      [2, 0],
      [-2, 0],
      [0, 1],
      [0, -1],
    ].map(([a, b]) => [a * s + offset[0], a * s + offset[1], b + offset[2]]);
    const p = pca2d(Float64Array.from(rows.flat()), 4, 3);
    [2, -2, 0, 0].forEach((v, r) => expect(p.x[r]).toBeCloseTo(v, 10));
    [0, 0, 1, -1].forEach((v, r) => expect(p.y[r]).toBeCloseTo(v, 10));
    expect(p.explained[0]).toBeCloseTo(0.8, 10);
    expect(p.explained[1]).toBeCloseTo(0.2, 10);
    expect(Array.from(p.components[0]).map((v) => Number(v.toFixed(10)))).toEqual([Number(s.toFixed(10)), Number(s.toFixed(10)), 0]);
  });

  it('PCA: the sign of each axis is fixed, so negated vectors give the same picture', () => {
    const values = Float64Array.from([1, 2, 3, 4, 2, 1, 0, 5, 9, 3, 3, 3]);
    const p = pca2d(values, 4, 3);
    const q = pca2d(Float64Array.from(values, (v) => -v), 4, 3);
    // Negating every vector negates each centred row; the fixed-sign directions flip with it, so the picture is negated, not mirrored at random.
    p.x.forEach((v, r) => expect(q.x[r]).toBeCloseTo(-v, 10));
    expect(pca2d(Float64Array.from([1, 2, 3]), 3, 1).y).toEqual(new Float64Array(3));
    expect(() => pca2d(new Float64Array(5), 2, 3)).toThrow(/5 values are not 2 rows x 3 columns/);
  });

  it('UMAP: the same seed gives the same layout; neighbours stay together', async () => {
    // Two tight clusters far apart.
    const values: number[] = [];
    for (let r = 0; r < 30; r++) values.push(r < 15 ? 0 : 10, (r % 5) * 0.01, (r % 3) * 0.01);
    const a = await umap2d(Float64Array.from(values), 30, 3, { seed: 4, nNeighbors: 5 });
    const b = await umap2d(Float64Array.from(values), 30, 3, { seed: 4, nNeighbors: 5 });
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    const centre = (lo: number, hi: number) => [a.x.slice(lo, hi).reduce((s, v) => s + v, 0) / (hi - lo), a.y.slice(lo, hi).reduce((s, v) => s + v, 0) / (hi - lo)];
    const spread = (lo: number, hi: number) => {
      const [cx, cy] = centre(lo, hi);
      return Math.max(...Array.from({ length: hi - lo }, (_, k) => Math.hypot(a.x[lo + k] - cx, a.y[lo + k] - cy)));
    };
    const [ax, ay] = centre(0, 15);
    const [bx, by] = centre(15, 30);
    expect(Math.hypot(ax - bx, ay - by)).toBeGreaterThan(2 * Math.max(spread(0, 15), spread(15, 30)));
  });
});
