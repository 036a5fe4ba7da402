import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import type { Rng } from '../random';
import { choleskyQr, timesSmall, transposeTimes } from './tall-products';

/*
 * Randomized truncated SVD of sparse matrices, shared by the `svd` feature transformer and
 * the PureSVD baseline. The sparse matrix type is defined here, not in core/data (whose
 * CsrMatrix names it), because core/util imports no other core folder.
 */

/**
 * Compressed sparse rows: row r's column indices are `indices[indptr[r]..indptr[r+1]]`,
 * sorted ascending and unique, with their entries at the same positions of `values`.
 */
export interface SparseRows {
  nRows: number;
  nCols: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

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
function sparseTimesDense(a: SparseRows, x: Float64Array, l: number): Float64Array {
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
function sparseTransposeTimesDense(a: SparseRows, y: Float64Array, l: number): Float64Array {
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

/** Columns of row-major X (rows x l) as separate contiguous arrays (fast dot products). */
function columnsOf(x: Float64Array, rows: number, l: number): Float64Array[] {
  const cols = Array.from({ length: l }, () => new Float64Array(rows));
  for (let i = 0; i < rows; i++) for (let c = 0; c < l; c++) cols[c][i] = x[i * l + c];
  return cols;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Orthonormalises the columns of row-major X (rows x l) in place, twice by default for
 * numerical orthogonality; one pass is enough where only the span matters (between power
 * iterations). Each pass is a CholeskyQR through the SIMD gemm (tall-products.ts), unless
 * a column is (nearly) a combination of earlier ones: then modified Gram-Schmidt finishes,
 * which turns such a column into zeros rather than noise, so a rank-deficient sketch gives
 * zero components instead of made-up ones. Either is far cheaper than a Householder QR
 * for the tall, thin sketches here.
 */
export function orthonormalizeColumns(x: Float64Array, rows: number, l: number, passes = 2): Float64Array {
  let pass = 0;
  for (; pass < passes; pass++) {
    const q = choleskyQr(x, rows, l);
    if (!q) break;
    x.set(q);
  }
  return gramSchmidt(x, rows, l, passes - pass);
}

/** Modified Gram-Schmidt over `passes` passes ("twice is enough"), in place; dependent columns become zero. */
function gramSchmidt(x: Float64Array, rows: number, l: number, passes: number): Float64Array {
  if (passes <= 0) return x;
  const cols = columnsOf(x, rows, l);
  const original = cols.map((col) => Math.sqrt(dot(col, col)));
  for (let pass = 0; pass < passes; pass++) {
    for (let c = 0; c < l; c++) {
      const col = cols[c];
      for (let b = 0; b < c; b++) {
        const prev = cols[b];
        const d = dot(prev, col);
        if (d !== 0) for (let i = 0; i < rows; i++) col[i] -= d * prev[i];
      }
      const norm = Math.sqrt(dot(col, col));
      const scale = norm > 0 && norm > 1e-10 * original[c] ? 1 / norm : 0;
      for (let i = 0; i < rows; i++) col[i] *= scale;
    }
  }
  for (let c = 0; c < l; c++) {
    const col = cols[c];
    for (let i = 0; i < rows; i++) x[i * l + c] = col[i];
  }
  return x;
}

/**
 * Randomized truncated SVD of a sparse matrix (Halko, Martinsson & Tropp 2011, as in
 * scikit-learn's `randomized_svd`): a Gaussian sketch of width k + oversample, a few power
 * iterations with re-orthonormalisation, then an exact SVD (ml-matrix) of the small l x l
 * factor R of the projected matrix. Signs are fixed so the largest-magnitude entry of each
 * column of U is positive (scikit-learn's `svd_flip`): equal inputs and seeds give equal
 * factors. Cost O(nnz·l·(2·powerIterations + 2) + (nRows + nCols)·l²) for l = k + oversample.
 * `k` is capped at min(nRows, nCols); the returned `k` says how many components there are.
 */
export function randomizedSvd(a: SparseRows, k: number, options: { oversample: number; powerIterations: number; rng: Rng }): TruncatedSvd {
  const { nRows: m, nCols: n } = a;
  const rank = Math.min(k, m, n);
  if (rank === 0) return { k: 0, u: new Float64Array(0), s: new Float64Array(0), v: new Float64Array(0) };
  const l = Math.min(rank + options.oversample, m, n);
  const omega = new Float64Array(n * l);
  for (let i = 0; i < omega.length; i++) omega[i] = options.rng.normal();
  let y = sparseTimesDense(a, omega, l);
  for (let it = 0; it < options.powerIterations; it++) {
    const q = orthonormalizeColumns(y, m, l, 1);
    const z = orthonormalizeColumns(sparseTransposeTimesDense(a, q, l), n, l, 1);
    y = sparseTimesDense(a, z, l);
  }
  const q = orthonormalizeColumns(y, m, l);
  // With B = Qᵀ·A: Bᵀ = Aᵀ·Q (n x l) = Q2·R, and the SVD of the small R = Ur·S·Vrᵀ gives
  // A ≈ Q·B = Q·(Q2·Ur·S·Vrᵀ)ᵀ = (Q·Vr)·S·(Q2·Ur)ᵀ.
  const bt = sparseTransposeTimesDense(a, q, l);
  const q2 = orthonormalizeColumns(bt.slice(), n, l);
  const small = Matrix.from1DArray(l, l, transposeTimes(q2, bt, n, l, l));
  const svd = new SingularValueDecomposition(small, { computeLeftSingularVectors: true, computeRightSingularVectors: true });
  const ur = svd.leftSingularVectors.to1DArray();
  const vr = svd.rightSingularVectors.to1DArray();
  const order = svd.diagonal.map((s, j) => [s, j] as const).sort((p, r) => r[0] - p[0]);
  // The top `rank` singular directions, largest first: U = Q·Vr, V = Q2·Ur (SIMD products).
  const vrTop = new Float64Array(l * rank);
  const urTop = new Float64Array(l * rank);
  for (let t = 0; t < l; t++) {
    for (let c = 0; c < rank; c++) {
      vrTop[t * rank + c] = vr[t * l + order[c][1]];
      urTop[t * rank + c] = ur[t * l + order[c][1]];
    }
  }
  const u = timesSmall(q, vrTop, m, l, rank);
  const v = timesSmall(q2, urTop, n, l, rank);
  const s = Float64Array.from(order.slice(0, rank), ([value]) => value);
  for (let c = 0; c < rank; c++) {
    let biggest = 0;
    for (let i = 0; i < m; i++) if (Math.abs(u[i * rank + c]) > Math.abs(biggest)) biggest = u[i * rank + c];
    if (biggest >= 0) continue;
    for (let i = 0; i < m; i++) u[i * rank + c] = -u[i * rank + c];
    for (let i = 0; i < n; i++) v[i * rank + c] = -v[i * rank + c];
  }
  return { k: rank, u, s, v };
}
