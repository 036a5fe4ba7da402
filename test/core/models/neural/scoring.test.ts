import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildArchitecture, type NeuralArchitecture } from '../../../../core/models/neural';
import { initBackend } from '../../../../core/train/backend';
import { buildCsr } from '../../../../core/data';
import { createScoreFunction, rankTopK, topKInto } from '../../../../core/models/neural/scoring';

const nItems = 9;
const inputs = { nUsers: 6, nItems, contextDim: 0, seed: 5 };

/** Scores of every pair through the network, one pair at a time. */
function pairwise(arch: NeuralArchitecture, users: number[]): Float32Array {
  const out = new Float32Array(users.length * nItems);
  users.forEach((u, r) => {
    for (let i = 0; i < nItems; i++) {
      out[r * nItems + i] = tf.tidy(() => arch.score({ users: tf.tensor1d([u], 'int32'), items: tf.tensor1d([i], 'int32') }, false).dataSync()[0]);
    }
  });
  return out;
}

describe('scoring', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it.each(['mf', 'gmf', 'mlp', 'neumf'])('%s: the fast scorer gives the network scores', (type) => {
    const arch = buildArchitecture({ type, initStd: 0.3 }, inputs);
    const users = Int32Array.from([5, 0, 3]);
    const out = new Float32Array(users.length * nItems);
    const before = tf.memory().numTensors;
    createScoreFunction(arch, nItems)(users, out);
    expect(tf.memory().numTensors).toBe(before);
    const want = pairwise(arch, Array.from(users));
    out.forEach((v, k) => expect(v).toBeCloseTo(want[k], 5));
    arch.dispose();
  });

  it.each([
    ['wide-deep', { type: 'wide-deep', embeddingDim: 3, hidden: [4] }],
    ['two-tower', { type: 'two-tower', dim: 3, idDim: 3, userHidden: [4], itemHidden: [4] }],
  ])("%s: every user is scored in their own context row", (_name, model) => {
    // Every user and item warm, so id rows count; wide weights start at zero, so give them values.
    const graph = buildCsr(6, nItems, Int32Array.from({ length: 12 }, (_, k) => k % 6), Int32Array.from({ length: 12 }, (_, k) => k % nItems));
    const arch = buildArchitecture(model, { ...inputs, contextDim: 2, graph });
    for (const v of arch.variables) v.assign(tf.tidy(() => tf.add(v, tf.mul(tf.randomUniform(v.shape, -0.5, 0.5, 'float32', 3), 1))));
    const userContext = { dim: 2, values: Float32Array.from([0, 0, 1, 0, 0, 1, -1, 2, 0.5, 0.5, 3, -3]) };
    const users = Int32Array.from([5, 0, 3, 2]);
    const out = new Float32Array(users.length * nItems);
    const before = tf.memory().numTensors;
    createScoreFunction(arch, nItems, userContext)(users, out);
    expect(tf.memory().numTensors).toBe(before);
    users.forEach((u, r) => {
      const row = userContext.values.subarray(2 * u, 2 * u + 2);
      const want = tf.tidy(() =>
        arch.score({ users: tf.fill([nItems], u, 'int32') as tf.Tensor1D, items: tf.range(0, nItems, 1, 'int32') as tf.Tensor1D, context: tf.tile(tf.tensor2d(row, [1, 2]), [nItems, 1]) as tf.Tensor2D }, false).dataSync(),
      );
      for (let i = 0; i < nItems; i++) expect(out[r * nItems + i]).toBeCloseTo(want[i], 5);
    });
    // The context matters: the zero context gives other scores.
    const zero = new Float32Array(users.length * nItems);
    createScoreFunction(arch, nItems)(users, zero);
    expect(zero.some((v, k) => Math.abs(v - out[k]) > 1e-3)).toBe(true);
    arch.dispose();
  });

  it('topKInto picks the k largest, best first, skipping -Infinity', () => {
    const scores = Float32Array.from([0.1, 5, -Infinity, 3, 5.5, 2, 3]);
    const out = new Int32Array(4);
    expect(topKInto(scores, 0, 7, 4, out, 0)).toBe(4);
    expect(Array.from(out)).toEqual([4, 1, 3, 6]);
    const few = new Int32Array(3);
    expect(topKInto(Float32Array.from([-Infinity, 1]), 0, 2, 3, few, 0)).toBe(1);
    expect(Array.from(few)).toEqual([1, -1, -1]);
  });

  it('rankTopK excludes seen items', () => {
    const arch = buildArchitecture({ type: 'mf', initStd: 0.3 }, inputs);
    const users = Int32Array.from([1, 2]);
    const all = rankTopK(arch, users, nItems, nItems);
    const seen = (u: number) => (u === 1 ? [all[0], all[1]] : []);
    const top = rankTopK(arch, users, nItems, 3, seen);
    expect(Array.from(top.subarray(0, 3))).toEqual(Array.from(all.subarray(2, 5)));
    expect(Array.from(top.subarray(3, 6))).toEqual(Array.from(all.subarray(nItems, nItems + 3)));
    arch.dispose();
  });
});
