import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../../../core/train/backend';
import { GATHER_DROP_NEGATIVES } from '../../../../core/train/kernels/gather-drop-negatives';
import { hasFusedKernel } from '../../../../core/train/kernels/register';

/** Segment ids with a repeat, a negative (dropped) and one past numSegments (dropped). */
const IDS = [2, 0, -1, 2, 4, 1];
const NUM_SEGMENTS = 3;
const D = 2;
const X = Float32Array.from({ length: IDS.length * D }, (_, k) => Math.sin(k + 1));
const W = Float32Array.from({ length: NUM_SEGMENTS * D }, (_, k) => k + 1);

/** Gradient of sum(W * unsortedSegmentSum(x, IDS)) with respect to x. */
function segmentSumGrad(): Float32Array {
  return tf.tidy(() => {
    const ids = tf.tensor1d(IDS, 'int32');
    const w = tf.tensor2d(W, [NUM_SEGMENTS, D]);
    const f = (x: tf.Tensor) => tf.sum(tf.mul(tf.unsortedSegmentSum(x, ids, NUM_SEGMENTS), w));
    return tf.grad(f)(tf.tensor2d(X, [IDS.length, D])).dataSync() as Float32Array;
  });
}

/** Row k of the gradient is W[IDS[k]], or zeros when the forward pass dropped row k. */
const EXPECTED = IDS.flatMap((s) => (s >= 0 && s < NUM_SEGMENTS ? Array.from(W.subarray(s * D, s * D + D)) : [0, 0]));

describe('UnsortedSegmentSum gradient', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`gathers dy rows and zeroes dropped ids on ${backend} with RecLab's kernel`, async () => {
      expect(await initBackend(backend)).toBe(backend);
      expect(hasFusedKernel(GATHER_DROP_NEGATIVES)).toBe(true);
      const before = tf.memory().numTensors;
      expect(Array.from(segmentSumGrad())).toEqual(EXPECTED);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it("falls back to tfjs's op-by-op form where the kernel is missing", async () => {
    await initBackend('cpu');
    const kernel = tf.getKernel(GATHER_DROP_NEGATIVES, 'cpu')!;
    tf.unregisterKernel(GATHER_DROP_NEGATIVES, 'cpu');
    try {
      // tfjs's form clips ids to >= 0 and gathers; the one past numSegments would fail in
      // gather on cpu, so the fallback is checked on in-range and negative ids only.
      const grad = tf.tidy(() => {
        const ids = tf.tensor1d([2, -1, 0], 'int32');
        const f = (x: tf.Tensor) => tf.sum(tf.mul(tf.unsortedSegmentSum(x, ids, NUM_SEGMENTS), tf.tensor2d(W, [NUM_SEGMENTS, D])));
        return Array.from(tf.grad(f)(tf.ones([3, D])).dataSync());
      });
      expect(grad).toEqual([5, 6, 0, 0, 1, 2]);
    } finally {
      tf.registerKernel(kernel);
    }
  });
});
