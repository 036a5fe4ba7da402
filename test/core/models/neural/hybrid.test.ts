import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { contentArchitecture } from '../../../../core/models/neural/content';
import { deepFmArchitecture } from '../../../../core/models/neural/deepfm';
import { hybridArchitecture } from '../../../../core/models/neural/hybrid';
import { lightGcnArchitecture } from '../../../../core/models/neural/lightgcn';
import { buildArchitecture, getArchitecture } from '../../../../core/models/neural/registry';
import { twoTowerArchitecture } from '../../../../core/models/neural/two-tower';
import { wideDeepArchitecture } from '../../../../core/models/neural/wide-deep';
import {
  buildWith,
  countParameters,
  disposeBatch,
  expectColdItemsFollowFeatures,
  expectFactorsMatchScores,
  expectNoLeak,
  gradientMagnitudes,
  pairBatch,
  scoreMatrix,
  tinyInputs,
} from './hybrid-fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const base = { dim: 4, contentHidden: [5], fusionHidden: [6], gateHidden: [3] };
// Shared by every fusion (user content from user features):
// user emb 3x4 = 12, item emb 5x4 = 20, user content (2x5+5) + (5x4+4) = 39, item content (3x5+5) + (5x4+4) = 44.
const SHARED = 12 + 20 + 39 + 44;

describe('hybrid architecture', () => {
  it('has the hand-counted parameters for each fusion', () => {
    const cases: [Record<string, unknown>, number][] = [
      // fusion MLP over 4 x dim = 16: (16x6+6) + (6x1+1)
      [{ fusion: 'concat' }, SHARED + 102 + 7],
      // item id bias 5, feature bias 3+1
      [{ fusion: 'sum' }, SHARED + 5 + 4],
      // biases 9, gate over [item features 3, popularity 1, user features 2]: (6x3+3) + (3x1+1), collab global bias 1
      [{ fusion: 'gate' }, SHARED + 9 + 21 + 4 + 1],
      [{ fusion: 'gate', gateMixes: 'logits' }, SHARED + 9 + 21 + 4 + 1],
      // gate over [popularity 1, user features 2] only: (3x3+3) + (3x1+1)
      [{ fusion: 'gate', gateItemFeatures: false }, SHARED + 9 + 12 + 4 + 1],
      // learned confidence: + 5 per-item scalars
      [{ fusion: 'gate', gateSignal: 'confidence' }, SHARED + 9 + 21 + 4 + 1 + 5],
      // user content = projected id embedding (4x4+4) instead of the user tower; gate over 3+1 inputs: (4x3+3) + (3x1+1)
      [{ fusion: 'gate', userContent: 'id-projection', gateUserFeatures: false }, SHARED - 39 + 20 + 9 + 15 + 4 + 1],
    ];
    for (const [config, expected] of cases) {
      const arch = buildWith(hybridArchitecture, { ...base, ...config }, tinyInputs());
      expect(scoreMatrix(arch, 0).flat(), JSON.stringify(config)).toHaveLength(15);
      expect(countParameters(arch), JSON.stringify(config)).toBe(expected);
      expect(arch.summary().parameters).toBe(expected);
      arch.dispose();
    }
  });

  it('sends gradient to every variable, for every fusion', () => {
    for (const config of [
      { fusion: 'concat' },
      { fusion: 'sum' },
      { fusion: 'gate' },
      { fusion: 'gate', gateMixes: 'logits' },
      { fusion: 'gate', gateSignal: 'confidence' },
      { fusion: 'sum', userContent: 'id-projection' },
    ]) {
      const arch = buildWith(hybridArchitecture, { ...base, ...config }, tinyInputs());
      for (const [name, g] of gradientMagnitudes(arch, 0)) expect(g, `${JSON.stringify(config)} ${name}`).toBeGreaterThan(0);
      arch.dispose();
    }
  });

  it('is factorised exactly for sum, and for a logit gate without user inputs', () => {
    for (const config of [
      { fusion: 'sum' },
      { fusion: 'sum', userContent: 'id-projection' },
      { fusion: 'gate', gateMixes: 'logits', gateUserFeatures: false },
      { fusion: 'gate', gateMixes: 'logits', gateUserFeatures: false, userContent: 'id-projection', gateSignal: 'confidence' },
    ]) {
      const arch = buildWith(hybridArchitecture, { ...base, ...config }, tinyInputs());
      expect(arch.factors, JSON.stringify(config)).toBeDefined();
      expectFactorsMatchScores(arch);
      arch.dispose();
    }
  });

  it('offers no factors when the result would not be exact', () => {
    for (const config of [
      { fusion: 'concat' },
      { fusion: 'gate', gateMixes: 'logits', gateUserFeatures: true },
      { fusion: 'gate', gateMixes: 'probabilities', gateUserFeatures: false },
    ]) {
      const arch = buildWith(hybridArchitecture, { ...base, ...config }, tinyInputs());
      expect(arch.factors).toBeUndefined();
      arch.dispose();
    }
  });

  it('scores cold items by their features, for every fusion', () => {
    for (const fusion of ['concat', 'sum', 'gate']) expectColdItemsFollowFeatures(hybridArchitecture, { ...base, fusion }, 0);
    expectColdItemsFollowFeatures(hybridArchitecture, { ...base, fusion: 'gate', gateMixes: 'logits' }, 0);
  });

  it('drops item id signals in training only, reproducibly for a seed', () => {
    const scoresOf = (config: Record<string, unknown>, training: boolean) => {
      const arch = buildWith(hybridArchitecture, { ...base, fusion: 'sum', ...config }, tinyInputs());
      const batch = pairBatch(0);
      const s = tf.tidy(() => arch.score(batch, training));
      const values = Array.from(s.dataSync());
      s.dispose();
      disposeBatch(batch);
      arch.dispose();
      return values;
    };
    const evalScores = scoresOf({ itemIdDropout: 0.5 }, false);
    const trainScores = scoresOf({ itemIdDropout: 0.5 }, true);
    expect(scoresOf({ itemIdDropout: 0.5 }, true)).toEqual(trainScores);
    // Some warm (user, item) pairs lose their id part, no cold pair changes (it has none).
    const changed = trainScores.map((v, k) => Math.abs(v - evalScores[k]) > 1e-7);
    expect(changed.some((c) => c)).toBe(true);
    changed.forEach((c, k) => {
      if (k % 5 >= 3) expect(c, `pair ${k}`).toBe(false);
    });
    expect(scoresOf({ itemIdDropout: 0 }, true)).toEqual(scoresOf({ itemIdDropout: 0 }, false));
    expect(() => scoresOf({ itemIdDropout: 1 }, true)).toThrow('model.itemIdDropout: Too big: expected number to be <1');
  });

  it('scores the probability mixture g sigmoid(collab) + (1 - g) sigmoid(content) as its logit', () => {
    // Checked on cold items, whose collaborative logit is the global bias alone (set to -1.5).
    const inputs = tinyInputs({ coldTwins: true });
    const mix = buildWith(hybridArchitecture, { ...base, fusion: 'gate', gateMixes: 'probabilities', itemIdDropout: 0 }, inputs);
    const bias = mix.variables.find((v) => v.name.startsWith('hybrid/collab_bias'))!;
    tf.tidy(() => bias.assign(tf.tensor2d([[-1.5]])));
    const batch = pairBatch(0);
    const gate = mix.gate!(batch);
    const g = Array.from(gate.dataSync());
    gate.dispose();
    const s = scoreMatrix(mix, 0).flat();
    // A logit-mixing twin (same seed, so same weights) gives each cold pair's content logit:
    // its score is g * (-1.5) + (1 - g) * content.
    const lin = buildWith(hybridArchitecture, { ...base, fusion: 'gate', gateMixes: 'logits', itemIdDropout: 0 }, inputs);
    const linBias = lin.variables.find((v) => v.name.startsWith('hybrid/collab_bias'))!;
    tf.tidy(() => linBias.assign(tf.tensor2d([[-1.5]])));
    const sl = scoreMatrix(lin, 0).flat();
    const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
    for (let k = 0; k < 15; k++) {
      if (k % 5 < 3) continue; // cold items only
      const content = (sl[k] - g[k] * -1.5) / (1 - g[k]);
      const p = g[k] * sigmoid(-1.5) + (1 - g[k]) * sigmoid(content);
      expect(s[k]).toBeCloseTo(Math.log(p / (1 - p)), 4);
    }
    disposeBatch(batch);
    mix.dispose();
    lin.dispose();
  });

  it('keeps the gate in (0, 1) and shows the gate the warm/cold signal', () => {
    const arch = buildWith(hybridArchitecture, { ...base, fusion: 'gate' }, tinyInputs({ coldTwins: true }));
    const batch = pairBatch(0);
    const g = arch.gate!(batch);
    expect(g.shape).toEqual([15]);
    for (const v of g.dataSync()) {
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThan(1);
    }
    g.dispose();
    disposeBatch(batch);
    arch.dispose();
  });

  it('rejects a gate over popularity without a graph and unknown fusions', () => {
    const inputs = tinyInputs();
    expect(() => buildWith(hybridArchitecture, { ...base, fusion: 'gate' }, { ...inputs, graph: undefined })).toThrow(/graph/);
    expect(() => buildWith(hybridArchitecture, { ...base, fusion: 'mean' as any }, inputs)).toThrow("model.fusion: unknown value 'mean'. Valid values: concat, sum, gate.");
    expect(() => buildWith(hybridArchitecture, { ...base, userContent: 'features' }, { ...inputs, userFeatures: undefined })).toThrow(/needs user features/);
  });

  it('frees every tensor it allocates', () => {
    for (const fusion of ['concat', 'sum', 'gate']) expectNoLeak(hybridArchitecture, { ...base, fusion }, 0);
    expectNoLeak(hybridArchitecture, { ...base, fusion: 'gate', gateUserFeatures: false, gateSignal: 'confidence' }, 0);
  });

  it('registers the whole family on load, and builds from a spec with defaults', () => {
    for (const def of [contentArchitecture, hybridArchitecture, wideDeepArchitecture, deepFmArchitecture, twoTowerArchitecture, lightGcnArchitecture]) {
      expect(getArchitecture(def.type)).toBe(def);
    }
    const arch = buildArchitecture({ type: 'hybrid', fusion: 'sum' }, tinyInputs());
    // defaults: dim 32, contentHidden [64]; user emb 3x32, item emb 5x32, user tower (2x64+64) + (64x32+32),
    // item tower (3x64+64) + (64x32+32), id bias 5, feature bias 3+1
    expect(arch.summary().parameters).toBe(96 + 160 + 192 + 2080 + 256 + 2080 + 5 + 4);
    arch.dispose();
    expect(() => buildArchitecture({ type: 'hybrid' }, { ...tinyInputs(), itemFeatures: undefined })).toThrow(/needs itemFeatures/);
  });
});
