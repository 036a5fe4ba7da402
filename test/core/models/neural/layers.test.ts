import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../../../core/train';
import { collectLookups, embeddingLookup, reportWholeTable } from '../../../../core/models/neural/layers';

describe('embeddingLookup', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    it(`gives tf.gather's rows and gradient, repeated and unused rows included (${backend})`, async () => {
      await initBackend(backend);
      const before = tf.memory().numTensors;
      const run = (lookup: (t: tf.Tensor2D, ids: tf.Tensor1D) => tf.Tensor2D) =>
        tf.tidy(() => {
          const table = tf.tensor2d(Array.from({ length: 6 * 4 }, (_, k) => Math.sin(k)), [6, 4]);
          const ids = tf.tensor1d([5, 1, 5, 0, 5], 'int32');
          const w = tf.tensor2d(Array.from({ length: 5 * 4 }, (_, k) => Math.cos(k)), [5, 4]);
          const f = (t: tf.Tensor) => tf.sum(tf.mul(lookup(t as tf.Tensor2D, ids), w));
          return { rows: Array.from(lookup(table, ids).dataSync()), grad: Array.from(tf.grad(f)(table).dataSync()) };
        });
      const mine = run(embeddingLookup);
      const reference = run((t, ids) => tf.gather(t, ids));
      expect(mine.rows).toEqual(reference.rows);
      mine.grad.forEach((g, k) => expect(g).toBeCloseTo(reference.grad[k], 6));
      // Row 5 sums three rows of w; rows 2-4 get nothing.
      expect(mine.grad.slice(8, 20)).toEqual(new Array(12).fill(0));
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('keeps ids made inside the differentiated function for the backward pass (a tf.range over all rows)', async () => {
    await initBackend('wasm');
    const before = tf.memory().numTensors;
    const grad = tf.tidy(() => {
      const table = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
      // d/dT sum(T[range] * T[range]) = 2 T.
      const f = (t: tf.Tensor) => tf.sum(tf.square(embeddingLookup(t as tf.Tensor2D, tf.range(0, 3, 1, 'int32') as tf.Tensor1D)));
      return Array.from(tf.grad(f)(table).dataSync());
    });
    expect(grad).toEqual([2, 4, 6, 8, 10, 12]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reports its rows to collectLookups (the L2 penalty)', async () => {
    await initBackend('wasm');
    tf.tidy(() => {
      const { lookups } = collectLookups(() => embeddingLookup(tf.ones([3, 2]) as tf.Tensor2D, tf.tensor1d([2, 0], 'int32')));
      expect(lookups.map((t) => t.shape)).toEqual([[2, 2]]);
    });
  });

  it('reportWholeTable puts the whole table (the variable itself, no copy) under the L2 penalty', async () => {
    await initBackend('wasm');
    const table = tf.variable(tf.ones([4, 3]));
    const { lookups } = collectLookups(() => reportWholeTable(table));
    expect(lookups).toEqual([table]);
    // Outside collectLookups (ranking) it reports nothing and does nothing.
    expect(() => reportWholeTable(table)).not.toThrow();
    table.dispose();
  });
});
