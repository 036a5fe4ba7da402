import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { hybridArchitecture } from '../../../../core/models/neural/hybrid';
import { solveIals } from '../../../../core/models/neural/ials';
import { initBackend } from '../../../../core/train/backend';
import { parseTrainSpec, trainArchitecture } from '../../../../core/train/trainer';
import { Rng } from '../../../../core/util';
import { buildWith, expectFactorsMatchScores, findVariable, N_ITEMS, N_USERS, pairBatch, disposeBatch, scoreMatrix, tinyInputs, trainGraph } from './hybrid-fixtures';

/*
 * The hybrid's all-items path (`userLogits`, for the multinomial and squared losses) must
 * be the same model as its pair path (`score`): same logits, same branch logits, and
 * item id dropout by whole items. Tiny world of hybrid-fixtures.ts: items 3 and 4 cold.
 */

const base = { dim: 4, contentHidden: [5], gateHidden: [3], itemIdDropout: 0 };
const USERS = [0, 1, 2];

/** userLogits of all users as rows, with the branch logits. */
function allItems(arch: ReturnType<typeof buildWith>, training = false): { logits: number[][]; auxiliary: number[][][] } {
  const rows = (t: tf.Tensor) => {
    const v = Array.from(t.dataSync());
    return USERS.map((u) => v.slice(u * N_ITEMS, (u + 1) * N_ITEMS));
  };
  return tf.tidy(() => {
    const out = arch.userLogits!(tf.tensor1d(USERS, 'int32'), training);
    return { logits: rows(out.logits), auxiliary: (out.auxiliary ?? []).map(rows) };
  });
}

/** Adds seeded noise to every variable, so biases and confidences (zero at build) count in the comparison too. */
function perturb(arch: ReturnType<typeof buildWith>): void {
  const rng = new Rng(3);
  tf.tidy(() => {
    for (const v of arch.variables) v.assign(tf.add(v, tf.tensor(Array.from({ length: v.size }, () => rng.normal() * 0.3), v.shape)));
  });
}

const CONFIGS: Record<string, unknown>[] = [
  { fusion: 'sum' },
  { fusion: 'sum', userContent: 'id-projection' },
  { fusion: 'gate', gateMixes: 'logits', gateUserFeatures: false },
  { fusion: 'gate', gateMixes: 'logits', gateUserFeatures: false, gateItemFeatures: false, gateHidden: [] },
  // A gate over user features: its first layer is split into per-user and per-item parts.
  { fusion: 'gate', gateMixes: 'probabilities', gateUserFeatures: true },
  { fusion: 'gate', gateMixes: 'logits', gateUserFeatures: true, gateItemFeatures: false, gateSignal: 'confidence' },
  { fusion: 'gate', gateMixes: 'logits', gateUserFeatures: true, gateHidden: [] },
  { fusion: 'gate', gateMixes: 'logits', gateUserFeatures: false, contentDim: 3 },
  { fusion: 'gate', gateMixes: 'probabilities', userContent: 'id-projection', contentDim: 2 },
];

describe('hybrid: logits over all items per user', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('equals score() on every (user, item) pair, and its branch logits equal the pair path’s', () => {
    for (const config of CONFIGS) {
      const arch = buildWith(hybridArchitecture, { ...base, ...config }, tinyInputs());
      perturb(arch);
      const expected = scoreMatrix(arch, 0);
      const { logits, auxiliary } = allItems(arch);
      for (let u = 0; u < N_USERS; u++) for (let i = 0; i < N_ITEMS; i++) expect(logits[u][i], `${JSON.stringify(config)} u${u} i${i}`).toBeCloseTo(expected[u][i], 4);
      if (config.fusion === 'gate') {
        const batch = pairBatch(0);
        const pairAux = tf.tidy(() => arch.scoreWithAuxiliary!(batch, false).auxiliary.map((t) => Array.from(t.dataSync())));
        disposeBatch(batch);
        expect(auxiliary).toHaveLength(2);
        for (let b = 0; b < 2; b++) expect(auxiliary[b].flat().map((x) => +x.toFixed(4))).toEqual(pairAux[b].map((x) => +x.toFixed(4)));
      } else {
        expect(auxiliary).toEqual([]);
      }
      arch.dispose();
    }
  });

  it('sends gradient to every variable', () => {
    for (const config of CONFIGS) {
      const arch = buildWith(hybridArchitecture, { ...base, ...config }, tinyInputs());
      const target = tf.tensor2d(USERS.flatMap((u) => Array.from({ length: N_ITEMS }, (_, i) => ((u + i) % 2 === 0 ? 1 : 0))), [3, N_ITEMS]);
      const users = tf.tensor1d(USERS, 'int32');
      const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(tf.sub(target, arch.userLogits!(users, true).logits))) as tf.Scalar, arch.variables);
      for (const v of arch.variables) {
        const g = tf.tidy(() => tf.max(tf.abs(grads[v.name])).dataSync()[0]);
        expect(g, `${JSON.stringify(config)} ${v.name}`).toBeGreaterThan(0);
      }
      tf.dispose([value, target, users, ...Object.values(grads)]);
      arch.dispose();
    }
  });

  it('drops whole items in training: a column changes for every user or for none, cold columns never', () => {
    for (const fusion of ['sum', 'gate']) {
      const config = { ...base, fusion, gateMixes: 'logits', itemIdDropout: 0.5 };
      const arch = buildWith(hybridArchitecture, config, tinyInputs());
      const plain = allItems(arch, false).logits;
      let dropped = 0;
      for (let call = 0; call < 6; call++) {
        const trained = allItems(arch, true).logits;
        for (let i = 0; i < N_ITEMS; i++) {
          const changed = USERS.map((u) => Math.abs(trained[u][i] - plain[u][i]) > 1e-6);
          expect(new Set(changed).size, `${fusion} item ${i}`).toBe(1);
          if (i >= 3) expect(changed[0]).toBe(false);
          if (changed[0]) dropped++;
        }
      }
      // 18 warm columns over six calls at probability 1/2 each: some dropped, some kept.
      expect(dropped).toBeGreaterThan(0);
      expect(dropped).toBeLessThan(18);
      arch.dispose();
    }
  });

  it('drops hidden units of the content towers in training only, reproducibly for a seed', () => {
    for (const config of [
      { fusion: 'gate', gateMixes: 'logits' },
      { fusion: 'sum', userContent: 'features' },
    ]) {
      const run = (contentDropout: number) => {
        const arch = buildWith(hybridArchitecture, { ...base, ...config, contentDropout }, tinyInputs());
        const batch = pairBatch(0);
        const [pairTrain, pairEval] = tf.tidy(() => [arch.score(batch, true), arch.score(batch, false)].map((t) => Array.from(t.dataSync())));
        disposeBatch(batch);
        const out = { pairTrain, pairEval, allTrain: allItems(arch, true).logits.flat(), allEval: allItems(arch, false).logits.flat() };
        arch.dispose();
        return out;
      };
      const none = run(0);
      const half = run(0.5);
      expect(none.pairTrain).toEqual(none.pairEval);
      expect(none.allTrain).toEqual(none.allEval);
      expect(half.pairEval).toEqual(none.pairEval);
      expect(half.allEval).toEqual(none.allEval);
      // Cold items too: dropout is on the content branch, which scores them.
      expect(half.pairTrain.some((x, k) => Math.abs(x - half.pairEval[k]) > 1e-6), JSON.stringify(config)).toBe(true);
      expect(half.allTrain.some((x, k) => k % N_ITEMS >= 3 && Math.abs(x - half.allEval[k]) > 1e-6), JSON.stringify(config)).toBe(true);
      expect(run(0.5)).toEqual(half);
    }
    expect(() => buildWith(hybridArchitecture, { ...base, contentDropout: 1 }, tinyInputs())).toThrow(/model\.contentDropout: Too big: expected number to be <1/);
  });

  it('gives the content branch its own width with contentDim, factorised exactly', () => {
    // dim 4, contentDim 2: user emb 3x4, item emb 5x4, user tower (2x5+5) + (5x2+2), item tower (3x5+5) + (5x2+2),
    // id biases 5, feature bias 3+1, gate over [item features 3, popularity 1] (4x3+3) + (3x1+1), collab bias 1.
    const arch = buildWith(hybridArchitecture, { ...base, fusion: 'gate', gateMixes: 'logits', gateUserFeatures: false, contentDim: 2 }, tinyInputs());
    expect(arch.summary().parameters).toBe(12 + 20 + 27 + 32 + 5 + 4 + 19 + 1);
    expect(arch.factors!().dim).toBe(6);
    expectFactorsMatchScores(arch);
    arch.dispose();
    expect(() => buildWith(hybridArchitecture, { ...base, fusion: 'sum', contentDim: 2 }, tinyInputs())).toThrow(/contentDim \(2\) must equal dim \(4\)/);
  });

  it('frees every tensor it allocates', () => {
    const before = tf.memory().numTensors;
    for (const config of CONFIGS) {
      const arch = buildWith(hybridArchitecture, { ...base, ...config, itemIdDropout: 0.3, contentDropout: 0.3 }, tinyInputs());
      allItems(arch, true);
      allItems(arch, false);
      arch.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('hybrid: collaborative branch started by iALS', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  const ials = { collabInit: 'ials', collabInitL2: 0.6, collabInitUnobservedWeight: 0.2, collabInitSweeps: 5 };

  it('the trainer starts the id embeddings and id biases at the iALS solution', async () => {
    for (const fusion of ['sum', 'gate']) {
      const inputs = tinyInputs();
      const arch = buildWith(hybridArchitecture, { ...base, fusion, ...ials }, inputs);
      // A step so small that nothing moves: what is left is the initial solve.
      const spec = parseTrainSpec({ loss: 'squared', epochs: 1, batchSize: 3, optimizer: { type: 'sgd', lr: 1e-12 }, evalEvery: 0 });
      const lines: string[] = [];
      await trainArchitecture(arch, inputs.graph!, spec, { seed: 1, hooks: { log: (l) => lines.push(l) } });
      // All 3 users are active: each item row is penalised by 0.6 x 3 users / 5 items.
      const f = solveIals(trainGraph(), { dim: 4, unobservedWeight: 0.2, userL2: 0.6, itemL2: (0.6 * 3) / 5, sweeps: 5, cgSteps: 3, initStd: 0.1, seed: inputs.seed });
      const close = (v: tf.Variable, expected: Float32Array) => Array.from(v.dataSync()).forEach((x, k) => expect(x).toBeCloseTo(expected[k], 5));
      close(findVariable(arch, 'hybrid/user_emb'), f.users);
      close(findVariable(arch, 'hybrid/item_emb'), f.items);
      close(findVariable(arch, 'hybrid/item_id_bias'), f.itemBias);
      expect(lines.some((l) => /initialised by iALS \(dim 4, 5 sweeps/.test(l))).toBe(true);
      arch.dispose();
    }
  });

  it('is not run by a plain build (a rebuild from saved weights), and is refused where there is no dot product', () => {
    const arch = buildWith(hybridArchitecture, { ...base, fusion: 'gate', ...ials }, tinyInputs());
    const random = buildWith(hybridArchitecture, { ...base, fusion: 'gate' }, tinyInputs());
    expect(Array.from(findVariable(arch, 'hybrid/user_emb').dataSync())).toEqual(Array.from(findVariable(random, 'hybrid/user_emb').dataSync()));
    expect(random.initialise).toBeUndefined();
    arch.dispose();
    random.dispose();
    expect(() => buildWith(hybridArchitecture, { ...base, fusion: 'concat', ...ials }, tinyInputs())).toThrow(/collabInit 'ials'.*fusion 'concat'/);
    expect(() => buildWith(hybridArchitecture, { ...base, collabInit: 'svd' }, tinyInputs())).toThrow(/model\.collabInit: unknown value 'svd'/);
  });

  it('starts the gate near gateInit: its output bias is logit(gateInit)', () => {
    for (const gateInit of [0.5, 0.95]) {
      const arch = buildWith(hybridArchitecture, { ...base, fusion: 'gate', gateInit }, tinyInputs());
      expect(findVariable(arch, 'hybrid/gate/out/bias').dataSync()[0]).toBeCloseTo(Math.log(gateInit / (1 - gateInit)), 5);
      arch.dispose();
    }
    for (const gateInit of [0, 1]) expect(() => buildWith(hybridArchitecture, { ...base, fusion: 'gate', gateInit }, tinyInputs())).toThrow(/model\.gateInit: Too (small|big)/);
  });
});
