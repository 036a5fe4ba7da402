import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { wideDeepArchitecture } from '../../../../core/models/neural/wide-deep';
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

describe('wide-deep architecture', () => {
  it('has the hand-counted parameters', () => {
    const arch = buildWith(wideDeepArchitecture, config, tinyInputs());
    expect(scoreMatrix(arch, 2).flat()).toHaveLength(15);
    // wide: user ids 3, item ids 5, feature + context columns 2+3+2 = 7, user x item feature cross 2x3 = 6,
    // user id x item feature cross 3x3 = 9; deep: embeddings 3x4 + 5x4, MLP over 4+4+2+3+2 = 15: (15x5+5) + (5x1+1)
    const expected = 3 + 5 + 7 + 6 + 9 + 12 + 20 + 80 + 6;
    expect(countParameters(arch)).toBe(expected);
    expect(arch.summary().parameters).toBe(expected);
    arch.dispose();
    const plain = buildWith(wideDeepArchitecture, { ...config, crosses: [] }, tinyInputs());
    expect(countParameters(plain)).toBe(expected - 15);
    plain.dispose();
  });

  it('computes the wide part as the hand-written linear model with crosses', () => {
    const inputs = tinyInputs();
    const arch = buildWith(wideDeepArchitecture, config, inputs);
    // Silence the deep part (its output bias stays as the global bias) and set wide weights.
    tf.tidy(() => {
      findVariable(arch, 'wide-deep/deep/out/kernel').assign(tf.zeros([5, 1]));
      findVariable(arch, 'wide-deep/deep/out/bias').assign(tf.tensor1d([0.25]));
      for (const name of ['wide_user', 'wide_item', 'wide_features', 'cross_user_item_features', 'cross_user_id_item_features']) {
        const v = findVariable(arch, `wide-deep/${name}`);
        v.assign(tf.linspace(-0.5, 0.7, v.size).reshape(v.shape));
      }
    });
    const context = [0.5, -0.5];
    const s = scoreMatrix(arch, 2, context);
    const w = (name: string) => Array.from(findVariable(arch, `wide-deep/${name}`).dataSync());
    const [wu, wi, wf, cf, cu] = ['wide_user', 'wide_item', 'wide_features', 'cross_user_item_features', 'cross_user_id_item_features'].map(w);
    const xu = inputs.userFeatures!.values;
    const xi = inputs.itemFeatures!.values;
    const { users, items } = allPairs();
    users.forEach((u, k) => {
      const i = items[k];
      const dense = [xu[u * 2], xu[u * 2 + 1], xi[i * 3], xi[i * 3 + 1], xi[i * 3 + 2], ...context];
      let expected = 0.25 + wu[u] + (i < 3 ? wi[i] : 0);
      dense.forEach((x, j) => (expected += x * wf[j]));
      for (let a = 0; a < 2; a++) for (let b = 0; b < 3; b++) expected += xu[u * 2 + a] * cf[a * 3 + b] * xi[i * 3 + b];
      for (let b = 0; b < 3; b++) expected += cu[u * 3 + b] * xi[i * 3 + b];
      expect(s[u][i]).toBeCloseTo(expected, 5);
    });
    arch.dispose();
  });

  it('sends gradient to every variable', () => {
    const arch = buildWith(wideDeepArchitecture, config, tinyInputs());
    for (const [name, g] of gradientMagnitudes(arch, 2)) expect(g, name).toBeGreaterThan(0);
    arch.dispose();
  });

  it('scores cold items by their features', () => {
    expectColdItemsFollowFeatures(wideDeepArchitecture, config, 2);
  });

  it('rejects unknown crosses', () => {
    expect(() => buildWith(wideDeepArchitecture, { ...config, crosses: ['item-item' as any] }, tinyInputs())).toThrow("model.crosses[0]: unknown value 'item-item'. Valid values: user-item-features, user-id-item-features.");
  });

  it('frees every tensor it allocates', () => {
    expectNoLeak(wideDeepArchitecture, config, 2);
  });
});
