import type * as tf from '@tensorflow/tfjs';
import { kernelMemory } from './heap';

/** Names of RecLab's binary cross-entropy kernels (losses.ts runs them where registered). */
export const BCE_WITH_LOGITS = 'ReclabBceWithLogits';
export const BCE_WITH_LOGITS_GRAD = 'ReclabBceWithLogitsGrad';

/**
 * Mean `max(x, 0) - x·y + log(1 + exp(-|x|))` over `logits` x and `labels` y, as a scalar.
 * The op-by-op form is 9 kernels per step (each with its temporaries and tape entry).
 */
export function bceKernel(backendName: string): tf.KernelConfig {
  return {
    kernelName: BCE_WITH_LOGITS,
    backendName,
    kernelFunc: ({ inputs, backend }) => {
      const mem = kernelMemory(backendName, backend);
      const out = mem.output([], 'float32');
      const x = mem.read(inputs.logits as tf.TensorInfo) as Float32Array;
      const y = mem.read(inputs.labels as tf.TensorInfo) as Float32Array;
      mem.read(out.info)[0] = meanBce(x, y);
      return out.info;
    },
  };
}

/** Gradient of {@link bceKernel} with respect to the logits: `dy · (sigmoid(x) - y) / n`. */
export function bceGradKernel(backendName: string): tf.KernelConfig {
  return {
    kernelName: BCE_WITH_LOGITS_GRAD,
    backendName,
    kernelFunc: ({ inputs, backend }) => {
      const logits = inputs.logits as tf.TensorInfo;
      const mem = kernelMemory(backendName, backend);
      const out = mem.output(logits.shape, 'float32');
      // Views after the allocation (a wasm heap growth detaches earlier ones).
      const scale = mem.read(inputs.dy as tf.TensorInfo)[0] / Math.max(1, logits.shape.reduce((a, s) => a * s, 1));
      bceGrad(mem.read(logits) as Float32Array, mem.read(inputs.labels as tf.TensorInfo) as Float32Array, mem.read(out.info) as Float32Array, scale);
      return out.info;
    },
  };
}

function meanBce(x: Float32Array, y: Float32Array): number {
  let sum = 0;
  for (let k = 0; k < x.length; k++) {
    const v = x[k];
    sum += Math.max(v, 0) - v * y[k] + Math.log1p(Math.exp(-Math.abs(v)));
  }
  return sum / x.length;
}

function bceGrad(x: Float32Array, y: Float32Array, out: Float32Array, scale: number): void {
  for (let k = 0; k < x.length; k++) out[k] = (1 / (1 + Math.exp(-x[k])) - y[k]) * scale;
}
