import * as tf from '@tensorflow/tfjs';
import type { CsrMatrix } from '../../data';
import { SPARSE_DENSE_MATMUL_KERNEL } from './kernel-names';


/** A constant sparse matrix as tensors: CSR for the kernel, row ids (COO) for the fallback. */
export interface SparseMatrixTensors {
  nRows: number;
  nCols: number;
  indptr: tf.Tensor1D; // int32, nRows + 1
  indices: tf.Tensor1D; // int32, nnz column ids
  values: tf.Tensor1D; // float32, nnz
  rowIds: tf.Tensor1D; // int32, nnz row ids
}

/** Host-side CSR of a sparse float matrix (core/data's CSR layout, values significant). */
export type SparseCsr = CsrMatrix;

/** The COO triples `(row[e], col[e], value[e])` as CSR (duplicates kept; order within a row follows `e`). */
export function csrFromTriples(nRows: number, nCols: number, row: Int32Array, col: Int32Array, value: Float32Array): SparseCsr {
  const indptr = new Int32Array(nRows + 1);
  for (let e = 0; e < row.length; e++) indptr[row[e] + 1]++;
  for (let r = 0; r < nRows; r++) indptr[r + 1] += indptr[r];
  const next = indptr.slice(0, nRows);
  const indices = new Int32Array(row.length);
  const values = new Float32Array(row.length);
  for (let e = 0; e < row.length; e++) {
    const p = next[row[e]]++;
    indices[p] = col[e];
    values[p] = value[e];
  }
  return { nRows, nCols, indptr, indices, values };
}

/**
 * Uploads `a` as tensors: kept by default (the caller disposes them with
 * {@link disposeSparse}); with `keep` false they belong to the current tf.tidy scope,
 * as a per-batch matrix should.
 */
export function sparseTensors(a: SparseCsr, keep = true): SparseMatrixTensors {
  const rowIds = new Int32Array(a.indices.length);
  for (let r = 0; r < a.nRows; r++) rowIds.fill(r, a.indptr[r], a.indptr[r + 1]);
  const own = <T extends tf.Tensor>(t: T): T => (keep ? tf.keep(t) : t);
  return {
    nRows: a.nRows,
    nCols: a.nCols,
    indptr: own(tf.tensor1d(a.indptr, 'int32')),
    indices: own(tf.tensor1d(a.indices, 'int32')),
    values: own(tf.tensor1d(a.values, 'float32')),
    rowIds: own(tf.tensor1d(rowIds, 'int32')),
  };
}

/** Frees the tensors of `a`. */
export function disposeSparse(a: SparseMatrixTensors): void {
  tf.dispose([a.indptr, a.indices, a.values, a.rowIds]);
}

/** `a x` by the kernel when the backend has it, else by gather + scale + segment-sum. */
function product(a: SparseMatrixTensors, x: tf.Tensor2D): tf.Tensor2D {
  if (tf.getKernel(SPARSE_DENSE_MATMUL_KERNEL, tf.getBackend())) {
    return tf.engine().runKernel(SPARSE_DENSE_MATMUL_KERNEL, { indptr: a.indptr, indices: a.indices, values: a.values, x }, {}) as tf.Tensor2D;
  }
  return tf.tidy(() => tf.unsortedSegmentSum(tf.mul(tf.gather(x, a.indices), tf.reshape(a.values, [-1, 1])) as tf.Tensor2D, a.rowIds, a.nRows));
}

/**
 * `a x` for a constant sparse `a` [nRows, nCols] and dense `x` [nCols, d], differentiable
 * in `x`: the gradient is `aT dy`, so pass `aT` (the same object when `a` is symmetric,
 * as LightGCN's normalised adjacency is). On wasm and cpu it runs RecLab's CSR kernel:
 * no [nnz, d] message tensors, forward or backward.
 */
export function sparseDenseMatMul(a: SparseMatrixTensors, aT: SparseMatrixTensors, x: tf.Tensor2D): tf.Tensor2D {
  if (x.shape[0] !== a.nCols || aT.nRows !== a.nCols || aT.nCols !== a.nRows) {
    throw new Error(`sparseDenseMatMul: a is ${a.nRows} x ${a.nCols}, aT ${aT.nRows} x ${aT.nCols}, x has ${x.shape[0]} rows`);
  }
  // aT's tensors go through save(): the gradient engine frees whatever the forward pass
  // created and did not save, which would include a per-batch aT (see FeatureTable).
  const op = tf.customGrad(((input: tf.Tensor2D, save: tf.GradSaveFunc) => {
    save([aT.indptr, aT.indices, aT.values, aT.rowIds]);
    return {
      value: product(a, input),
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [indptr, indices, values, rowIds] = saved as tf.Tensor1D[];
        return product({ nRows: aT.nRows, nCols: aT.nCols, indptr, indices, values, rowIds }, dy);
      },
    };
  }) as any);
  return op(x) as tf.Tensor2D;
}
