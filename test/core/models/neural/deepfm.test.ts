import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { deepFmArchitecture } from '../../../../core/models/neural/deepfm';
import {
  allPairs,
  buildWith,
  countParameters,
  expectColdItemsFollowFeatures,
  expectNoLeak,
  findVariable,
  gradientMagnitudes,
  scoreMatrix,
  tinyInputs,
} from './hybrid-fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const config = { embeddingDim: 4, hidden: [5] };

describe('deepfm architecture', () => {
  it('has the hand-counted parameters', () => {
    const arch = buildWith(deepFmArchitecture, config, tinyInputs());
    expect(scoreMatrix(arch, 2).flat()).toHaveLength(15);
    // per field latent (rows x 4) + linear (rows): user id 3 -> 15, item id 5 -> 25,
    // user features 2 -> 10, item features 3 -> 15, context 2 -> 10;
    // deep MLP over 5 fields x 4 = 20: (20x5+5) + (5x1+1)
    const expected = 15 + 25 + 10 + 15 + 10 + 105 + 6;
    expect(countParameters(arch)).toBe(expected);
    expect(arch.summary().parameters).toBe(expected);
    arch.dispose();
  });

  it('computes the FM part as the brute-force sum over feature pairs', () => {
    const inputs = tinyInputs();
    const arch = buildWith(deepFmArchitecture, config, inputs);
    // Silence the deep part, and give the first-order weights values, so the logit is the FM alone.
    tf.tidy(() => {
      findVariable(arch, 'deepfm/deep/out/kernel').assign(tf.zeros([5, 1]));
      findVariable(arch, 'deepfm/deep/out/bias').assign(tf.zeros([1]));
      for (const name of ['user_id', 'item_id', 'user_features', 'item_features', 'context']) {
        const lin = findVariable(arch, `deepfm/${name}_linear`);
        lin.assign(tf.linspace(-0.3, 0.4, lin.shape[0]).reshape(lin.shape));
      }
    });
    const context = [0.5, -0.5];
    const s = scoreMatrix(arch, 2, context);
    const values = (name: string) => Array.from(findVariable(arch, `deepfm/${name}`).dataSync());
    const lat = Object.fromEntries(['user_id', 'item_id', 'user_features', 'item_features', 'context'].map((n) => [n, values(`${n}_latent`)]));
    const lin = Object.fromEntries(['user_id', 'item_id', 'user_features', 'item_features', 'context'].map((n) => [n, values(`${n}_linear`)]));
    const xu = inputs.userFeatures!.values;
    const xi = inputs.itemFeatures!.values;
    const { users, items } = allPairs();
    users.forEach((u, k) => {
      const i = items[k];
      const warmItem = i < 3 ? 1 : 0;
      // (value, latent vector, first-order weight) of every active feature.
      const feats: [number, number[], number][] = [
        [1, lat.user_id.slice(u * 4, u * 4 + 4), lin.user_id[u]],
        [warmItem, lat.item_id.slice(i * 4, i * 4 + 4), lin.item_id[i]],
        ...[0, 1].map((j): [number, number[], number] => [xu[u * 2 + j], lat.user_features.slice(j * 4, j * 4 + 4), lin.user_features[j]]),
        ...[0, 1, 2].map((j): [number, number[], number] => [xi[i * 3 + j], lat.item_features.slice(j * 4, j * 4 + 4), lin.item_features[j]]),
        ...[0, 1].map((j): [number, number[], number] => [context[j], lat.context.slice(j * 4, j * 4 + 4), lin.context[j]]),
      ];
      let expected = 0;
      for (const [x, , w] of feats) expected += x * w;
      for (let a = 0; a < feats.length; a++)
        for (let b = a + 1; b < feats.length; b++) {
          let dot = 0;
          for (let d = 0; d < 4; d++) dot += feats[a][1][d] * feats[b][1][d];
          expected += dot * feats[a][0] * feats[b][0];
        }
      expect(s[u][i]).toBeCloseTo(expected, 5);
    });
    arch.dispose();
  });

  it('sends gradient to every variable', () => {
    const arch = buildWith(deepFmArchitecture, config, tinyInputs());
    for (const [name, g] of gradientMagnitudes(arch, 2)) expect(g, name).toBeGreaterThan(0);
    arch.dispose();
  });

  it('scores cold items by their features', () => {
    expectColdItemsFollowFeatures(deepFmArchitecture, config, 2);
  });

  it('works without user features or context', () => {
    const arch = buildWith(deepFmArchitecture, config, tinyInputs({ coldTwins: false, userFeatures: false, context: false }));
    // fields: user id 15, item id 25, item features 15; deep over 3 x 4 = 12: (12x5+5) + 6
    expect(countParameters(arch)).toBe(15 + 25 + 15 + 65 + 6);
    expect(scoreMatrix(arch, 0).flat().every(Number.isFinite)).toBe(true);
    arch.dispose();
  });

  it('frees every tensor it allocates', () => {
    expectNoLeak(deepFmArchitecture, config, 2);
  });
});
