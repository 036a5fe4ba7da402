import type * as tf from '@tensorflow/tfjs';
import { kernelMemory } from './heap';
import { heapSimd, type AdamConstants } from './heap-simd';

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
  /** Number of variables updated by the call. */
  count: number;
}

/**
 * One Adam step for `count` variables in a single kernel call and one pass over each
 * variable's elements: inputs `param<k>, grad<k>, m<k>, v<k>` for k < count, outputs
 * all updated params, then all m, then all v. The op-by-op form is ~12 kernel calls and
 * 8 temporaries per variable per step. On wasm the loop runs in WebAssembly SIMD inside
 * the backend's heap (~10x faster than the JS loop, which keeps the last `size mod 4`
 * elements and serves the cpu backend).
 */
export function fusedAdamKernel(backendName: string): tf.KernelConfig {
  return {
    kernelName: FUSED_ADAM,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const a = attrs as unknown as FusedAdamAttrs;
      const mem = kernelMemory(backendName, backend);
      const at = (name: string, k: number) => inputs[`${name}${k}`] as tf.TensorInfo;
      const ins = Array.from({ length: a.count }, (_, k) => [at('param', k), at('grad', k), at('m', k), at('v', k)]);
      const outs = ins.map(([param]) => [0, 1, 2].map(() => mem.output(param.shape, 'float32').info));
      const simd = backendName === 'wasm' ? heapSimd(backend) : undefined;
      const constants = adamConstants(a);
      for (let k = 0; k < a.count; k++) {
        // Views after all allocations: a wasm heap growth would detach earlier ones.
        const views = [...ins[k], ...outs[k]].map((t) => mem.read(t) as Float32Array);
        let from = 0;
        if (simd) {
          from = views[0].length - (views[0].length % 4);
          const [p0, g, m0, v0, p1, m1, v1] = views.map((v) => v.byteOffset);
          simd.adam(p0, g, m0, v0, p1, m1, v1, from, constants);
        }
        adamLoop(views[0], views[1], views[2], views[3], views[4], views[5], views[6], constants, from);
      }
      return [0, 1, 2].flatMap((slot) => outs.map((o) => o[slot]));
    },
  };
}

/** The bias-corrected step size and 1 / sqrt(1 - beta2^t) of a step. */
function adamConstants({ lr, beta1, beta2, epsilon, step }: FusedAdamAttrs): AdamConstants {
  return { stepSize: lr / (1 - Math.pow(beta1, step)), invSqrtC2: 1 / Math.sqrt(1 - Math.pow(beta2, step)), beta1, beta2, epsilon };
}

/** The update of elements `from..`, monomorphic in Float32Array so V8 keeps it optimised. */
function adamLoop(
  p0: Float32Array,
  g: Float32Array,
  m0: Float32Array,
  v0: Float32Array,
  p1: Float32Array,
  m1: Float32Array,
  v1: Float32Array,
  { stepSize, invSqrtC2, beta1, beta2, epsilon }: AdamConstants,
  from: number,
): void {
  const b1c = 1 - beta1;
  const b2c = 1 - beta2;
  const n = p0.length;
  for (let k = from; k < n; k++) {
    const gk = g[k];
    const mk = beta1 * m0[k] + b1c * gk;
    const vk = beta2 * v0[k] + b2c * gk * gk;
    m1[k] = mk;
    v1[k] = vk;
    p1[k] = p0[k] - (stepSize * mk) / (Math.sqrt(vk) * invSqrtC2 + epsilon);
  }
}
