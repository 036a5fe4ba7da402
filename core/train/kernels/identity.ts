import type * as tf from '@tensorflow/tfjs';

interface RefCountingBackend {
  incRef(dataId: unknown): void;
}

/**
 * Identity that shares the input's data (one more reference) instead of copying it.
 * The engine clones every tensor a gradient needs through Identity, and wasm's kernel
 * copies: ~30 copies per NeuMF training step, the whole embedding table for each
 * lookup among them. Tensor data is never written in place (variables get new data on
 * assign), so sharing is safe; it is what the cpu backend and wasm's own Reshape do.
 */
export function sharingIdentityKernel(backendName: string): tf.KernelConfig {
  return {
    kernelName: 'Identity',
    backendName,
    kernelFunc: ({ inputs, backend }) => {
      const x = inputs.x as tf.TensorInfo;
      (backend as unknown as RefCountingBackend).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  };
}

/**
 * Transpose whose permutation leaves the data order unchanged (identity, or moving only
 * size-1 axes) shares the input's data; others go to the backend's kernel. The gradient
 * of every embedding lookup makes two such transposes, which wasm copies.
 */
export function sharingTransposeKernel(backendName: string, transpose: tf.KernelFunc): tf.KernelConfig {
  return {
    kernelName: 'Transpose',
    backendName,
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      const perm = (args.attrs as { perm: number[] }).perm;
      const moved = perm.filter((p) => x.shape[p] !== 1);
      if (moved.some((p, k) => k > 0 && p < moved[k - 1])) return transpose(args);
      (args.backend as unknown as RefCountingBackend).incRef(x.dataId);
      return { dataId: x.dataId, shape: perm.map((p) => x.shape[p]), dtype: x.dtype };
    },
  };
}

/**
 * Cast to the dtype a tensor already has shares its data; other casts go to the backend.
 * tfjs's Multiply gradient casts both of its results that way (float32 to float32),
 * which wasm copies: two `batch x dim` copies per GMF product per step.
 */
export function sharingCastKernel(backendName: string, cast: tf.KernelFunc): tf.KernelConfig {
  return {
    kernelName: 'Cast',
    backendName,
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      if ((args.attrs as { dtype: string }).dtype !== x.dtype) return cast(args);
      (args.backend as unknown as RefCountingBackend).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  };
}
