import type * as tf from '@tensorflow/tfjs';
import { kernelMemory } from './heap';
import { simdSparseMatMul } from './sparse-matmul-simd';
import { SPARSE_DENSE_MATMUL_KERNEL } from '../../models';

/**
 * Name of RecLab's CSR sparse x dense matmul kernel. core/models/neural/sparse-matmul.ts
 * runs it by this name (models do not import core/train); a test keeps the two equal.
 */

/**
 * `A x` for a CSR matrix `A` (inputs `indptr` [nRows + 1], `indices` [nnz] column ids,
 * `values` [nnz]) and a dense `x` [nCols, d]; output [nRows, d]. One pass over the
 * nonzeros, each adding `value * x[col]` into its row: the message passing of a graph
 * layer without materialising a [nnz, d] message tensor (gather + scale +
 * segment-sum allocate and walk 3 of those). Widths that are a multiple of 4 run in
 * WebAssembly SIMD (sparse-matmul-simd.ts), others in a JS loop.
 */
export function sparseDenseMatMulKernel(backendName: string): tf.KernelConfig {
  return {
    kernelName: SPARSE_DENSE_MATMUL_KERNEL,
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

/**
 * Monomorphic in Float32Array/Int32Array so V8 keeps it optimised. Columns go in blocks
 * of 8 with the sums in locals (registers): ~2.5x faster than accumulating into `out`,
 * which costs a load and a store per multiply-add.
 */
function csrTimesDense(indptr: Int32Array, cols: Int32Array, vals: Float32Array, x: Float32Array, out: Float32Array, nRows: number, d: number, nCols: number): void {
  const nnz = indptr[nRows];
  for (let p = 0; p < nnz; p++) {
    const col = cols[p];
    if (!(col >= 0 && col < nCols)) throw new Error(`${SPARSE_DENSE_MATMUL_KERNEL}: column ${col} is not in [0, ${nCols - 1}]`);
  }
  const simd = d % 4 === 0 ? simdSparseMatMul() : undefined;
  if (simd) return simd(indptr, cols, vals, x, out, nRows, d);
  const blocked = d - (d % 8);
  for (let r = 0; r < nRows; r++) {
    const start = indptr[r];
    const end = indptr[r + 1];
    const to = r * d;
    for (let c = 0; c < blocked; c += 8) {
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0; // prettier-ignore
      for (let p = start; p < end; p++) {
        const w = vals[p];
        const f = cols[p] * d + c;
        a0 += w * x[f];
        a1 += w * x[f + 1];
        a2 += w * x[f + 2];
        a3 += w * x[f + 3];
        a4 += w * x[f + 4];
        a5 += w * x[f + 5];
        a6 += w * x[f + 6];
        a7 += w * x[f + 7];
      }
      out[to + c] = a0;
      out[to + c + 1] = a1;
      out[to + c + 2] = a2;
      out[to + c + 3] = a3;
      out[to + c + 4] = a4;
      out[to + c + 5] = a5;
      out[to + c + 6] = a6;
      out[to + c + 7] = a7;
    }
    for (let c = blocked; c < d; c++) {
      let a = 0;
      for (let p = start; p < end; p++) a += vals[p] * x[cols[p] * d + c];
      out[to + c] = a;
    }
  }
}
