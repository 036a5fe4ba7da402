import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../core/train/backend';

/** Values and gradients of a small embedding + dense model on the current backend. */
function embeddingModel(): { loss: number; grads: Float32Array[] } {
  return tf.tidy(() => {
    const table = tf.variable(tf.tensor2d(Float32Array.from({ length: 7 * 3 }, (_, k) => Math.sin(k + 1)), [7, 3]));
    const w = tf.variable(tf.tensor2d(Float32Array.from({ length: 3 * 2 }, (_, k) => Math.cos(k)), [3, 2]));
    const ids = tf.tensor1d([0, 3, 3, 6, 1, 3], 'int32');
    const { value, grads } = tf.variableGrads(() => {
      const rows = tf.gather(table, ids) as tf.Tensor2D;
      const h = tf.relu(tf.matMul(rows, w));
      return tf.sum(tf.mul(h, tf.matMul(rows, w, false, false))) as tf.Scalar;
    }, [table, w]);
    const out = { loss: value.dataSync()[0], grads: [grads[table.name], grads[w.name]].map((g) => g.dataSync() as Float32Array) };
    table.dispose();
    w.dispose();
    return out;
  });
}

describe('initBackend', () => {
  let reference: { loss: number; grads: Float32Array[] };
  beforeAll(async () => {
    expect(await initBackend('cpu')).toBe('cpu');
    reference = embeddingModel();
  });

  it('falls back from the missing native package to wasm', async () => {
    // @tensorflow/tfjs-node is an optional dependency that is not installed here.
    expect(['tensorflow', 'wasm']).toContain(await initBackend());
    expect(tf.getBackend()).toBe(await initBackend());
  });

  it('gives embedding gradients on wasm equal to cpu (gather, UnsortedSegmentSum, transposed matmul)', async () => {
    expect(await initBackend('wasm')).toBe('wasm');
    const got = embeddingModel();
    expect(got.loss).toBeCloseTo(reference.loss, 5);
    // Row 3 is looked up three times and rows 2, 4, 5 never: sums and zeros both checked.
    expect(Array.from(got.grads[0].subarray(9, 12)).some((v) => v !== 0)).toBe(true);
    expect(Array.from(got.grads[0].subarray(6, 9))).toEqual([0, 0, 0]);
    for (let g = 0; g < 2; g++) {
      expect(got.grads[g].length).toBe(reference.grads[g].length);
      got.grads[g].forEach((v, k) => expect(Math.abs(v - reference.grads[g][k])).toBeLessThan(1e-6));
    }
  });

  it('matches cpu on transposed matrix products of training shapes', async () => {
    await initBackend('wasm');
    const a = Float32Array.from({ length: 37 * 5 }, (_, k) => Math.sin(k));
    const b = Float32Array.from({ length: 37 * 4 }, (_, k) => Math.cos(k));
    const product = () => tf.tidy(() => tf.matMul(tf.tensor2d(a, [37, 5]), tf.tensor2d(b, [37, 4]), true, false).dataSync());
    const onWasm = product();
    await initBackend('cpu');
    const onCpu = product();
    onWasm.forEach((v, k) => expect(v).toBeCloseTo(onCpu[k], 4));
  });

  it('rejects an unknown backend name', async () => {
    await expect(initBackend('webgpu' as never)).rejects.toThrow(/Unknown tfjs backend 'webgpu'/);
  });
});

describe('data-sharing kernels on wasm', () => {
  it('transposes give cpu results, whether they move data or only size-1 axes', async () => {
    const x = Float32Array.from({ length: 2 * 3 * 4 }, (_, k) => k);
    const cases: [number[], number[]][] = [
      [[2, 3, 4], [0, 1, 2]],
      [[2, 3, 4], [2, 0, 1]],
      [[1, 6, 4], [1, 0, 2]],
      [[6, 1, 4], [0, 2, 1]],
      [[6, 1, 4], [2, 1, 0]],
    ];
    const run = () => cases.map(([shape, perm]) => tf.tidy(() => {
      const t = tf.transpose(tf.tensor(x, shape), perm);
      return { shape: t.shape, values: Array.from(t.dataSync()) };
    }));
    await initBackend('cpu');
    const want = run();
    await initBackend('wasm');
    const before = tf.memory().numTensors;
    expect(run()).toEqual(want);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a clone outlives its source and keeps its values after the source is reassigned', async () => {
    await initBackend('wasm');
    const init = tf.tensor1d([1, 2, 3]);
    const next = tf.tensor1d([7, 8, 9]);
    const v = tf.variable(init);
    const snapshot = tf.clone(v);
    v.assign(next);
    tf.dispose([init, next]);
    expect(Array.from(snapshot.dataSync())).toEqual([1, 2, 3]);
    v.dispose();
    expect(Array.from(snapshot.dataSync())).toEqual([1, 2, 3]);
    snapshot.dispose();
  });
});

describe('Cast on wasm', () => {
  it('shares data for a cast to the same dtype (the copy outlives its source) and converts otherwise', async () => {
    await initBackend('wasm');
    const before = tf.memory().numTensors;
    const x = tf.tensor1d([1.5, -2.25, 3]);
    const same = tf.cast(x, 'float32');
    const ints = tf.cast(x, 'int32');
    x.dispose();
    expect(Array.from(same.dataSync())).toEqual([1.5, -2.25, 3]);
    expect(ints.dtype).toBe('int32');
    expect(Array.from(ints.dataSync())).toEqual([1, -2, 3]);
    tf.dispose([same, ints]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('UnsortedSegmentSum on wasm', () => {
  it('sums rows by segment and drops ids outside [0, numSegments), as TensorFlow does', async () => {
    await initBackend('wasm');
    const x = tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]]);
    const inRange = tf.unsortedSegmentSum(x, tf.tensor1d([2, 0, 2, 1], 'int32'), 3);
    expect(Array.from(inRange.dataSync())).toEqual([3, 4, 7, 8, 6, 8]);
    const outOfRange = tf.unsortedSegmentSum(x, tf.tensor1d([2, -1, 5, 2], 'int32'), 3);
    expect(Array.from(outOfRange.dataSync())).toEqual([0, 0, 0, 0, 8, 10]);
    tf.dispose([x, inRange, outOfRange]);
  });
});
