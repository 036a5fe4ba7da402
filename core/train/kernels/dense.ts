import type * as tf from '@tensorflow/tfjs';
import { heapOffset, type WasmHeapBackend } from './heap';
import { heapSimd, type HeapSimd } from './heap-simd';
import { DENSE_GRAD_KERNEL, DENSE_KERNEL } from '../../models';

/**
 * Names of RecLab's dense-layer kernels (wasm). core/models/neural/layers.ts runs them by
 * these names (models do not import core/train); a test keeps the two equal.
 */

/** Attributes of both kernels: the number of (input, kernel) pairs and whether ReLU follows. */
export interface DenseAttrs {
  inputs: number;
  relu: boolean;
}

/**
 * `act(x_0 · w_0 + ... + x_{n-1} · w_{n-1} + bias)` in one kernel (inputs `x0.., w0..,
 * bias`), act ReLU or none. wasm runs it as its own BatchMatMul + Add + Relu kernels
 * (one call each per input); here each product accumulates into the output in
 * WebAssembly SIMD inside the heap, with the bias as the starting value and the ReLU
 * applied as the last product is stored.
 */
export function denseKernel(backendName: string): tf.KernelConfig {
  return {
    kernelName: DENSE_KERNEL,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { inputs: n, relu } = attrs as unknown as DenseAttrs;
      const b = backend as unknown as WasmHeapBackend;
      const x = Array.from({ length: n }, (_, k) => inputs[`x${k}`] as tf.TensorInfo);
      const w = Array.from({ length: n }, (_, k) => inputs[`w${k}`] as tf.TensorInfo);
      const rows = x[0].shape[0];
      const outDim = w[0].shape[1];
      const out = b.makeOutput([rows, outDim], 'float32');
      const mm = products(b);
      const at = (t: tf.TensorInfo) => heapOffset(b, t);
      for (let k = 0; k < n; k++) {
        const inDim = w[k].shape[0];
        mm(at(x[k]), 4 * inDim, 4, at(w[k]), 4 * outDim, at(out), rows, inDim, outDim, at(inputs.bias as tf.TensorInfo), k === 0 ? 1 : 2, relu && k === n - 1);
      }
      return out;
    },
  };
}

/**
 * The gradient of {@link denseKernel}: inputs `dy, y, x0.., w0..`; outputs `dx0..,
 * dw0.., dbias`. With ReLU, dz = dy where y > 0; then dx_k = dz · w_kᵀ (w_k transposed
 * once, it is small), dw_k = x_kᵀ · dz (strided reads, no transposed copy of x_k) and
 * dbias = the column sums of dz (a product with a row of ones). The op-by-op form is
 * 3n + 3 kernels plus two transposes per product on wasm.
 */
export function denseGradKernel(backendName: string): tf.KernelConfig {
  return {
    kernelName: DENSE_GRAD_KERNEL,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { inputs: n, relu } = attrs as unknown as DenseAttrs;
      const b = backend as unknown as WasmHeapBackend;
      const dy = inputs.dy as tf.TensorInfo;
      const x = Array.from({ length: n }, (_, k) => inputs[`x${k}`] as tf.TensorInfo);
      const w = Array.from({ length: n }, (_, k) => inputs[`w${k}`] as tf.TensorInfo);
      const rows = dy.shape[0];
      const outDim = dy.shape[1];
      const inDims = w.map((t) => t.shape[0]);
      const dx = inDims.map((d) => b.makeOutput([rows, d], 'float32'));
      const dw = inDims.map((d) => b.makeOutput([d, outDim], 'float32'));
      const db = b.makeOutput([outDim], 'float32');
      const temps: tf.TensorInfo[] = [];
      const temp = (shape: number[]) => {
        const t = b.makeOutput(shape, 'float32');
        temps.push(t);
        return t;
      };
      const dzT = relu ? temp([rows, outDim]) : dy;
      const one = temp([1]);
      const wT = outDim === 1 ? w : w.map((t) => temp([outDim, t.shape[0]]));
      // Offsets are stable across heap growth; views are not, so take them after allocating.
      const at = (t: tf.TensorInfo) => heapOffset(b, t);
      const heap = b.wasm.HEAPF32;
      heap[at(one) >> 2] = 1;
      if (outDim !== 1) w.forEach((t, k) => transposeInto(heap, at(t) >> 2, at(wT[k]) >> 2, inDims[k], outDim));
      const simd = heapSimd(backend);
      const dz = at(dzT);
      if (relu) {
        if (simd && (rows * outDim) % 4 === 0) simd.reluMask(at(dy), at(inputs.y as tf.TensorInfo), dz, rows * outDim);
        else reluMaskJs(heap, at(dy) >> 2, at(inputs.y as tf.TensorInfo) >> 2, dz >> 2, rows * outDim);
      }
      const mm = products(b);
      for (let k = 0; k < n; k++) {
        const d = inDims[k];
        mm(dz, 4 * outDim, 4, at(wT[k]), 4 * d, at(dx[k]), rows, outDim, d, 0, 0, false);
        mm(at(x[k]), 4, 4 * d, dz, 4 * outDim, at(dw[k]), d, rows, outDim, 0, 0, false);
      }
      mm(at(one), 0, 0, dz, 4 * outDim, at(db), 1, rows, outDim, 0, 0, false);
      for (const t of temps) b.disposeData(t.dataId, true);
      return [...dx, ...dw, db];
    },
  };
}

/** A product with HeapSimd.gemm's contract (byte offsets and strides): SIMD when the width allows, else JS. */
type Product = HeapSimd['gemm'];

function products(backend: WasmHeapBackend): Product {
  const simd = heapSimd(backend);
  return (a, sAi, sAk, bOff, sB, c, m, k, n, bias, mode, relu) => {
    if (simd && n % 4 === 0) return simd.gemm(a, sAi, sAk, bOff, sB, c, m, k, n, bias, mode, relu);
    // Width 1 (an output logit): a dot product per row when rows are contiguous ...
    if (simd && n === 1 && sAk === 4 && sB === 4 && k % 4 === 0) return simd.dot(a, sAi, bOff, c, m, k, bias, mode, relu);
    // ... or, for x^T dz, the same sums as one row: C^T = B^T A, with A's rows as the wide side.
    if (simd && n === 1 && sAi === 4 && m % 4 === 0 && mode === 0 && !relu) return simd.gemm(bOff, 0, sB, a, sAk, c, 1, k, m, 0, 0, false);
    gemmJs(backend.wasm.HEAPF32, a >> 2, sAi >> 2, sAk >> 2, bOff >> 2, sB >> 2, c >> 2, m, k, n, bias >> 2, mode, relu);
  };
}

/** HeapSimd.gemm over a Float32Array with element offsets and strides (odd widths, no SIMD). */
export function gemmJs(
  h: Float32Array,
  a: number,
  sAi: number,
  sAk: number,
  b: number,
  sB: number,
  c: number,
  m: number,
  k: number,
  n: number,
  bias: number,
  mode: 0 | 1 | 2,
  relu: boolean,
): void {
  for (let i = 0; i < m; i++) {
    const rowA = a + i * sAi;
    const rowC = c + i * n;
    for (let j = 0; j < n; j++) {
      let s = mode === 1 ? h[bias + j] : mode === 2 ? h[rowC + j] : 0;
      for (let q = 0; q < k; q++) s += h[rowA + q * sAk] * h[b + q * sB + j];
      h[rowC + j] = relu && s < 0 ? 0 : s;
    }
  }
}

function transposeInto(h: Float32Array, from: number, to: number, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) h[to + c * rows + r] = h[from + r * cols + c];
}

function reluMaskJs(h: Float32Array, dy: number, y: number, out: number, n: number): void {
  for (let p = 0; p < n; p++) h[out + p] = h[y + p] > 0 ? h[dy + p] : 0;
}
