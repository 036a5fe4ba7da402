import { Matrix, QrDecomposition, SingularValueDecomposition } from 'ml-matrix';
import type { CsrMatrix } from '../data';
import type { Rng } from '../util';

/** Thin factors of a rank-k approximation A ≈ U·diag(s)·Vᵀ, row-major. */
export interface TruncatedSvd {
  k: number;
  /** nRows x k, orthonormal columns. */
  u: Float64Array;
  /** k singular values, descending. */
  s: Float64Array;
  /** nCols x k, orthonormal columns. */
  v: Float64Array;
}

/** Y = A·X for sparse A (m x n) and dense row-major X (n x l). */
function sparseTimesDense(a: CsrMatrix, x: Float64Array, l: number): Float64Array {
  const y = new Float64Array(a.nRows * l);
  for (let i = 0; i < a.nRows; i++) {
    const yi = i * l;
    for (let p = a.indptr[i]; p < a.indptr[i + 1]; p++) {
      const w = a.values[p];
      const xj = a.indices[p] * l;
      for (let c = 0; c < l; c++) y[yi + c] += w * x[xj + c];
    }
  }
  return y;
}

/** Z = Aᵀ·Y for sparse A (m x n) and dense row-major Y (m x l). */
function sparseTransposeTimesDense(a: CsrMatrix, y: Float64Array, l: number): Float64Array {
  const z = new Float64Array(a.nCols * l);
  for (let i = 0; i < a.nRows; i++) {
    const yi = i * l;
    for (let p = a.indptr[i]; p < a.indptr[i + 1]; p++) {
      const w = a.values[p];
      const zj = a.indices[p] * l;
      for (let c = 0; c < l; c++) z[zj + c] += w * y[yi + c];
    }
  }
  return z;
}

function toMatrix(x: Float64Array, rows: number, cols: number): Matrix {
  const m = new Matrix(rows, cols);
  for (let i = 0; i < rows; i++) for (let c = 0; c < cols; c++) m.set(i, c, x[i * cols + c]);
  return m;
}

function fromMatrix(m: Matrix, cols: number): Float64Array {
  const out = new Float64Array(m.rows * cols);
  for (let i = 0; i < m.rows; i++) for (let c = 0; c < cols; c++) out[i * cols + c] = m.get(i, c);
  return out;
}

/** Orthonormal basis of the columns of row-major X (rows x l), rows >= l. */
function orthonormalize(x: Float64Array, rows: number, l: number): Float64Array {
  return fromMatrix(new QrDecomposition(toMatrix(x, rows, l)).orthogonalMatrix, l);
}

/**
 * Randomized truncated SVD of a sparse matrix (Halko, Martinsson & Tropp 2011, as in
 * scikit-learn's `randomized_svd`): a Gaussian sketch of width k + oversample, a few power
 * iterations with QR re-orthonormalisation, then an exact SVD of the small projected
 * matrix with ml-matrix. Signs are fixed so the largest-magnitude entry of each column of U
 * is positive (scikit-learn's `svd_flip`), so equal inputs and seeds give equal factors.
 * `k` is capped at min(nRows, nCols); the returned `k` says how many components there are.
 */
export function randomizedSvd(a: CsrMatrix, k: number, options: { oversample: number; powerIterations: number; rng: Rng }): TruncatedSvd {
  const { nRows: m, nCols: n } = a;
  const rank = Math.min(k, m, n);
  if (rank === 0) return { k: 0, u: new Float64Array(0), s: new Float64Array(0), v: new Float64Array(0) };
  const l = Math.min(rank + options.oversample, m, n);
  const omega = new Float64Array(n * l);
  for (let i = 0; i < omega.length; i++) omega[i] = options.rng.normal();
  let y = sparseTimesDense(a, omega, l);
  for (let it = 0; it < options.powerIterations; it++) {
    const q = orthonormalize(y, m, l);
    const z = orthonormalize(sparseTransposeTimesDense(a, q, l), n, l);
    y = sparseTimesDense(a, z, l);
  }
  const q = orthonormalize(y, m, l);
  // Bᵀ = Aᵀ·Q is n x l with n >= l; its SVD Bᵀ = Ub·S·Vbᵀ gives A ≈ (Q·Vb)·S·Ubᵀ.
  const bt = toMatrix(sparseTransposeTimesDense(a, q, l), n, l);
  const svd = new SingularValueDecomposition(bt, { computeLeftSingularVectors: true, computeRightSingularVectors: true });
  const ub = svd.leftSingularVectors;
  const vb = svd.rightSingularVectors;
  const order = svd.diagonal.map((s, j) => [s, j] as const).sort((p, r) => r[0] - p[0]);
  const u = new Float64Array(m * rank);
  const v = new Float64Array(n * rank);
  const s = new Float64Array(rank);
  for (let c = 0; c < rank; c++) {
    const j = order[c][1];
    s[c] = order[c][0];
    let biggest = 0;
    for (let i = 0; i < m; i++) {
      let x = 0;
      for (let t = 0; t < l; t++) x += q[i * l + t] * vb.get(t, j);
      u[i * rank + c] = x;
      if (Math.abs(x) > Math.abs(biggest)) biggest = x;
    }
    const sign = biggest < 0 ? -1 : 1;
    if (sign < 0) for (let i = 0; i < m; i++) u[i * rank + c] = -u[i * rank + c];
    for (let i = 0; i < n; i++) v[i * rank + c] = sign * ub.get(i, j);
  }
  return { k: rank, u, s, v };
}
