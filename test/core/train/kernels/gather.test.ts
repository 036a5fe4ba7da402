import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../core/train/backend';
import { disableHeapSimd } from '../../../../core/train/kernels/heap-simd';

const IDS = [4, 0, 4, 2, 1, 4, 3];

/** Rows IDS of a 5 x width table, for float32 and int32 tables. */
function lookups(width: number): { float: number[]; int: number[] } {
  return tf.tidy(() => {
    const values = Array.from({ length: 5 * width }, (_, k) => k * 1.5 - 7);
    const ids = tf.tensor1d(IDS, 'int32');
    return {
      float: Array.from(tf.gather(tf.tensor2d(values, [5, width]), ids).dataSync()),
      int: Array.from(tf.gather(tf.tensor2d(values.map(Math.round), [5, width], 'int32'), ids).dataSync()),
    };
  });
}

/** Row r of the expected lookup: table row IDS[r] by hand. */
function expected(width: number, round: boolean): number[] {
  return IDS.flatMap((id) => Array.from({ length: width }, (_, c) => (id * width + c) * 1.5 - 7)).map((v) => (round ? Math.round(v) : v));
}

describe('embedding gather on wasm', () => {
  afterEach(() => disableHeapSimd(false));

  // Widths 8 and 32 run the SIMD row copy, 3 the JS one; the same with the SIMD loops off.
  for (const simd of [true, false]) {
    it(`copies the requested rows, repeats included (${simd ? 'SIMD' : 'JS'})`, async () => {
      await initBackend('wasm');
      disableHeapSimd(!simd);
      const before = tf.memory().numTensors;
      for (const width of [8, 32, 3]) {
        const got = lookups(width);
        expect(got.float).toEqual(expected(width, false));
        expect(got.int).toEqual(expected(width, true));
      }
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('names an out-of-range id', async () => {
    await initBackend('wasm');
    expect(() => tf.tidy(() => tf.gather(tf.zeros([5, 8]), tf.tensor1d([1, 5], 'int32')))).toThrow(/index value 5 is not in \[0, 4\]/);
  });
});

describe('UnsortedSegmentSum on wasm, rows of a multiple of 4 (SIMD)', () => {
  afterEach(() => disableHeapSimd(false));

  it('sums rows by id into zeroed rows, as a loop by hand does', async () => {
    await initBackend('wasm');
    const width = 8;
    const x = Array.from({ length: IDS.length * width }, (_, k) => Math.sin(k));
    const want = new Array(6 * width).fill(0);
    IDS.forEach((id, r) => {
      for (let c = 0; c < width; c++) want[id * width + c] += x[r * width + c];
    });
    const run = () => tf.tidy(() => Array.from(tf.unsortedSegmentSum(tf.tensor2d(x, [IDS.length, width]), tf.tensor1d(IDS, 'int32'), 6).dataSync()));
    for (const simd of [true, false]) {
      disableHeapSimd(!simd);
      run().forEach((v, k) => expect(v).toBeCloseTo(want[k], 6));
    }
    // Row 5 is no id's: zeros, also in a heap reused from earlier tensors.
    expect(run().slice(5 * width)).toEqual(new Array(width).fill(0));
  });
});
