import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../../../core/train/backend';
import { SPARSE_DENSE_MATMUL_KERNEL } from '../../../../core/models/neural/kernel-names';
import { applyDenseTo, bilinear, featureTable, lookupRows, perDistinctId, timesInputs } from '../../../../core/models/neural/feature-table';
import { applyDense, denseLayer, disposeVariables } from '../../../../core/models/neural/layers';
import { Rng } from '../../../../core/util';

/*
 * Feature tables against a written-out dense reference: X[ids] · W and its gradient
 * X[ids]^T G, on the sparse (CSR) and the dense layout, through RecLab's kernel (cpu,
 * wasm) and through the gather + segment-sum fallback.
 */

const ROWS = 7;
const DIM = 10;
/** 7 x 10, 12 nonzeros (17 %): row 4 is empty, column 9 is never used. */
const SPARSE: number[][] = [
  [0, 1, 0, 0, 0.5, 0, 0, 0, 0, 0],
  [0, 0, 0, 0, 0, 0, 0, -1.5, 0, 0],
  [2, 0, 0, 0, 0, 0, 0, 0.25, 0, 0],
  [0, 0, 0.75, 0, 0, 0, 0, 0, 0, 0],
  [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  [0, 1, 0, 1, 0, 0, 1, 0, 0, 0],
  [0, 0, 0, 0, 0, -0.3, 0, 0, 1.2, 0],
];
/** A dense block (every value nonzero). */
const DENSE: number[][] = Array.from({ length: ROWS }, (_, r) => Array.from({ length: DIM }, (_, c) => Math.sin(r * DIM + c + 1)));
/** Batch rows, with repeats and the empty row. */
const IDS = [3, 0, 3, 6, 4, 5, 0, 2];

function block(rows: number[][]) {
  return { dim: DIM, values: Float32Array.from(rows.flat()) };
}

function matrix(n: number, m: number, f: (k: number) => number): Float32Array {
  return Float32Array.from({ length: n * m }, (_, k) => f(k));
}

/** X[ids] · W (optionally with squared X) and X[ids]^T G, in double precision. */
function reference(rows: number[][], w: Float32Array, g: Float32Array, d: number, squared = false): { value: number[]; grad: number[] } {
  const value = new Array(IDS.length * d).fill(0);
  const grad = new Array(DIM * d).fill(0);
  IDS.forEach((r, b) => {
    for (let j = 0; j < DIM; j++) {
      const x = squared ? rows[r][j] ** 2 : rows[r][j];
      for (let c = 0; c < d; c++) {
        value[b * d + c] += x * w[j * d + c];
        grad[j * d + c] += x * g[b * d + c];
      }
    }
  });
  return { value, grad };
}

/** Value of table.times and the gradient of sum(G * times) with respect to W. */
function timesAndGrad(rows: number[][], d: number, squared: boolean): { value: Float32Array; grad: Float32Array; sparse: boolean } {
  const table = featureTable(block(rows), ROWS, 'item');
  const w = matrix(DIM, d, (k) => Math.cos(k));
  const g = matrix(IDS.length, d, (k) => Math.sin(3 * k));
  const out = tf.tidy(() => {
    const ids = tf.tensor1d(IDS, 'int32');
    const wt = tf.tensor2d(w, [DIM, d]);
    const gt = tf.tensor2d(g, [IDS.length, d]);
    const value = table.times(ids, wt, squared).dataSync() as Float32Array;
    const grad = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(table.times(ids, x as tf.Tensor2D, squared), gt)))(wt).dataSync() as Float32Array;
    return { value, grad };
  });
  const sparse = table.sparse;
  table.dispose();
  return { ...out, sparse };
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let k = 0; k < want.length; k++) expect(Math.abs(got[k] - want[k]), `${what} [${k}]`).toBeLessThan(1e-5);
}

function expectTablesMatchReference(): void {
  for (const [name, rows] of [['sparse', SPARSE], ['dense', DENSE]] as const) {
    // Width 5 runs the kernel's JS loop, 8 its SIMD module.
    for (const d of [5, 8]) {
      for (const squared of [false, true]) {
        const before = tf.memory().numTensors;
        const got = timesAndGrad(rows, d, squared);
        expect(tf.memory().numTensors, `${name} leaks`).toBe(before);
        expect(got.sparse).toBe(name === 'sparse');
        const want = reference(rows, matrix(DIM, d, (k) => Math.cos(k)), matrix(IDS.length, d, (k) => Math.sin(3 * k)), d, squared);
        expectClose(got.value, want.value, `${name} d=${d} squared=${squared} value`);
        expectClose(got.grad, want.grad, `${name} d=${d} squared=${squared} gradient`);
      }
    }
  }
}

describe('featureTable', () => {
  it('keeps a mostly-zero block as CSR and a dense one dense, and rejects a block of the wrong size or with NaN', () => {
    const sparse = featureTable(block(SPARSE), ROWS, 'item');
    const dense = featureTable(block(DENSE), ROWS, 'user');
    expect([sparse.sparse, sparse.rows, sparse.dim]).toEqual([true, ROWS, DIM]);
    expect(dense.sparse).toBe(false);
    sparse.dispose();
    dense.dispose();
    expect(() => featureTable(block(SPARSE), ROWS + 1, 'item')).toThrow(/70 values; expected 8 items x 10 columns = 80/);
    const bad = block(SPARSE);
    bad.values[13] = NaN;
    expect(() => featureTable(bad, ROWS, 'item')).toThrow(/NaN at item 1, column 3/);
  });

  it('multiplies the batch rows and gives the weight gradient X^T G without the kernel (gather + segment-sum)', async () => {
    await tf.setBackend('cpu');
    expect(tf.getKernel(SPARSE_DENSE_MATMUL_KERNEL, 'cpu')).toBeUndefined();
    expectTablesMatchReference();
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`multiplies the batch rows and gives the weight gradient X^T G through RecLab's kernel on ${backend}`, async () => {
      expect(await initBackend(backend)).toBe(backend);
      expect(tf.getKernel(SPARSE_DENSE_MATMUL_KERNEL, backend)).toBeDefined();
      expectTablesMatchReference();
    });
  }

  it('reads dense rows in either layout, and dispose frees them', async () => {
    await initBackend('cpu');
    const before = tf.memory().numTensors;
    for (const rows of [SPARSE, DENSE]) {
      const table = featureTable(block(rows), ROWS, 'item');
      const got = tf.tidy(() => table.rowsOf(tf.tensor1d(IDS, 'int32')).dataSync());
      expectClose(got, IDS.flatMap((r) => rows[r]), 'rows');
      table.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('dense layers over feature rows', () => {
  it('applyDenseTo over [dense, feature rows, dense] equals a dense layer over the concatenation, in value and every gradient', async () => {
    await initBackend('wasm');
    const before = tf.memory().numTensors;
    const table = featureTable(block(SPARSE), ROWS, 'item');
    const n = IDS.length;
    const layer = denseLayer('t/features', 2 + DIM + 3, 4, new Rng(5), 'relu');
    const run = (split: boolean) =>
      tf.tidy(() => {
        const ids = tf.tensor1d(IDS, 'int32');
        const left = tf.tensor2d(matrix(n, 2, (k) => Math.cos(k + 2)), [n, 2]);
        const right = tf.tensor2d(matrix(n, 3, (k) => Math.sin(k - 1)), [n, 3]);
        const g = tf.tensor2d(matrix(n, 4, (k) => Math.cos(5 * k)), [n, 4]);
        const f = () => {
          const y = split ? applyDenseTo(layer, [left, lookupRows(table, ids), right]) : applyDense(layer, tf.concat([left, table.rowsOf(ids), right], 1) as tf.Tensor2D);
          return tf.sum(tf.mul(y, g)) as tf.Scalar;
        };
        const { value, grads } = tf.variableGrads(f, [layer.kernel, layer.bias]);
        const dLeft = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(split ? applyDenseTo(layer, [x as tf.Tensor2D, lookupRows(table, ids), right]) : applyDense(layer, tf.concat([x as tf.Tensor2D, table.rowsOf(ids), right], 1) as tf.Tensor2D), g)))(left);
        return [value.dataSync()[0], ...grads[layer.kernel.name].dataSync(), ...grads[layer.bias.name].dataSync(), ...dLeft.dataSync()];
      });
    const got = run(true);
    const want = run(false);
    expect(want.slice(1).some((v) => v !== 0)).toBe(true);
    expectClose(got, want, 'value and gradients');
    // The lazily kept dense rows (read by the reference) go with the table.
    table.dispose();
    disposeVariables([layer.kernel, layer.bias]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('timesInputs refuses inputs that do not add up to the kernel', async () => {
    await initBackend('cpu');
    const table = featureTable(block(SPARSE), ROWS, 'item');
    expect(() => tf.tidy(() => timesInputs([lookupRows(table, tf.tensor1d([0], 'int32'))], tf.zeros([DIM + 1, 2]) as tf.Tensor2D))).toThrow(/10 columns, the kernel 11 rows/);
    table.dispose();
  });
});

describe('perDistinctId', () => {
  it('computes once per distinct id and equals f(ids) in value and gradient', async () => {
    await initBackend('wasm');
    const w = tf.variable(tf.tensor2d(matrix(ROWS, 3, (k) => Math.sin(k + 0.5)), [ROWS, 3]));
    const g = tf.tensor2d(matrix(IDS.length, 3, (k) => Math.cos(2 * k)), [IDS.length, 3]);
    const before = tf.memory().numTensors;
    const seen: number[] = [];
    const f = (ids: tf.Tensor1D) => {
      seen.push(ids.shape[0]);
      return tf.tanh(tf.gather(w, ids)) as tf.Tensor2D;
    };
    const run = (distinct: boolean) =>
      tf.tidy(() => {
        const ids = tf.tensor1d(IDS, 'int32');
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(distinct ? perDistinctId(ids, f) : f(ids), g)) as tf.Scalar, [w]);
        return [value.dataSync()[0], ...grads[w.name].dataSync()];
      });
    const got = run(true);
    expect(seen).toEqual([6]); // 8 ids, 6 distinct
    expectClose(got, run(false), 'value and gradient');
    // Few repeats: f sees the batch itself.
    tf.tidy(() => {
      perDistinctId(tf.tensor1d([0, 1, 2, 3], 'int32'), f);
    });
    expect(seen[seen.length - 1]).toBe(4);
    expect(tf.memory().numTensors).toBe(before);
    w.dispose();
    g.dispose();
  });
});

describe('bilinear', () => {
  /** Left rows: 4 x 3 user features (dense table), or one-hot users of 5 with weights. */
  const USER_ROWS = [
    [0.5, 0, -1],
    [0, 2, 0],
    [1, 1, 1],
    [0, 0, 0],
  ];
  const USERS = [2, 0, 2, 1, 3, 0, 1, 2];
  const WEIGHT = Float32Array.from([1, 0, 1, 1, 0.5]);

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`equals left' W right over sparse item rows, in value and weight gradient, on ${backend}`, async () => {
      await initBackend(backend);
      const items = featureTable(block(SPARSE), ROWS, 'item');
      const users = featureTable({ dim: 3, values: Float32Array.from(USER_ROWS.flat()) }, 4, 'user');
      const before = tf.memory().numTensors;
      for (const oneHot of [false, true]) {
        const nLeft = oneHot ? 5 : 3;
        const left = (b: number): number[] => (oneHot ? Array.from({ length: 5 }, (_, c) => (c === USERS[b] ? WEIGHT[c] : 0)) : USER_ROWS[USERS[b]]);
        const wValues = matrix(nLeft, DIM, (k) => Math.sin(k * 0.7));
        const g = IDS.map((_, b) => Math.cos(b + 1));
        const got = tf.tidy(() => {
          const u = tf.tensor1d(USERS, 'int32');
          const i = tf.tensor1d(IDS, 'int32');
          const w = tf.tensor2d(wValues, [nLeft, DIM]);
          const f = (x: tf.Tensor) => bilinear(oneHot ? { ids: u, size: 5, weight: WEIGHT } : lookupRows(users, u), lookupRows(items, i), x as tf.Tensor2D);
          return { value: f(w).dataSync(), grad: tf.grad((x: tf.Tensor) => tf.sum(tf.mul(f(x), tf.tensor1d(g))))(w).dataSync() };
        });
        const value = IDS.map(() => 0);
        const grad = new Array(nLeft * DIM).fill(0);
        IDS.forEach((r, b) => {
          const l = left(b);
          for (let p = 0; p < nLeft; p++)
            for (let q = 0; q < DIM; q++) {
              value[b] += l[p] * wValues[p * DIM + q] * SPARSE[r][q];
              grad[p * DIM + q] += l[p] * SPARSE[r][q] * g[b];
            }
        });
        expectClose(got.value, value, `oneHot=${oneHot} value`);
        expectClose(got.grad, grad, `oneHot=${oneHot} gradient`);
      }
      expect(tf.memory().numTensors).toBe(before);
      items.dispose();
      users.dispose();
    });
  }
});
