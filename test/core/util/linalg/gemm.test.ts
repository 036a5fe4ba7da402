import { describe, expect, it } from 'vitest';
import { DenseWorkspace, Rng, type Band, type Precision } from '../../../../core/util';

/** The product the workspace should compute, in float64 over the same stored values. */
function reference(v: Float32Array | Float64Array, call: Parameters<DenseWorkspace['gemm']>[0], before: Float64Array, i: number, j: number): number {
  const inBand = (d: number, band?: Band) => !band || ((band.lo === undefined || d >= band.lo) && (band.hi === undefined || d <= band.hi));
  let s = 0;
  for (let p = 0; p < call.k; p++) {
    const a = inBand(p - i, call.aBand) ? v[call.a.at + i * call.a.rs + p * call.a.cs] : 0;
    const b = inBand(j - p, call.bBand) ? v[call.b.at + p * call.b.rs + j * call.b.cs] : 0;
    s += a * b;
  }
  const old = before[i * call.c.ld + j];
  return call.mode === 'set' ? s : call.mode === 'add' ? old + s : old - s;
}

describe('DenseWorkspace.gemm', () => {
  it('multiplies a hand-checked 2 x 16 by 16 x 16 product', () => {
    const ws = new DenseWorkspace('float32');
    const a = ws.alloc(2 * 3);
    const b = ws.alloc(3 * 16);
    const c = ws.alloc(2 * 16);
    const v = ws.view();
    v.set([1, 2, 3, 4, 5, 6], a); // A = [[1,2,3],[4,5,6]]
    for (let p = 0; p < 3; p++) for (let j = 0; j < 16; j++) v[b + p * 16 + j] = p === 0 ? 1 : p === 1 ? j : 0; // B rows: ones, 0..15, zeros
    ws.gemm({ m: 2, n: 16, k: 3, a: { at: a, rs: 3, cs: 1 }, b: { at: b, rs: 16, cs: 1 }, c: { at: c, ld: 16 }, mode: 'set' });
    // C[0][j] = 1 + 2j, C[1][j] = 4 + 5j
    for (let j = 0; j < 16; j++) {
      expect(v[c + j]).toBe(1 + 2 * j);
      expect(v[c + 16 + j]).toBe(4 + 5 * j);
    }
  });

  // Random shapes across the cache blocks (k > 256 spans two KC blocks, m > 128 two MC
  // blocks), both storage orders of each operand, bands, lower-only C and all three modes.
  // float32 products of k terms in [-1, 1] round to within about sqrt(k)·2^-24 of the exact
  // sum (random-walk accumulation), so 1e-4·(1 + sqrt(k)) leaves a wide margin while still
  // catching a single misplaced term (which is ~0.25 on average); float64 to 1e-12·(1 + k).
  it.each(['float32', 'float64'] as Precision[])('matches a plain triple loop on random %s products', (precision) => {
    const rng = new Rng(precision === 'float32' ? 1 : 2);
    for (let trial = 0; trial < 16; trial++) {
      const ws = new DenseWorkspace(precision);
      const { mr, nr } = ws.tile;
      const m = mr * (1 + Math.floor(rng.next() * 100));
      const n = nr * (1 + Math.floor(rng.next() * 20));
      const k = Math.floor(rng.next() * 600);
      const aT = rng.next() < 0.5;
      const bT = rng.next() < 0.5;
      const lda = (aT ? m : k) + 3;
      const ldb = (bT ? k : n) + 5;
      const ldc = n + 7;
      const A = ws.alloc(lda * (aT ? k : m));
      const B = ws.alloc(ldb * (bT ? n : k));
      const C = ws.alloc(ldc * m);
      const v = ws.view();
      for (let i = A; i < C + ldc * m; i++) v[i] = rng.next() * 2 - 1;
      const offset = () => Math.floor(rng.next() * 80) - 40;
      const band = (): Band | undefined => (rng.next() < 0.4 ? (rng.next() < 0.5 ? { hi: offset() } : { lo: offset() }) : undefined);
      const call = {
        m, n, k,
        a: aT ? { at: A, rs: 1, cs: lda } : { at: A, rs: lda, cs: 1 },
        b: bT ? { at: B, rs: 1, cs: ldb } : { at: B, rs: ldb, cs: 1 },
        c: { at: C, ld: ldc },
        mode: (['set', 'add', 'sub'] as const)[Math.floor(rng.next() * 3)],
        aBand: band(),
        bBand: band(),
        lowerFrom: rng.next() < 0.3 ? offset() : undefined,
      }; // prettier-ignore
      const before = Float64Array.from(v.subarray(C, C + ldc * m));
      ws.gemm(call);
      const tol = precision === 'float32' ? 1e-4 * (1 + Math.sqrt(k)) : 1e-12 * (1 + k);
      let worst = 0;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          const got = v[C + i * ldc + j];
          if (call.lowerFrom !== undefined && j - i > call.lowerFrom) {
            // Unwanted entries are either left alone or hold the product (tiles across the diagonal).
            if (got !== before[i * ldc + j]) worst = Math.max(worst, Math.abs(got - reference(v, call, before, i, j)));
            continue;
          }
          worst = Math.max(worst, Math.abs(got - reference(v, call, before, i, j)));
        }
      }
      expect(worst, JSON.stringify({ m, n, k, aT, bT, mode: call.mode, aBand: call.aBand, bBand: call.bBand, lowerFrom: call.lowerFrom })).toBeLessThan(tol);
    }
  });

  it('spans several column blocks of B (n beyond the L3 block)', () => {
    const ws = new DenseWorkspace('float32');
    const n = ws.blocking.nc + 2 * ws.tile.nr;
    const a = ws.alloc(2 * 3);
    const b = ws.alloc(3 * n);
    const c = ws.alloc(2 * n);
    const v = ws.view();
    v.set([1, -2, 0.5, 3, 1, -1], a);
    for (let p = 0; p < 3; p++) for (let j = 0; j < n; j++) v[b + p * n + j] = ((p + 1) * j) % 7;
    ws.gemm({ m: 2, n, k: 3, a: { at: a, rs: 3, cs: 1 }, b: { at: b, rs: n, cs: 1 }, c: { at: c, ld: n }, mode: 'set' });
    for (const j of [0, 5, ws.blocking.nc - 1, ws.blocking.nc, n - 1]) {
      const [b0, b1, b2] = [j % 7, (2 * j) % 7, (3 * j) % 7];
      expect(v[c + j]).toBe(b0 - 2 * b1 + 0.5 * b2);
      expect(v[c + n + j]).toBe(3 * b0 + b1 - b2);
    }
  });

  it('rejects shapes that are not whole tiles', () => {
    const ws = new DenseWorkspace('float32');
    expect(() => ws.gemm({ m: 3, n: 16, k: 1, a: { at: 0, rs: 1, cs: 1 }, b: { at: 0, rs: 1, cs: 1 }, c: { at: 0, ld: 16 }, mode: 'set' })).toThrow(/multiples of 2 and 16/);
  });
});
