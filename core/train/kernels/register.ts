import * as tf from '@tensorflow/tfjs';
import { fusedAdamKernel, FUSED_ADAM } from './adam';
import { bceGradKernel, bceKernel, BCE_WITH_LOGITS, BCE_WITH_LOGITS_GRAD } from './bce';
import { denseGradKernel, denseKernel } from './dense';
import { gatherDropNegativesKernel, GATHER_DROP_NEGATIVES, registerSegmentSumGradient } from './gather-drop-negatives';
import { heapSimd } from './heap-simd';
import { pairwiseSumKernel } from './pairwise-sum';
import { sparseDenseMatMulKernel } from './sparse-matmul';
import { DENSE_GRAD_KERNEL, DENSE_KERNEL, PAIRWISE_SUM_KERNEL, SPARSE_DENSE_MATMUL_KERNEL } from '../../models';

/**
 * Registers RecLab's fused training kernels for a JS backend (wasm, cpu), and the
 * UnsortedSegmentSum gradient that uses one of them where present.
 */
export function registerFusedKernels(backendName: string): void {
  if (!tf.getKernel(FUSED_ADAM, backendName)) tf.registerKernel(fusedAdamKernel(backendName));
  if (!tf.getKernel(GATHER_DROP_NEGATIVES, backendName)) tf.registerKernel(gatherDropNegativesKernel(backendName));
  if (!tf.getKernel(BCE_WITH_LOGITS, backendName)) tf.registerKernel(bceKernel(backendName));
  if (!tf.getKernel(BCE_WITH_LOGITS_GRAD, backendName)) tf.registerKernel(bceGradKernel(backendName));
  if (!tf.getKernel(SPARSE_DENSE_MATMUL_KERNEL, backendName)) tf.registerKernel(sparseDenseMatMulKernel(backendName));
  // The dense-layer and pairwise kernels pay off only with the SIMD loops inside wasm's heap.
  if (backendName === 'wasm' && heapSimd(tf.findBackend(backendName))) {
    if (!tf.getKernel(DENSE_KERNEL, backendName)) tf.registerKernel(denseKernel(backendName));
    if (!tf.getKernel(DENSE_GRAD_KERNEL, backendName)) tf.registerKernel(denseGradKernel(backendName));
    if (!tf.getKernel(PAIRWISE_SUM_KERNEL, backendName)) tf.registerKernel(pairwiseSumKernel(backendName));
  }
  registerSegmentSumGradient();
}

/** True when the backend in use has RecLab's fused kernel `name`. */
export function hasFusedKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}
