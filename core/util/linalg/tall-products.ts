import { TILE } from './gemm-code';
import { DenseWorkspace } from './gemm';
import { NotPositiveDefiniteError, choleskyInPlace, lowerInverse } from './small-blocks';

/*
 * Products of tall, thin row-major float64 matrices (rows x l, l up to a few hundred), as
 * the randomized SVD makes: each copies its operands into a workspace padded to whole
 * tiles (zero rows and columns change nothing), runs the SIMD gemm and copies out. The
 * copies are O(rows·l) against the O(rows·l²) of the product.
 */

const { mr: MR, nr: NR } = TILE.float64;
const up = (x: number, to: number) => Math.ceil(x / to) * to;

/** Row-major x (rows x cols) into the workspace with padded row length `ld`. */
function place(ws: DenseWorkspace, x: Float64Array, rows: number, cols: number, ld: number, at: number): void {
  const v = ws.view();
  for (let i = 0; i < rows; i++) v.set(x.subarray(i * cols, (i + 1) * cols), at + i * ld);
}

/** Xᵀ·Y (a x b) for row-major X (rows x a) and Y (rows x b). */
export function transposeTimes(x: Float64Array, y: Float64Array, rows: number, a: number, b: number): Float64Array {
  const ap = up(a, MR);
  const bp = up(b, NR);
  const ws = new DenseWorkspace('float64', rows * (ap + bp) + ap * bp + 64);
  const X = ws.alloc(rows * ap);
  const Y = ws.alloc(rows * bp);
  const C = ws.alloc(ap * bp);
  place(ws, x, rows, a, ap, X);
  place(ws, y, rows, b, bp, Y);
  ws.gemm({ m: ap, n: bp, k: rows, a: { at: X, rs: 1, cs: ap }, b: { at: Y, rs: bp, cs: 1 }, c: { at: C, ld: bp }, mode: 'set' });
  const v = ws.view();
  const out = new Float64Array(a * b);
  for (let i = 0; i < a; i++) out.set(v.subarray(C + i * bp, C + i * bp + b), i * b);
  return out;
}

/** X·M (rows x b) for row-major X (rows x a) and M (a x b). */
export function timesSmall(x: Float64Array, m: Float64Array, rows: number, a: number, b: number): Float64Array {
  const rp = up(rows, MR);
  const bp = up(b, NR);
  const ws = new DenseWorkspace('float64', rp * (a + bp) + a * bp + 64);
  const X = ws.alloc(rp * a);
  const M = ws.alloc(a * bp);
  const C = ws.alloc(rp * bp);
  place(ws, x, rows, a, a, X);
  place(ws, m, a, b, bp, M);
  ws.gemm({ m: rp, n: bp, k: a, a: { at: X, rs: a, cs: 1 }, b: { at: M, rs: bp, cs: 1 }, c: { at: C, ld: bp }, mode: 'set' });
  const v = ws.view();
  const out = new Float64Array(rows * b);
  for (let i = 0; i < rows; i++) out.set(v.subarray(C + i * bp, C + i * bp + b), i * b);
  return out;
}

/**
 * Orthonormal columns spanning those of row-major X (rows x l) by CholeskyQR: XᵀX = L Lᵀ,
 * Q = X L⁻ᵀ, two products of the SIMD gemm instead of l² column sweeps. Run twice
 * (CholeskyQR2) it is as orthogonal as Householder QR while κ(X) < ~1e6 (Yamamoto et al.
 * 2015). Returns undefined when a column is numerically dependent on earlier ones (its
 * residual below 1e-6 of its norm), where a Gram-Schmidt that can drop columns must take over.
 */
export function choleskyQr(x: Float64Array, rows: number, l: number): Float64Array | undefined {
  const g = transposeTimes(x, x, rows, l, l);
  const norms = Array.from({ length: l }, (_, j) => Math.sqrt(g[j * l + j]));
  try {
    choleskyInPlace(g, l);
  } catch (e) {
    if (e instanceof NotPositiveDefiniteError) return undefined;
    throw e;
  }
  for (let j = 0; j < l; j++) if (!(g[j * l + j] > 1e-6 * norms[j])) return undefined;
  const inv = lowerInverse(g, l);
  // X L⁻ᵀ: the right factor is (L⁻¹)ᵀ.
  const right = new Float64Array(l * l);
  for (let i = 0; i < l; i++) for (let j = 0; j <= i; j++) right[j * l + i] = inv[i * l + j];
  return timesSmall(x, right, rows, l, l);
}
