import * as tf from '@tensorflow/tfjs';
import { kernelMemory } from './heap';

/** Name of RecLab's kernel for the gradient of UnsortedSegmentSum. */
export const GATHER_DROP_NEGATIVES = 'ReclabGatherDropNegatives';

/**
 * Rows `indices` of `x` along axis 0, zero rows for ids outside [0, rows): the gradient
 * of UnsortedSegmentSum (ids the forward pass dropped get no gradient). tfjs builds it
 * from maximum + gather + greaterEqual + a broadcast logicalAnd + zerosLike + where; on
 * wasm the broadcast logicalAnd of a [160000, 1] mask with [160000, 64] ones alone takes
 * ~4.6 s. This is one row-copy pass.
 */
export function gatherDropNegativesKernel(backendName: string): tf.KernelConfig {
  return {
    kernelName: GATHER_DROP_NEGATIVES,
    backendName,
    kernelFunc: ({ inputs, backend }) => {
      const x = inputs.x as tf.TensorInfo;
      const indices = inputs.indices as tf.TensorInfo;
      const mem = kernelMemory(backendName, backend);
      const rows = x.shape[0];
      const inner = x.shape.slice(1);
      const rowSize = inner.reduce((a, s) => a * s, 1);
      const nIdx = indices.shape.reduce((a, s) => a * s, 1);
      const out = mem.output([...indices.shape, ...inner], x.dtype as 'float32' | 'int32');
      // Views after the allocation (a wasm heap growth detaches earlier ones).
      copyOrZero(mem.read(x), mem.read(indices) as Int32Array, out.values, nIdx, rowSize, rows);
      return out.info;
    },
  };
}

function copyOrZero(src: Float32Array | Int32Array, idx: Int32Array, dst: Float32Array | Int32Array, nIdx: number, rowSize: number, rows: number): void {
  for (let k = 0; k < nIdx; k++) {
    const r = idx[k];
    const to = k * rowSize;
    if (r >= 0 && r < rows) dst.set(src.subarray(r * rowSize, r * rowSize + rowSize), to);
    else dst.fill(0, to, to + rowSize);
  }
}

/** tfjs's own formulation, for backends without the kernel (tfjs-node). */
function gatherDropNegativesByOps(x: tf.Tensor, indices: tf.Tensor1D): tf.Tensor {
  const gathered = tf.gather(x, tf.maximum(indices, tf.zerosLike(indices)) as tf.Tensor1D);
  let isPositive = tf.greaterEqual(indices, tf.scalar(0, 'int32')) as tf.Tensor;
  for (let i = 0; i < gathered.rank - indices.rank; i++) isPositive = tf.expandDims(isPositive, i + 1);
  isPositive = tf.logicalAnd(isPositive, tf.ones(gathered.shape, 'bool'));
  return tf.where(isPositive, gathered, tf.zerosLike(gathered));
}

let gradientRegistered = false;

/**
 * Replaces the (global) gradient of UnsortedSegmentSum by one that runs
 * {@link GATHER_DROP_NEGATIVES} on backends that have it, tfjs's op-by-op version elsewhere.
 */
export function registerSegmentSumGradient(): void {
  if (gradientRegistered) return;
  gradientRegistered = true;
  tf.registerGradient({
    kernelName: 'UnsortedSegmentSum',
    inputsToSave: ['segmentIds'],
    gradFunc: (dy, saved) => {
      const ids = saved[0] as tf.Tensor1D;
      const g = dy as tf.Tensor;
      return {
        x: () =>
          tf.getKernel(GATHER_DROP_NEGATIVES, tf.getBackend())
            ? (tf.engine().runKernel(GATHER_DROP_NEGATIVES, { x: g, indices: ids }, {}) as tf.Tensor)
            : gatherDropNegativesByOps(g, ids),
      };
    },
  });
}
