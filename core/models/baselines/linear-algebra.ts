import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import type { CsrMatrix } from '../../data';
import { InputError } from '../../util';

/*
 * Dense linear algebra for the closed-form baselines. Decompositions come from ml-matrix;
 * the O(n^3) products that follow them run here on row-major Float64Arrays, because
 * ml-matrix goes through per-element get/set: measured on ML-100K's 1682 items (2 cores
 * shared with other jobs), its CholeskyDecomposition took 4.6-10 s, but
 * CholeskyDecomposition.solve(I) took 116 s, inverse() 64 s, EigenvalueDecomposition 64 s
 * and one mmul 43 s; the two triangular products here take about 5 s together.
 */

/** Gram matrix XᵀX of the binary train matrix (each stored entry counts 1), dense row-major n x n. */
export function binaryGram(train: CsrMatrix): Float64Array {
  const n = train.nCols;
  const g = new Float64Array(n * n);
  for (let u = 0; u < train.nRows; u++) {
    const start = train.indptr[u];
    const end = train.indptr[u + 1];
    for (let p = start; p < end; p++) {
      const base = train.indices[p] * n;
      for (let q = start; q < end; q++) g[base + train.indices[q]] += 1;
    }
  }
  return g;
}

/**
 * Inverse of the symmetric positive definite matrix `a + shift * I` (row-major n x n):
 * Cholesky a + shift I = L Lᵀ by ml-matrix, then M = L⁻¹ by row-wise forward substitution
 * and (L Lᵀ)⁻¹ = Mᵀ M, both as contiguous row updates (n³/6 multiply-adds each).
 */
export function inverseSpd(a: Float64Array, n: number, shift = 0): Float64Array {
  const rows: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const r = a.slice(i * n, (i + 1) * n);
    r[i] += shift;
    rows.push(r);
  }
  const chol = new CholeskyDecomposition(new Matrix(rows));
  if (!chol.isPositiveDefinite()) {
    throw new InputError(`The regularised Gram matrix is not positive definite (shift ${shift}); use a larger regularisation (e.g. lambda > 0).`, 'SPEC');
  }
  const lower = chol.lowerTriangularMatrix;
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) l[i * n + j] = lower.get(i, j);

  const m = lowerInverse(l, n);
  return lowerGramOfRows(m, n);
}

// Both products below walk rows in blocks of BLOCK: a block of output rows stays in cache
// while each input row streams past once, rather than streaming the whole n x n matrix
// (22 MB at n = 1682) once per output row. They also take input rows four at a time, so
// each output element is loaded and stored once per four multiply-adds. Entries above the
// diagonal of a lower-triangular matrix are stored zeros, which lets the loops run over
// whole row prefixes without triangle bookkeeping.
const BLOCK = 32;

/** M = L⁻¹ for lower-triangular row-major L: row i = (e_i - Σ_{k<i} L[i][k] M[k]) / L[i][i]. */
export function lowerInverse(l: Float64Array, n: number): Float64Array {
  const m = new Float64Array(n * n);
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const i1 = Math.min(n, i0 + BLOCK);
    for (let i = i0; i < i1; i++) m[i * n + i] = 1;
    // Rows before the block are final: apply them to every row of the block.
    let k = 0;
    for (; k + 3 < i0; k += 4) {
      const r0 = k * n;
      const r1 = r0 + n;
      const r2 = r1 + n;
      const r3 = r2 + n;
      for (let i = i0; i < i1; i++) {
        const ri = i * n;
        const f0 = l[ri + k];
        const f1 = l[ri + k + 1];
        const f2 = l[ri + k + 2];
        const f3 = l[ri + k + 3];
        for (let j = 0; j <= k + 3; j++) m[ri + j] -= f0 * m[r0 + j] + f1 * m[r1 + j] + f2 * m[r2 + j] + f3 * m[r3 + j];
      }
    }
    for (; k < i0; k++) {
      const rk = k * n;
      for (let i = i0; i < i1; i++) {
        const ri = i * n;
        const f = l[ri + k];
        for (let j = 0; j <= k; j++) m[ri + j] -= f * m[rk + j];
      }
    }
    for (let i = i0; i < i1; i++) {
      const ri = i * n;
      for (let k2 = i0; k2 < i; k2++) {
        const f = l[ri + k2];
        const rk = k2 * n;
        for (let j = 0; j <= k2; j++) m[ri + j] -= f * m[rk + j];
      }
      const d = 1 / l[ri + i];
      for (let j = 0; j <= i; j++) m[ri + j] *= d;
    }
  }
  return m;
}

/** Mᵀ M for lower-triangular row-major M (symmetric result, full n x n). */
export function lowerGramOfRows(m: Float64Array, n: number): Float64Array {
  // (MᵀM)[a][b] = Σ_k M[k][a] M[k][b]; M[k][a] = 0 for k < a. Accumulate the lower triangle, then mirror.
  const p = new Float64Array(n * n);
  for (let a0 = 0; a0 < n; a0 += BLOCK) {
    const a1 = Math.min(n, a0 + BLOCK);
    let k = a0;
    for (; k + 3 < n; k += 4) {
      const r0 = k * n;
      const r1 = r0 + n;
      const r2 = r1 + n;
      const r3 = r2 + n;
      for (let a = a0; a < a1; a++) {
        const f0 = m[r0 + a];
        const f1 = m[r1 + a];
        const f2 = m[r2 + a];
        const f3 = m[r3 + a];
        const ra = a * n;
        for (let b = 0; b <= a; b++) p[ra + b] += f0 * m[r0 + b] + f1 * m[r1 + b] + f2 * m[r2 + b] + f3 * m[r3 + b];
      }
    }
    for (; k < n; k++) {
      const rk = k * n;
      for (let a = a0; a < a1; a++) {
        const f = m[rk + a];
        const ra = a * n;
        for (let b = 0; b <= a; b++) p[ra + b] += f * m[rk + b];
      }
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) p[j * n + i] = p[i * n + j];
  return p;
}
