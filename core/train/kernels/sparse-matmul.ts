import type * as tf from '@tensorflow/tfjs';
import { kernelMemory } from './heap';

/**
 * Name of RecLab's CSR sparse x dense matmul kernel. core/models/neural/sparse-matmul.ts
 * runs it by this name (models do not import core/train); a test keeps the two equal.
 */
export const SPARSE_DENSE_MATMUL = 'ReclabSparseDenseMatMul';

/**
 * `A x` for a CSR matrix `A` (inputs `indptr` [nRows + 1], `indices` [nnz] column ids,
 * `values` [nnz]) and a dense `x` [nCols, d]; output [nRows, d]. One pass over the
 * nonzeros, each adding `value * x[col]` into its row: the message passing of a graph
 * layer without materialising a [nnz, d] message tensor (gather + scale +
 * segment-sum allocate and walk 3 of those).
 */
export function sparseDenseMatMulKernel(backendName: string): tf.KernelConfig {
  return {
    kernelName: SPARSE_DENSE_MATMUL,
    backendName,
    kernelFunc: ({ inputs, backend }) => {
      const indptr = inputs.indptr as tf.TensorInfo;
      const x = inputs.x as tf.TensorInfo;
      const nRows = indptr.shape[0] - 1;
      const d = x.shape[1];
      const mem = kernelMemory(backendName, backend);
      const out = mem.output([nRows, d], 'float32');
      // Views after the allocation (a wasm heap growth detaches earlier ones).
      csrTimesDense(
        mem.read(indptr) as Int32Array,
        mem.read(inputs.indices as tf.TensorInfo) as Int32Array,
        mem.read(inputs.values as tf.TensorInfo) as Float32Array,
        mem.read(x) as Float32Array,
        mem.read(out.info) as Float32Array,
        nRows,
        d,
        x.shape[0],
      );
      return out.info;
    },
  };
}

/** Monomorphic in Float32Array/Int32Array so V8 keeps it optimised. */
function csrTimesDense(indptr: Int32Array, cols: Int32Array, vals: Float32Array, x: Float32Array, out: Float32Array, nRows: number, d: number, nCols: number): void {
  for (let r = 0; r < nRows; r++) {
    const to = r * d;
    for (let c = 0; c < d; c++) out[to + c] = 0;
    for (let p = indptr[r]; p < indptr[r + 1]; p++) {
      const col = cols[p];
      if (!(col >= 0 && col < nCols)) throw new Error(`${SPARSE_DENSE_MATMUL}: column ${col} is not in [0, ${nCols - 1}]`);
      const w = vals[p];
      const from = col * d;
      for (let c = 0; c < d; c++) out[to + c] += w * x[from + c];
    }
  }
}
