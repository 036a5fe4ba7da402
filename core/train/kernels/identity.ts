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
