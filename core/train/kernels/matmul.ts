import * as tf from '@tensorflow/tfjs';

interface DisposingBackend {
  disposeData(dataId: unknown): void;
}

/**
 * BatchMatMul that never asks the wasm kernel for a transposed operand. wasm's
 * XNNPACK path handles only the plain layout; with `transposeA` or `transposeB` (every
 * dense layer's backward pass) it falls back to a loop ~12x slower (1024x64 by 64x64:
 * 11 ms instead of 0.8 ms). An explicit Transpose first, then the fast path, is ~1 ms.
 */
export function transposeFreeMatMulKernel(backendName: string, matMul: tf.KernelFunc, transpose: tf.KernelFunc): tf.KernelConfig {
  return {
    kernelName: 'BatchMatMul',
    backendName,
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args;
      const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
      if (!transposeA && !transposeB) return matMul(args);
      const owned: tf.TensorInfo[] = [];
      const flip = (t: tf.TensorInfo): tf.TensorInfo => {
        const r = t.shape.length;
        const perm = Array.from({ length: r }, (_, k) => k);
        perm[r - 2] = r - 1;
        perm[r - 1] = r - 2;
        const out = transpose({ inputs: { x: t }, backend, attrs: { perm } }) as tf.TensorInfo;
        owned.push(out);
        return out;
      };
      const a = transposeA ? flip(inputs.a as tf.TensorInfo) : inputs.a;
      const b = transposeB ? flip(inputs.b as tf.TensorInfo) : inputs.b;
      try {
        return matMul({ inputs: { a, b }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
      } finally {
        for (const t of owned) (backend as DisposingBackend).disposeData(t.dataId);
      }
    },
  };
}
