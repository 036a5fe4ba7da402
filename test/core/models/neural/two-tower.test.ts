import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { twoTowerArchitecture } from '../../../../core/models/neural/two-tower';
import {
  buildWith,
  countParameters,
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

const config = { dim: 4, idDim: 3, userHidden: [5], itemHidden: [6] };

describe('two-tower architecture', () => {
  it('has the hand-counted parameters', () => {
    const arch = buildWith(twoTowerArchitecture, config, tinyInputs());
    expect(scoreMatrix(arch, 2).flat()).toHaveLength(15);
    // ids 3x3 + 5x3; user tower over 3+2+2 = 7: (7x5+5) + (5x4+4); item tower over 3+3 = 6: (6x6+6) + (6x4+4)
    const expected = 9 + 15 + 40 + 24 + 42 + 28;
    expect(countParameters(arch)).toBe(expected);
    expect(arch.summary().parameters).toBe(expected);
    arch.dispose();
    const noIds = buildWith(twoTowerArchitecture, { ...config, useIds: false }, tinyInputs());
    // user tower over 2+2: (4x5+5) + 24; item tower over 3: (3x6+6) + 28
    expect(countParameters(noIds)).toBe(25 + 24 + 24 + 28);
    noIds.dispose();
  });

  it('sends gradient to every variable', () => {
    for (const extra of [{}, { normalize: true, temperature: 0.1 }, { useIds: false }]) {
      const arch = buildWith(twoTowerArchitecture, { ...config, ...extra }, tinyInputs());
      for (const [name, g] of gradientMagnitudes(arch, 2)) expect(g, name).toBeGreaterThan(0);
      arch.dispose();
    }
  });

  it('factors() reproduce score() at the zero ranking context', () => {
    for (const extra of [{}, { normalize: true, temperature: 0.1 }]) {
      const arch = buildWith(twoTowerArchitecture, { ...config, ...extra }, tinyInputs());
      expectFactorsMatchScores(arch);
      arch.dispose();
    }
  });

  it('lets the context change scores', () => {
    const arch = buildWith(twoTowerArchitecture, config, tinyInputs());
    const a = scoreMatrix(arch, 2, [1, 0]).flat();
    const b = scoreMatrix(arch, 2, [0, 1]).flat();
    expect(a.some((v, k) => Math.abs(v - b[k]) > 1e-6)).toBe(true);
    arch.dispose();
  });

  it('gives cosine scores divided by the temperature when normalised', () => {
    const arch = buildWith(twoTowerArchitecture, { ...config, normalize: true, temperature: 0.5 }, tinyInputs());
    for (const v of scoreMatrix(arch, 2).flat()) expect(Math.abs(v)).toBeLessThanOrEqual(2 + 1e-5);
    arch.dispose();
  });

  it('scores cold items by their features', () => {
    expectColdItemsFollowFeatures(twoTowerArchitecture, config, 2);
  });

  it('needs features on both sides without ids', () => {
    expect(() => buildWith(twoTowerArchitecture, { ...config, useIds: false }, tinyInputs({ coldTwins: false, userFeatures: false }))).toThrow(
      /needs both user and item features/,
    );
  });

  it('frees every tensor it allocates', () => {
    expectNoLeak(twoTowerArchitecture, config, 2);
    expectNoLeak(twoTowerArchitecture, { ...config, normalize: true }, 0);
  });
});
