import { TILE, type Precision } from './gemm-code';
import { DenseWorkspace } from './gemm';
import { choleskyInPlace, lowerInverse } from './small-blocks';
import { mirrorLower } from './symmetric';

/** Options of `inverseSpd`. */
export interface SpdInverseOptions {
  /** Added to the diagonal first: the result is (a + shift·I)⁻¹. */
  shift?: number;
  /**
   * Arithmetic of the products (the diagonal blocks are always factored in float64).
   * float32 runs twice as fast and is accurate to ~1e-6 relative on well-conditioned
   * matrices (such as a Gram matrix plus a ridge); float64 for ill-conditioned ones.
   */
  precision?: Precision;
  /** Called after each block step with the fraction of the work done, increasing to 1. */
  onProgress?: (fraction: number) => void;
  /** Rows per block step (a multiple of 16); by default chosen from n. */
  blockSize?: number;
}

/**
 * The inverse of a symmetric positive definite matrix `a` (row-major n x n; only its lower
 * triangle is read), plus `shift` on the diagonal, as a full symmetric row-major matrix.
 * Throws NotPositiveDefiniteError when a Cholesky pivot is ≤ 0.
 *
 * Cost n³ flops (LAPACK's potrf + potri; an LU-based inverse such as numpy.linalg.inv
 * takes 2n³), almost all of it in the SIMD products of gemm.ts.
 */
export function inverseSpd(a: Float32Array | Float64Array, n: number, options?: SpdInverseOptions & { precision?: 'float32' }): Float32Array;
export function inverseSpd(a: Float32Array | Float64Array, n: number, options: SpdInverseOptions & { precision: 'float64' }): Float64Array;
export function inverseSpd(a: Float32Array | Float64Array, n: number, options: SpdInverseOptions = {}): Float32Array | Float64Array {
  const steps = inverseSpdSteps(a, n, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    options.onProgress?.(step.value);
  }
}

/**
 * `inverseSpd` one block step at a time: yields the fraction done after each step and
 * returns the inverse, so that a caller can report progress, yield to an event loop or
 * stop between steps.
 */
export function* inverseSpdSteps(a: Float32Array | Float64Array, n: number, options: SpdInverseOptions = {}): Generator<number, Float32Array | Float64Array> {
  if (a.length < n * n) throw new RangeError(`inverseSpd: ${a.length} values for a ${n} x ${n} matrix`);
  const precision = options.precision ?? 'float32';
  const shift = options.shift ?? 0;
  // Padding to a multiple of 16 rows (the tile sizes divide it) with an identity block
  // keeps every product whole-tile; the inverse of diag(A, I) is diag(A⁻¹, I).
  const np = Math.ceil(n / 16) * 16;
  const nb = options.blockSize ?? defaultBlockSize(np, precision);
  if (nb <= 0 || nb % 16 !== 0) throw new RangeError(`inverseSpd: block size ${nb} must be a positive multiple of 16`);
  // A leading dimension of a multiple of 4 KiB would map a column of tiles onto the same cache sets.
  const ld = (np * TILE[precision].es) % 4096 === 0 ? np + 16 : np;
  const ws = new DenseWorkspace(precision, np * ld + 2 * np * nb + 64);
  const S = ws.alloc(np * ld);
  const T = ws.alloc(np * nb);
  const U = ws.alloc(np * nb);
  let v = ws.view();
  for (let i = 0; i < n; i++) {
    v.set(a.subarray(i * n, i * n + i + 1), S + i * ld);
    v[S + i * ld + i] += shift;
  }
  for (let i = n; i < np; i++) v[S + i * ld + i] = 1;

  const work = stepWork(np, nb);
  let done = 0;
  // Sweep 1: Cholesky A = L Lᵀ (right-looking) fused with M = L⁻¹ by right-looking forward
  // substitution of L M = I. At step K, with W = L_KK⁻¹ and T = L[>K, K]:
  //   S[K,K] = W;  T = A[>K,K] Wᵀ;  A[>K,>K] -= T Tᵀ;
  //   M[K,:k0] = W R[K,:k0];  R[>K,:k1] -= T M[K,:k1]
  // where R (the right-hand side I - Σ L M, kept in the consumed columns of L) ends as M.
  for (let k0 = 0; k0 < np; k0 += nb) {
    const b = Math.min(nb, np - k0);
    const k1 = k0 + b;
    const r = np - k1;
    v = ws.view();
    const d = new Float64Array(b * b);
    for (let i = 0; i < b; i++) for (let j = 0; j <= i; j++) d[i * b + j] = v[S + (k0 + i) * ld + k0 + j];
    choleskyInPlace(d, b, k0);
    const w = lowerInverse(d, b);
    for (let i = 0; i < b; i++) v.set(w.subarray(i * b, (i + 1) * b), S + (k0 + i) * ld + k0);
    const diag = S + k0 * ld + k0;
    if (r > 0) {
      ws.gemm({ m: r, n: b, k: b, a: { at: S + k1 * ld + k0, rs: ld, cs: 1 }, b: { at: diag, rs: 1, cs: ld }, bBand: { lo: 0 }, c: { at: T, ld: b }, mode: 'set' });
      ws.gemm({ m: r, n: r, k: b, a: { at: T, rs: b, cs: 1 }, b: { at: T, rs: 1, cs: b }, c: { at: S + k1 * ld + k1, ld }, mode: 'sub', lowerFrom: 0 });
    }
    if (k0 > 0) {
      ws.gemm({ m: b, n: k0, k: b, a: { at: diag, rs: ld, cs: 1 }, aBand: { hi: 0 }, b: { at: S + k0 * ld, rs: ld, cs: 1 }, c: { at: U, ld: k0 }, mode: 'set' });
      v = ws.view();
      for (let i = 0; i < b; i++) v.copyWithin(S + (k0 + i) * ld, U + i * k0, U + (i + 1) * k0);
    }
    if (r > 0) {
      v = ws.view();
      for (let i = k1; i < np; i++) v.fill(0, S + i * ld + k0, S + i * ld + k1);
      ws.gemm({ m: r, n: k1, k: b, a: { at: T, rs: b, cs: 1 }, b: { at: S + k0 * ld, rs: ld, cs: 1 }, bBand: { hi: k0 }, c: { at: S + k1 * ld, ld }, mode: 'sub' });
    }
    done += work.sweep1(k0, b);
    yield done / work.total;
  }
  // Sweep 2: P = Mᵀ M = Σ_K M[K,:]ᵀ M[K,:], accumulated into the lower triangle as each row
  // block of M is consumed (moved to U first, as its rows receive their own P).
  for (let k0 = 0; k0 < np; k0 += nb) {
    const b = Math.min(nb, np - k0);
    const k1 = k0 + b;
    v = ws.view();
    for (let i = 0; i < b; i++) {
      const row = S + (k0 + i) * ld;
      v.copyWithin(U + i * k1, row, row + k1);
      v.fill(0, row, row + k1);
    }
    ws.gemm({ m: k1, n: k1, k: b, a: { at: U, rs: 1, cs: k1 }, aBand: { lo: -k0 }, b: { at: U, rs: k1, cs: 1 }, bBand: { hi: k0 }, c: { at: S, ld }, mode: 'add', lowerFrom: 0 });
    done += work.sweep2(k0, b);
    yield Math.min(1, done / work.total);
  }

  v = ws.view();
  const out = precision === 'float32' ? new Float32Array(n * n) : new Float64Array(n * n);
  for (let i = 0; i < n; i++) out.set(v.subarray(S + i * ld, S + i * ld + i + 1), i * n);
  mirrorLower(out, n);
  return out;
}

/*
 * Block rows per step. Larger blocks make longer products (k = nb) but cost n·nb²/3 in the
 * float64 diagonal blocks and ~1.5·n²·nb in the triangular products. Measured in CPU time
 * (2 shared cores, so within ~15 %): 64 to 192 alike at n = 1682 and 4000, 256 a little
 * slower at 1682; at 10,000, 256 took 41.8 s and 128 43.8 s.
 */
function defaultBlockSize(np: number, _precision: Precision): number {
  return np <= 4096 ? 128 : 256;
}

/** Multiply-adds of each step (for progress), and their total. */
function stepWork(np: number, nb: number) {
  const sweep1 = (k0: number, b: number) => {
    const k1 = k0 + b;
    const r = np - k1;
    return (r * r * b) / 2 + r * k1 * b + (r * b * b) / 2 + (b * b * k0) / 2 + b * b * b;
  };
  const sweep2 = (k0: number, b: number) => ((k0 + b) * (k0 + b) * b) / 2;
  let total = 0;
  for (let k0 = 0; k0 < np; k0 += nb) total += sweep1(k0, Math.min(nb, np - k0)) + sweep2(k0, Math.min(nb, np - k0));
  return { sweep1, sweep2, total };
}
