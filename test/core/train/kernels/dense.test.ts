import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../core/train/backend';
import { disableHeapSimd } from '../../../../core/train/kernels/heap-simd';
import { FUSED_ADAM } from '../../../../core/train/kernels/adam';
import { hasFusedKernel } from '../../../../core/train/kernels/register';
import { applyMultiInputDense, multiInputDenseLayer } from '../../../../core/models/neural/layers';
import { DENSE_GRAD_KERNEL, DENSE_KERNEL, PAIRWISE_SUM_KERNEL } from '../../../../core/models/neural/kernel-names';
import { Rng } from '../../../../core/util';

/** Deterministic values in [-1, 1) (negative ones exercise the ReLU mask). */
function values(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, k) => Math.sin(k * 1.7 + seed * 3.1));
}

interface Case {
  rows: number;
  inDims: number[];
  outDim: number;
  relu: boolean;
}

/**
 * Value and gradients (inputs, kernels, bias) of sum(G * dense(xs)) for a fixed G, by
 * RecLab's dense layer and by the reference formula in plain tfjs ops.
 */
function run(c: Case, byReference: boolean): Float32Array[] {
  return tf.tidy(() => {
    const layer = multiInputDenseLayer(`test/dense_${Math.random()}`, c.inDims, c.outDim, new Rng(3), c.relu ? 'relu' : 'linear');
    // A non-zero bias so the bias start value is checked too.
    layer.bias.assign(tf.tensor1d(values(c.outDim, 9)));
    const xs = c.inDims.map((d, k) => tf.tensor2d(values(c.rows * d, k), [c.rows, d]));
    const g = tf.tensor2d(values(c.rows * c.outDim, 7), [c.rows, c.outDim]);
    const forward = (inputs: tf.Tensor[], kernels: tf.Tensor[], bias: tf.Tensor): tf.Tensor2D => {
      if (!byReference) return applyMultiInputDense({ ...layer, kernels: kernels as tf.Variable[], bias: bias as tf.Variable }, inputs as tf.Tensor2D[]);
      const z = tf.add(tf.addN(inputs.map((x, k) => tf.matMul(x as tf.Tensor2D, kernels[k] as tf.Tensor2D))), bias);
      return (c.relu ? tf.relu(z) : z) as tf.Tensor2D;
    };
    const n = c.inDims.length;
    const all = [...xs, ...layer.kernels, layer.bias];
    const f = (...args: tf.Tensor[]) => tf.sum(tf.mul(forward(args.slice(0, n), args.slice(n, 2 * n), args[2 * n]), g)) as tf.Scalar;
    const value = forward(xs, layer.kernels, layer.bias);
    const grads = tf.grads(f)(all);
    const out = [value, ...grads].map((t) => t.dataSync() as Float32Array);
    for (const v of [...layer.kernels, layer.bias]) v.dispose();
    return out;
  });
}

/** The same value and gradients from the two kernels run directly (any widths, also those the layer code sends elsewhere). */
function byKernels(c: Case): Float32Array[] {
  return tf.tidy(() => {
    const layer = multiInputDenseLayer(`test/kernels_${Math.random()}`, c.inDims, c.outDim, new Rng(3), c.relu ? 'relu' : 'linear');
    layer.bias.assign(tf.tensor1d(values(c.outDim, 9)));
    const xs = c.inDims.map((d, k) => tf.tensor2d(values(c.rows * d, k), [c.rows, d]));
    const g = tf.tensor2d(values(c.rows * c.outDim, 7), [c.rows, c.outDim]);
    const named = (prefix: string, ts: tf.Tensor[]) => Object.fromEntries(ts.map((t, k) => [`${prefix}${k}`, t]));
    const attrs = { inputs: c.inDims.length, relu: c.relu };
    const y = tf.engine().runKernel(DENSE_KERNEL, { ...named('x', xs), ...named('w', layer.kernels), bias: layer.bias }, attrs as never) as tf.Tensor;
    const grads = tf.engine().runKernel(DENSE_GRAD_KERNEL, { dy: g, y, ...named('x', xs), ...named('w', layer.kernels) }, attrs as never) as tf.Tensor[];
    const out = [y, ...grads].map((t) => t.dataSync() as Float32Array);
    for (const v of [...layer.kernels, layer.bias]) v.dispose();
    return out;
  });
}

const CASES: Case[] = [
  // NeuMF's layers: the two-input first layer, the tower, the two-input output layer (width 1: JS path).
  { rows: 64, inDims: [32, 32], outDim: 64, relu: true },
  { rows: 64, inDims: [64], outDim: 32, relu: true },
  { rows: 64, inDims: [32, 16], outDim: 1, relu: false },
  // Widths that are not multiples of 4 or 32 (the layer code keeps these on tfjs ops; the
  // kernels' scalar fallback is checked directly), an odd number of rows, one row.
  { rows: 37, inDims: [5, 12], outDim: 36, relu: true },
  { rows: 37, inDims: [3], outDim: 6, relu: true },
  { rows: 1, inDims: [8], outDim: 4, relu: false },
];

function expectClose(actual: Float32Array, expected: Float32Array, label: string): void {
  expect(actual.length, label).toBe(expected.length);
  let worst = 0;
  for (let k = 0; k < actual.length; k++) worst = Math.max(worst, Math.abs(actual[k] - expected[k]) / Math.max(1, Math.abs(expected[k])));
  expect(worst, label).toBeLessThan(1e-5);
}

describe('dense-layer kernels (wasm)', () => {
  afterEach(() => disableHeapSimd(false));

  for (const simd of [true, false]) {
    it(`match plain tfjs ops in value and every gradient (${simd ? 'SIMD' : 'JS'} loops)`, async () => {
      expect(await initBackend('wasm')).toBe('wasm');
      expect(hasFusedKernel(DENSE_KERNEL)).toBe(true);
      disableHeapSimd(!simd);
      const before = tf.memory().numTensors;
      for (const c of CASES) {
        const reference = run(c, true);
        const names = ['value', ...c.inDims.map((_, k) => `dx${k}`), ...c.inDims.map((_, k) => `dw${k}`), 'dbias'];
        for (const [how, mine] of [['layer', run(c, false)], ['kernels', byKernels(c)]] as const) {
          names.forEach((label, k) => expectClose(mine[k], reference[k], `${how} ${JSON.stringify(c)} ${label}`));
        }
      }
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('leaves the cpu backend on the op-by-op path', async () => {
    await initBackend('cpu');
    expect(hasFusedKernel(DENSE_KERNEL)).toBe(false);
    const [value] = run(CASES[4], false);
    expectClose(value, run(CASES[4], true)[0], 'cpu value');
  });
});

describe('fused Adam kernel (wasm)', () => {
  afterEach(() => disableHeapSimd(false));

  /** One Adam step over two variables of 10 elements (8 in the SIMD loop, a tail of 2 in JS). */
  function step(): Float32Array[] {
    return tf.tidy(() => {
      const t = (seed: number, scale = 1) => tf.tensor1d(values(10, seed).map((x) => x * scale));
      // Two variables in one call: the second is the first's values reversed.
      const rev = (x: tf.Tensor) => tf.reverse(x);
      const inputs = { param0: t(1), grad0: t(2), m0: t(3, 0.1), v0: t(4, 0.01).abs() };
      const second = { param1: rev(inputs.param0), grad1: rev(inputs.grad0), m1: rev(inputs.m0), v1: rev(inputs.v0) };
      const attrs = { lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, step: 3, count: 2 };
      const out = tf.engine().runKernel(FUSED_ADAM, { ...inputs, ...second }, attrs as never) as tf.Tensor[];
      // Outputs: params, then m, then v; the second variable's are the first's reversed
      // (to float32 rounding: the last 2 elements of each run in JS, in double precision).
      for (let k = 0; k < 3; k++) expectClose(out[2 * k + 1].dataSync() as Float32Array, (out[2 * k].dataSync() as Float32Array).slice().reverse(), `slot ${k}`);
      return [out[0], out[2], out[4]].map((x) => x.dataSync() as Float32Array);
    });
  }

  it('gives the same update in SIMD as in the JS loop, and as the formula', async () => {
    await initBackend('wasm');
    const simd = step();
    disableHeapSimd(true);
    const js = step();
    ['param', 'm', 'v'].forEach((label, k) => expectClose(simd[k], js[k], label));
    // Element 0 by hand.
    const [p, g, m, v] = [1, 2, 3, 4].map((s) => values(10, s)[0]);
    const m1 = 0.9 * 0.1 * m + 0.1 * g;
    const v1 = 0.999 * Math.abs(0.01 * v) + 0.001 * g * g;
    const p1 = p - ((0.01 / (1 - 0.9 ** 3)) * m1) / (Math.sqrt(v1 / (1 - 0.999 ** 3)) + 1e-8);
    expect(simd[0][0]).toBeCloseTo(p1, 5);
    expect(simd[1][0]).toBeCloseTo(m1, 6);
    expect(simd[2][0]).toBeCloseTo(v1, 6);
  });
});

describe('pairwise row sum kernel (wasm)', () => {
  afterEach(() => disableHeapSimd(false));

  for (const simd of [true, false]) {
    it(`gives act(a[u] + b[i]) for every pair, user-major (${simd ? 'SIMD' : 'JS'})`, async () => {
      await initBackend('wasm');
      disableHeapSimd(!simd);
      const before = tf.memory().numTensors;
      for (const relu of [true, false]) {
        const [mine, reference] = tf.tidy(() => {
          const a = tf.tensor2d(values(3 * 8, 1), [3, 8]);
          const b = tf.tensor2d(values(5 * 8, 2), [5, 8]);
          const sum = tf.reshape(tf.add(tf.reshape(a, [3, 1, 8]), tf.reshape(b, [1, 5, 8])), [15, 8]);
          const byKernel = tf.engine().runKernel(PAIRWISE_SUM_KERNEL, { a, b }, { relu } as never) as tf.Tensor;
          return [byKernel.dataSync() as Float32Array, (relu ? tf.relu(sum) : sum).dataSync() as Float32Array];
        });
        expectClose(mine, reference, `relu ${relu}`);
        if (relu) expect(mine.some((v) => v === 0)).toBe(true);
      }
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
