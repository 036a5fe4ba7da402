import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  architectureTypes,
  buildArchitecture,
  getArchitecture,
  mfArchitecture,
  registerArchitecture,
  type NeuralArchitecture,
} from '../../../../core/models/neural';
import { initBackend } from '../../../../core/train/backend';

const inputs = { nUsers: 5, nItems: 7, contextDim: 0, seed: 42 };

function logits(arch: NeuralArchitecture, users: number[], items: number[]): number[] {
  return tf.tidy(() => Array.from(arch.score({ users: tf.tensor1d(users, 'int32'), items: tf.tensor1d(items, 'int32') }, false).dataSync()));
}

describe('NCF architectures', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('registers mf, gmf, mlp and neumf and refuses a duplicate', () => {
    expect(architectureTypes()).toEqual(expect.arrayContaining(['gmf', 'mf', 'mlp', 'neumf']));
    expect(() => registerArchitecture(mfArchitecture)).toThrow(/Architecture type 'mf' is already registered/);
    expect(() => getArchitecture('nope')).toThrow(/Unknown architecture 'nope'. Known architectures: .*neumf/);
  });

  it('neumf with defaults has the parameter count of the PyTorch reference network', () => {
    // ML-100K sizes: 4 embeddings of 32, Linear(64,64), Linear(64,32), Linear(32,16), Linear(48,1).
    const arch = buildArchitecture({ type: 'neumf' }, { nUsers: 943, nItems: 1682, contextDim: 0, seed: 0 });
    const s = arch.summary();
    const embeddings = 2 * (943 + 1682) * 32;
    const dense = 64 * 64 + 64 + 64 * 32 + 32 + 32 * 16 + 16 + 48 + 1;
    expect(s.parameters).toBe(embeddings + dense);
    // The first MLP kernel and the output kernel are stored as row blocks (user | item, GMF | MLP).
    expect(s.layers!.map((l) => l.shape)).toEqual([
      '[943, 32]', '[1682, 32]', '[943, 32]', '[1682, 32]',
      '[32, 64]', '[32, 64]', '[64]', '[64, 32]', '[32]', '[32, 16]', '[16]',
      '[32, 1]', '[16, 1]', '[1]',
    ]);
    arch.dispose();
  });

  it.each([
    ['mf', 5 * 8 + 7 * 8 + 7],
    ['gmf', 5 * 8 + 7 * 8 + 8 + 1],
    ['mlp', 5 * 8 + 7 * 8 + (16 * 4 + 4) + (4 + 1)],
  ])('%s summary counts its parameters', (type, expected) => {
    const config = type === 'mlp' ? { type, dim: 8, layers: [4] } : { type, dim: 8 };
    // mlp: kernel blocks [8, 4] + [8, 4], bias 4, output [4, 1] + 1.
    const arch = buildArchitecture(config, inputs);
    expect(arch.summary().parameters).toBe(expected);
    arch.dispose();
  });

  it('initialises embeddings with std 0.01 from the seed, the same for the same seed', () => {
    const a = buildArchitecture({ type: 'neumf' }, { ...inputs, nUsers: 300 });
    const b = buildArchitecture({ type: 'neumf' }, { ...inputs, nUsers: 300 });
    const values = Array.from(a.variables[0].dataSync());
    expect(values).toEqual(Array.from(b.variables[0].dataSync()));
    const std = Math.sqrt(values.reduce((s, v) => s + v * v, 0) / values.length);
    expect(std).toBeGreaterThan(0.009);
    expect(std).toBeLessThan(0.011);
    a.dispose();
    b.dispose();
  });

  it.each(['mf', 'gmf'])('%s factors() reproduce its logits', (type) => {
    const arch = buildArchitecture({ type, dim: 3, initStd: 0.5 }, inputs);
    const f = arch.factors!();
    const users = [0, 4, 2];
    const items = [6, 1, 2];
    const got = logits(arch, users, items);
    users.forEach((u, k) => {
      let s = f.itemBias ? f.itemBias[items[k]] : 0;
      for (let d = 0; d < 3; d++) s += f.users[u * 3 + d] * f.items[items[k] * 3 + d];
      expect(got[k]).toBeCloseTo(s, 5);
    });
    arch.dispose();
  });

  it('neumf logits are the output layer over concat(GMF product, MLP tower)', () => {
    const arch = buildArchitecture({ type: 'neumf', gmfDim: 2, mlpDim: 2, layers: [3] }, inputs);
    const [gu, gi, mu, mi, w1u, w1i, b1, wog, woh, bo] = arch.variables.map((v) => Array.from(v.dataSync()));
    const w1 = [...w1u, ...w1i]; // the [4, 3] kernel over concat(user, item), rows stacked
    const wo = [...wog, ...woh];
    const u = 3;
    const i = 5;
    const x = [mu[u * 2], mu[u * 2 + 1], mi[i * 2], mi[i * 2 + 1]];
    const h = [0, 1, 2].map((c) => Math.max(0, b1[c] + x.reduce((s, xv, r) => s + xv * w1[r * 3 + c], 0)));
    const z = [gu[u * 2] * gi[i * 2], gu[u * 2 + 1] * gi[i * 2 + 1], ...h];
    const expected = bo[0] + z.reduce((s, zv, r) => s + zv * wo[r], 0);
    expect(logits(arch, [u], [i])[0]).toBeCloseTo(expected, 6);
    arch.dispose();
  });
});

describe('dense layers', () => {
  it('the hand-written dense gradient equals autodiff of the same function', async () => {
    const { multiInputDenseLayer, applyMultiInputDense } = await import('../../../../core/models/neural');
    const { Rng } = await import('../../../../core/util');
    await initBackend('wasm');
    const layer = multiInputDenseLayer('t', [3, 2], 4, new Rng(1), 'relu');
    const a = tf.tensor2d(Float32Array.from({ length: 15 }, (_, k) => Math.sin(k)), [5, 3]);
    const b = tf.tensor2d(Float32Array.from({ length: 10 }, (_, k) => Math.cos(3 * k)), [5, 2]);
    const weights = tf.tensor1d([1, -2, 3, 0.5]);
    const vars = [...layer.kernels, layer.bias];
    const fast = tf.variableGrads(() => tf.sum(tf.mul(applyMultiInputDense(layer, [a, b]), weights)) as tf.Scalar, vars);
    const slow = tf.variableGrads(() => {
      const z = tf.add(tf.add(tf.matMul(a, layer.kernels[0]), tf.matMul(b, layer.kernels[1])), layer.bias);
      return tf.sum(tf.mul(tf.relu(z), weights)) as tf.Scalar;
    }, vars);
    expect(fast.value.dataSync()[0]).toBeCloseTo(slow.value.dataSync()[0], 5);
    for (const v of vars) {
      const f = fast.grads[v.name].dataSync();
      const s = slow.grads[v.name].dataSync();
      expect(Array.from(s).some((x) => x !== 0)).toBe(true);
      f.forEach((x, k) => expect(x).toBeCloseTo(s[k], 5));
    }
    tf.dispose([a, b, weights, fast.value, slow.value, fast.grads, slow.grads]);
    vars.forEach((v) => v.dispose());
  });

  it('a pair tower is a ReLU stack over concat(user, item), its variables named and ordered as the NCF bundles carry them', async () => {
    const { pairTower, applyPairTower, pairTowerVariables, disposeVariables } = await import('../../../../core/models/neural');
    const { Rng } = await import('../../../../core/util');
    await initBackend('cpu');
    const before = tf.memory().numTensors;
    const tower = pairTower('t', 2, [4, 3], new Rng(1));
    const vars = pairTowerVariables(tower);
    expect(vars.map((v) => v.name.replace(/_\d+$/, ''))).toEqual(['t/dense_0/kernel_0', 't/dense_0/kernel_1', 't/dense_0/bias', 't/dense_0/kernel', 't/dense_0/bias']);
    expect(vars.map((v) => v.shape)).toEqual([[2, 4], [2, 4], [4], [4, 3], [3]]);
    const [got, expected] = tf.tidy(() => {
      const u = tf.tensor2d([0.5, -1, 2, 0.3], [2, 2]);
      const i = tf.tensor2d([1, 0.2, -0.7, 1.5], [2, 2]);
      const firstKernel = tf.concat([tower.first.kernels[0], tower.first.kernels[1]], 0);
      const h = tf.relu(tf.add(tf.matMul(tf.concat([u, i], 1), firstKernel), tower.first.bias));
      const ref = tf.relu(tf.add(tf.matMul(h, tower.rest[0].kernel), tower.rest[0].bias));
      return [Array.from(applyPairTower(tower, u, i).dataSync()), Array.from(ref.dataSync())];
    });
    expect(got.some((x) => x !== 0)).toBe(true);
    got.forEach((x, k) => expect(x).toBeCloseTo(expected[k], 6));
    disposeVariables(vars);
    expect(tf.memory().numTensors).toBe(before);
  });
});
