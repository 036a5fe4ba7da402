import type * as tf from '@tensorflow/tfjs';
import { kernelMemory } from './heap';

/** Name of RecLab's fused Adam update kernel. */
export const FUSED_ADAM = 'ReclabFusedAdam';

/** Attributes of one fused Adam update (PyTorch's formulation, bias-corrected). */
export interface FusedAdamAttrs {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1-based step count, for bias correction. */
  step: number;
}

/**
 * One Adam step for one variable in a single pass over its elements: inputs
 * `param, grad, m, v`, outputs `param', m', v'`. The op-by-op form is ~12 kernel calls
 * and 8 temporaries per variable per step; fused it is one loop.
 */
export function fusedAdamKernel(backendName: string): tf.KernelConfig {
  return {
    kernelName: FUSED_ADAM,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const param = inputs.param as tf.TensorInfo;
      const mem = kernelMemory(backendName, backend);
      const outP = mem.output(param.shape, 'float32');
      const outM = mem.output(param.shape, 'float32');
      const outV = mem.output(param.shape, 'float32');
      // Views after all allocations: a wasm heap growth would detach earlier ones.
      adamLoop(
        mem.read(param) as Float32Array,
        mem.read(inputs.grad as tf.TensorInfo) as Float32Array,
        mem.read(inputs.m as tf.TensorInfo) as Float32Array,
        mem.read(inputs.v as tf.TensorInfo) as Float32Array,
        mem.read(outP.info) as Float32Array,
        mem.read(outM.info) as Float32Array,
        mem.read(outV.info) as Float32Array,
        attrs as unknown as FusedAdamAttrs,
      );
      return [outP.info, outM.info, outV.info];
    },
  };
}

/** The update itself, monomorphic in Float32Array so V8 keeps it optimised. */
function adamLoop(
  p0: Float32Array,
  g: Float32Array,
  m0: Float32Array,
  v0: Float32Array,
  p1: Float32Array,
  m1: Float32Array,
  v1: Float32Array,
  { lr, beta1, beta2, epsilon, step }: FusedAdamAttrs,
): void {
  const stepSize = lr / (1 - Math.pow(beta1, step));
  const invSqrtC2 = 1 / Math.sqrt(1 - Math.pow(beta2, step));
  const b1c = 1 - beta1;
  const b2c = 1 - beta2;
  const n = p0.length;
  for (let k = 0; k < n; k++) {
    const gk = g[k];
    const mk = beta1 * m0[k] + b1c * gk;
    const vk = beta2 * v0[k] + b2c * gk * gk;
    m1[k] = mk;
    v1[k] = vk;
    p1[k] = p0[k] - (stepSize * mk) / (Math.sqrt(vk) * invSqrtC2 + epsilon);
  }
}
