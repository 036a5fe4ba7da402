import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../../../core/train/backend';
import { hasFusedKernel } from '../../../../core/train/kernels/register';
import { simdSparseMatMul } from '../../../../core/train/kernels/sparse-matmul-simd';
import {
  csrFromTriples,
  disposeSparse,
  sparseDenseMatMul,
  sparseTensors,
} from '../../../../core/models/neural/sparse-matmul';
import { SPARSE_DENSE_MATMUL_KERNEL } from '../../../../core/models/neural/kernel-names';
import { transposeCsr } from '../../../../core/data';

/** A 6 x 4 matrix with an empty row (3), an empty column (2) and a duplicate entry (0, 1). */
const ROW = Int32Array.from([0, 0, 0, 1, 2, 4, 4, 5, 5, 1]);
const COL = Int32Array.from([1, 3, 1, 0, 3, 0, 1, 3, 0, 1]);
const VAL = Float32Array.from([0.5, -1, 0.25, 2, 1.5, -0.75, 0.3, 0.9, 1.1, -0.2]);
// Widths: 11 runs the JS loop (one block of 8 columns plus a 3-column tail), 8 the SIMD module.
let D = 11;
let X = new Float32Array(0);
/** Weights of the scalar loss sum(W * (A X)), so every output cell has its own gradient. */
let W = new Float32Array(0);
function setWidth(d: number): void {
  D = d;
  X = Float32Array.from({ length: 4 * D }, (_, k) => Math.sin(k + 1));
  W = Float32Array.from({ length: 6 * D }, (_, k) => Math.cos(k));
}
setWidth(11);

/** The same product as gather + scale + segment-sum (the formulation the kernel replaces). */
function byMessages(x: tf.Tensor2D): tf.Tensor2D {
  const messages = tf.mul(tf.gather(x, tf.tensor1d(COL, 'int32')), tf.tensor2d(VAL, [VAL.length, 1])) as tf.Tensor2D;
  return tf.unsortedSegmentSum(messages, tf.tensor1d(ROW, 'int32'), 6);
}

/** Value of A X and the gradient of sum(W * (A X)) with respect to X. */
function valueAndGrad(f: (x: tf.Tensor2D) => tf.Tensor2D): { value: Float32Array; grad: Float32Array } {
  return tf.tidy(() => {
    const x = tf.tensor2d(X, [4, D]);
    const w = tf.tensor2d(W, [6, D]);
    const value = f(x).dataSync() as Float32Array;
    const grad = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(f(input as tf.Tensor2D), w)))(x).dataSync() as Float32Array;
    return { value, grad };
  });
}

/** Dense reference written out: (A X)[r] = sum of VAL[e] X[COL[e]] over entries of row r; grad = A^T W. */
function dense(): { value: number[]; grad: number[] } {
  const value = new Array(6 * D).fill(0);
  const grad = new Array(4 * D).fill(0);
  ROW.forEach((r, e) => {
    for (let c = 0; c < D; c++) {
      value[r * D + c] += VAL[e] * X[COL[e] * D + c];
      grad[COL[e] * D + c] += VAL[e] * W[r * D + c];
    }
  });
  return { value, grad };
}

describe('sparseDenseMatMul', () => {
  it('builds CSR from triples and transposes it', () => {
    const a = csrFromTriples(6, 4, ROW, COL, VAL);
    expect(Array.from(a.indptr)).toEqual([0, 3, 5, 6, 6, 8, 10]);
    expect(Array.from(a.indices.subarray(0, 3))).toEqual([1, 3, 1]);
    const t = transposeCsr(a);
    expect([t.nRows, t.nCols]).toEqual([4, 6]);
    expect(Array.from(t.indptr)).toEqual([0, 3, 7, 7, 10]);
    expect(Array.from(t.indices.subarray(3, 7))).toEqual([0, 0, 1, 4]);
    const back = transposeCsr(t);
    expect(Array.from(back.indptr)).toEqual(Array.from(a.indptr));
    // Back in column order within each row: row 0 is (1: 0.5), (1: 0.25), (3: -1).
    expect(Array.from(back.indices.subarray(0, 3))).toEqual([1, 1, 3]);
    expect(Array.from(back.values.subarray(0, 3))).toEqual([0.5, 0.25, -1]);
  });

  for (const [backend, width] of [['cpu', 11], ['wasm', 11], ['cpu', 8], ['wasm', 8]] as const) {
    it(`equals gather + segment-sum in value and gradient on ${backend}, width ${width}, kernel and no leaks`, async () => {
      setWidth(width);
      expect(await initBackend(backend)).toBe(backend);
      expect(hasFusedKernel(SPARSE_DENSE_MATMUL_KERNEL)).toBe(true);
      const csr = csrFromTriples(6, 4, ROW, COL, VAL);
      const a = sparseTensors(csr);
      const aT = sparseTensors(transposeCsr(csr));
      const before = tf.memory().numTensors;
      const got = valueAndGrad((x) => sparseDenseMatMul(a, aT, x));
      expect(tf.memory().numTensors).toBe(before);
      const reference = valueAndGrad(byMessages);
      const hand = dense();
      got.value.forEach((v, k) => {
        expect(Math.abs(v - reference.value[k])).toBeLessThan(1e-5);
        expect(Math.abs(v - hand.value[k])).toBeLessThan(1e-5);
      });
      got.grad.forEach((g, k) => {
        expect(Math.abs(g - reference.grad[k])).toBeLessThan(1e-5);
        expect(Math.abs(g - hand.grad[k])).toBeLessThan(1e-5);
      });
      // Empty row 3 of A X is zero; column 2 of A gets no gradient.
      expect(Array.from(got.value.subarray(3 * D, 4 * D))).toEqual(new Array(D).fill(0));
      expect(Array.from(got.grad.subarray(2 * D, 3 * D))).toEqual(new Array(D).fill(0));
      disposeSparse(a);
      disposeSparse(aT);
    });
  }

  it('falls back to gather + segment-sum where the kernel is missing', async () => {
    await initBackend('cpu');
    const kernel = tf.getKernel(SPARSE_DENSE_MATMUL_KERNEL, 'cpu')!;
    tf.unregisterKernel(SPARSE_DENSE_MATMUL_KERNEL, 'cpu');
    try {
      const csr = csrFromTriples(6, 4, ROW, COL, VAL);
      const a = sparseTensors(csr);
      const aT = sparseTensors(transposeCsr(csr));
      const got = valueAndGrad((x) => sparseDenseMatMul(a, aT, x));
      const hand = dense();
      got.value.forEach((v, k) => expect(Math.abs(v - hand.value[k])).toBeLessThan(1e-5));
      got.grad.forEach((g, k) => expect(Math.abs(g - hand.grad[k])).toBeLessThan(1e-5));
      disposeSparse(a);
      disposeSparse(aT);
    } finally {
      tf.registerKernel(kernel);
    }
  });

  it('rejects a matrix whose size does not fit x', async () => {
    await initBackend('cpu');
    const a = sparseTensors(csrFromTriples(6, 4, ROW, COL, VAL));
    expect(() => tf.tidy(() => sparseDenseMatMul(a, a, tf.zeros([4, D]) as tf.Tensor2D))).toThrow(/aT 6 x 4/);
    disposeSparse(a);
  });
});

describe('simdSparseMatMul', () => {
  it('is available on Node 20 and equals a double-precision product of a larger matrix', () => {
    const simd = simdSparseMatMul();
    expect(simd).toBeDefined();
    const rows = 37;
    const d = 12;
    const indptr = Int32Array.from({ length: rows + 1 }, (_, r) => (r * r) % 7 === 3 ? r * 5 - 1 : r * 5);
    indptr[0] = 0;
    indptr[rows] = rows * 5;
    for (let r = 1; r <= rows; r++) indptr[r] = Math.max(indptr[r], indptr[r - 1]);
    const nnz = indptr[rows];
    const cols = Int32Array.from({ length: nnz }, (_, p) => (p * 7) % 23);
    const vals = Float32Array.from({ length: nnz }, (_, p) => Math.sin(p));
    const x = Float32Array.from({ length: 23 * d }, (_, k) => Math.cos(k));
    const out = new Float32Array(rows * d).fill(NaN);
    simd!(indptr, cols, vals, x, out, rows, d);
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < d; c++) {
        let want = 0;
        for (let p = indptr[r]; p < indptr[r + 1]; p++) want += vals[p] * x[cols[p] * d + c];
        expect(Math.abs(out[r * d + c] - want)).toBeLessThan(1e-5);
      }
  });
});
