import type * as tf from '@tensorflow/tfjs';
import { heapOffset, type WasmHeapBackend } from './heap';
import { heapSimd } from './heap-simd';
import { PAIRWISE_SUM_KERNEL } from '../../models';

/**
 * Name of RecLab's all-pairs row sum (wasm). core/models/neural/layers.ts runs it by this
 * name (models do not import core/train); a test keeps the two equal.
 */

/**
 * `out[u * nB + i] = act(a[u] + b[i])` for `a` [nA, d], `b` [nB, d] (d a multiple of 4),
 * act ReLU when `attrs.relu`: the first layer of an MLP tower over every (user, item)
 * pair from its per-user and per-item halves, in one SIMD pass that writes the result
 * once. wasm does it as a broadcasting Add (a generic strided loop) and then a Relu
 * over the whole [nA * nB, d] tensor again.
 */
export function pairwiseSumKernel(backendName: string): tf.KernelConfig {
  return {
    kernelName: PAIRWISE_SUM_KERNEL,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const a = inputs.a as tf.TensorInfo;
      const b = inputs.b as tf.TensorInfo;
      const d = a.shape[1];
      if (b.shape[1] !== d || d % 4 !== 0) throw new Error(`${PAIRWISE_SUM_KERNEL}: rows must have one width, a multiple of 4; got ${d} and ${b.shape[1]}`);
      const wb = backend as unknown as WasmHeapBackend;
      const out = wb.makeOutput([a.shape[0] * b.shape[0], d], 'float32');
      const at = (t: tf.TensorInfo) => heapOffset(wb, t);
      const relu = (attrs as { relu: boolean }).relu;
      const simd = heapSimd(backend);
      if (simd) simd.pairSum(at(a), at(b), at(out), a.shape[0], b.shape[0], d, relu);
      else pairSumJs(wb.wasm.HEAPF32, at(a) >> 2, at(b) >> 2, at(out) >> 2, a.shape[0], b.shape[0], d, relu);
      return out;
    },
  };
}

/** The same over a Float32Array with element offsets (the SIMD loops turned off). */
function pairSumJs(h: Float32Array, a: number, b: number, out: number, nA: number, nB: number, d: number, relu: boolean): void {
  let o = out;
  for (let u = 0; u < nA; u++) {
    for (let i = 0; i < nB; i++) {
      for (let c = 0; c < d; c++) {
        const v = h[a + u * d + c] + h[b + i * d + c];
        h[o + c] = relu && v < 0 ? 0 : v;
      }
      o += d;
    }
  }
}
