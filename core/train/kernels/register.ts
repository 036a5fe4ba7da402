import * as tf from '@tensorflow/tfjs';
import { fusedAdamKernel, FUSED_ADAM } from './adam';

/** Registers RecLab's fused training kernels for a JS backend (wasm, cpu). */
export function registerFusedKernels(backendName: string): void {
  if (!tf.getKernel(FUSED_ADAM, backendName)) tf.registerKernel(fusedAdamKernel(backendName));
}

/** True when the backend in use has RecLab's fused kernel `name`. */
export function hasFusedKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}
