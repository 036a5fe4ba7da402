import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { contentArchitecture } from '../../../../core/models/neural/content';
import { collectLookups } from '../../../../core/models/neural/layers';
import {
  buildWith,
  countParameters,
  disposeBatch,
  pairBatch,
  expectColdItemsFollowFeatures,
  expectFactorsMatchScores,
  expectNoLeak,
  gradientMagnitudes,
  scoreMatrix,
  tinyInputs,
} from './hybrid-fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const config = { dim: 4, itemHidden: [5], userHidden: [6] };

describe('content architecture', () => {
  it('scores a batch with the hand-counted number of parameters', () => {
    const arch = buildWith(contentArchitecture, config, tinyInputs());
    expect(scoreMatrix(arch, 0).flat()).toHaveLength(15);
    // user emb 3x4 + item tower (3x5+5) + (5x4+4) + item bias 3+1
    const expected = 12 + 20 + 24 + 4;
    expect(countParameters(arch)).toBe(expected);
    expect(arch.summary().parameters).toBe(expected);
    expect(arch.summary().layers).toHaveLength(7);
    arch.dispose();
  });

  it('counts the user feature tower instead of the id embedding with user: features', () => {
    const arch = buildWith(contentArchitecture, { ...config, user: 'features' }, tinyInputs());
    // user tower (2x6+6) + (6x4+4), item tower 20 + 24, item bias 4
    expect(countParameters(arch)).toBe(18 + 28 + 20 + 24 + 4);
    arch.dispose();
  });

  it('sends gradient to every variable', () => {
    for (const user of ['id', 'features']) {
      const arch = buildWith(contentArchitecture, { ...config, user }, tinyInputs());
      for (const [name, g] of gradientMagnitudes(arch, 0)) expect(g, name).toBeGreaterThan(0);
      arch.dispose();
    }
  });

  it('factors() reproduce score()', () => {
    for (const user of ['id', 'features']) {
      const arch = buildWith(contentArchitecture, { ...config, user }, tinyInputs());
      expectFactorsMatchScores(arch);
      arch.dispose();
    }
  });

  it('scores cold items by their features', () => {
    expectColdItemsFollowFeatures(contentArchitecture, config, 0);
  });

  it('masks the id vector of a user without training interactions', () => {
    const inputs = tinyInputs();
    // Drop user 2's interactions: its scores are then the feature item bias alone.
    inputs.graph = { ...inputs.graph!, indptr: Int32Array.from([0, 2, 4, 4]), indices: inputs.graph!.indices.slice(0, 4), values: inputs.graph!.values.slice(0, 4) };
    const arch = buildWith(contentArchitecture, config, inputs);
    const f = arch.factors!();
    expect(Array.from(f.users.slice(8, 12), Math.abs)).toEqual([0, 0, 0, 0]);
    const s = scoreMatrix(arch, 0);
    for (let i = 0; i < 5; i++) expect(s[2][i]).toBeCloseTo(f.itemBias![i], 6);
    arch.dispose();
  });

  it('rejects a feature block of the wrong size, naming the sizes', () => {
    const inputs = tinyInputs();
    inputs.itemFeatures = { dim: 3, values: new Float32Array(12) };
    expect(() => buildWith(contentArchitecture, config, inputs)).toThrow(/12 values; expected 5 items x 3 columns = 15/);
  });

  it("puts only trainable rows under the trainer's L2 (no feature rows)", () => {
    for (const [user, expected] of [['features', []], ['id', [[15, 4]]]] as const) {
      const arch = buildWith(contentArchitecture, { ...config, user }, tinyInputs());
      const batch = pairBatch(0);
      const shapes = tf.tidy(() => collectLookups(() => arch.score(batch, true)).lookups.map((t) => t.shape));
      expect(shapes).toEqual(expected);
      disposeBatch(batch);
      arch.dispose();
    }
  });

  it('frees every tensor it allocates', () => {
    expectNoLeak(contentArchitecture, config, 0);
    expectNoLeak(contentArchitecture, { ...config, user: 'features' }, 0);
  });
});
