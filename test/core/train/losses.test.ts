import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../core/train/backend';
import { bceWithLogits, bprLoss, sampledSoftmaxLoss } from '../../../core/train/losses';
import { BCE_WITH_LOGITS } from '../../../core/train/kernels/bce';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('losses', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('BCE with logits equals -mean(y log p + (1-y) log(1-p)), also for large logits', () => {
    const logits = [2, -1, 0, 30, -30];
    const labels = [1, 0, 1, 0, 1];
    const expected = -labels.reduce((s, y, k) => s + (y ? Math.log(sigmoid(logits[k])) : Math.log(1 - sigmoid(logits[k]))), 0) / 5;
    // Hand value of the first three terms: log(1+e^-2) + log(1+e^-1) + log 2.
    expect(Math.log1p(Math.exp(-2)) + Math.log1p(Math.exp(-1)) + Math.log(2)).toBeCloseTo(1.1336, 3);
    const got = tf.tidy(() => bceWithLogits(tf.tensor1d(logits), tf.tensor1d(labels)).dataSync()[0]);
    expect(got).toBeCloseTo(expected, 3); // float32 sums around 60
    expect(got).toBeCloseTo((1.1336 + 30 + 30) / 5, 3);
  });

  it('BCE gradient is (sigmoid(x) - y) / n', () => {
    const logits = [0.5, -2, 1];
    const labels = [1, 0, 0];
    const g = tf.tidy(() => tf.grad((x: tf.Tensor) => bceWithLogits(x as tf.Tensor1D, tf.tensor1d(labels)))(tf.tensor1d(logits)).dataSync());
    logits.forEach((x, k) => expect(g[k]).toBeCloseTo((sigmoid(x) - labels[k]) / 3, 6));
  });

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`BCE kernels give the value and gradient of the op-by-op form on ${backend}`, async () => {
      await initBackend(backend);
      const logits = Array.from({ length: 1001 }, (_, k) => 12 * Math.sin(k * 0.37));
      const labels = logits.map((_, k) => (k % 5 === 0 ? 1 : 0));
      const run = () =>
        tf.tidy(() => {
          const y = tf.tensor1d(labels);
          const f = (x: tf.Tensor) => bceWithLogits(x as tf.Tensor1D, y);
          const x = tf.tensor1d(logits);
          return { value: f(x).dataSync()[0], grad: Array.from(tf.grad(f)(x).dataSync()) };
        });
      const before = tf.memory().numTensors;
      const fused = run();
      const kernel = tf.getKernel(BCE_WITH_LOGITS, backend)!;
      tf.unregisterKernel(BCE_WITH_LOGITS, backend);
      try {
        const ops = run();
        expect(fused.value).toBeCloseTo(ops.value, 5);
        fused.grad.forEach((g, k) => expect(Math.abs(g - ops.grad[k])).toBeLessThan(1e-8));
      } finally {
        tf.registerKernel(kernel);
      }
      expect(tf.memory().numTensors).toBe(before);
      await initBackend('wasm');
    });
  }

  it('BPR is mean softplus(neg - pos)', () => {
    const got = tf.tidy(() => bprLoss(tf.tensor2d([[1], [0]]), tf.tensor2d([[0, 2], [0, -1]])).dataSync()[0]);
    // Pairs: (1,0) -> log(1+e^-1); (1,2) -> log(1+e^1); (0,0) -> log 2; (0,-1) -> log(1+e^-1).
    const expected = (2 * Math.log1p(Math.exp(-1)) + Math.log1p(Math.exp(1)) + Math.log(2)) / 4;
    expect(got).toBeCloseTo(expected, 5);
    expect(got).toBeCloseTo(0.6582, 3);
  });

  it('sampled softmax is the cross-entropy of column 0', () => {
    const got = tf.tidy(() => sampledSoftmaxLoss(tf.tensor2d([[2, 0, 0], [0, 1, -1]])).dataSync()[0]);
    const row1 = Math.log(Math.exp(2) + 2) - 2;
    const row2 = Math.log(1 + Math.E + Math.exp(-1)) - 0;
    expect(got).toBeCloseTo((row1 + row2) / 2, 5);
  });
});
