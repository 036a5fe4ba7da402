import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCsr, type CsrMatrix } from '../../../../core/data';
import { multVaeArchitecture } from '../../../../core/models/neural/mult-vae';
import type { ArchitectureInputs, NeuralArchitecture } from '../../../../core/models/neural/types';
import { initBackend } from '../../../../core/train/backend';
import { validationNdcg } from '../../../../core/train/neural-recommender';
import { createScoreFunction } from '../../../../core/models/neural/scoring';
import { parseTrainSpec, trainArchitecture } from '../../../../core/train/trainer';
import { buildWith } from './hybrid-fixtures';

/** 3 users, 4 items: u0 {i0, i1}, u1 {i1, i2, i3}, u2 {i0, i1} (the same history as u0). */
function inputs(): ArchitectureInputs {
  const graph = buildCsr(3, 4, Int32Array.from([0, 0, 1, 1, 1, 2, 2]), Int32Array.from([0, 1, 1, 2, 3, 0, 1]));
  return { nUsers: 3, nItems: 4, contextDim: 0, graph, seed: 5 };
}

const HISTORY = [[0, 1], [1, 2, 3], [0, 1]];

function values(arch: NeuralArchitecture, name: string): number[] {
  const v = arch.variables.find((x) => x.name.includes(name));
  if (!v) throw new Error(`no variable ${name}`);
  return Array.from(v.dataSync());
}

/** The input layer by hand: sum over the user's items of W_in[i] / sqrt(n) + b. */
function inputLayer(arch: NeuralArchitecture, width: number, user: number): number[] {
  const w = values(arch, 'encoder_0/kernel');
  const b = values(arch, 'encoder_0/bias');
  const items = HISTORY[user];
  return b.map((bias, d) => bias + items.reduce((s, i) => s + w[i * width + d], 0) / Math.sqrt(items.length));
}

function logitsOf(arch: NeuralArchitecture, users: number[], training = false): number[][] {
  return tf.tidy(() => {
    const out = arch.userLogits!(tf.tensor1d(users, 'int32'), training);
    return out.logits.arraySync() as number[][];
  });
}

describe('mult-vae architecture', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('Mult-DAE without hidden layers: tanh(normalised history x W_in + b) . W_out + b_out, by hand', () => {
    const arch = buildWith(multVaeArchitecture, { hidden: [], latent: 2, variational: false }, inputs());
    const wOut = values(arch, 'output/kernel');
    const bOut = values(arch, 'output/bias');
    const logits = logitsOf(arch, [0, 1]);
    for (const u of [0, 1]) {
      const v = inputLayer(arch, 2, u).map(Math.tanh);
      for (let i = 0; i < 4; i++) expect(logits[u][i]).toBeCloseTo(bOut[i] + v[0] * wOut[i * 2] + v[1] * wOut[i * 2 + 1], 5);
    }
    // 4x2 + 2 (input layer), 4x2 + 4 (output layer).
    expect(arch.summary().parameters).toBe(8 + 2 + 8 + 4);
    arch.dispose();
  });

  it('is factorised: factors() and pair scores equal the all-item logits; the same history gives the same user', () => {
    const arch = buildWith(multVaeArchitecture, { hidden: [5], latent: 3 }, inputs());
    const f = arch.factors!();
    const logits = logitsOf(arch, [0, 1, 2]);
    const pairs = tf.tidy(() =>
      Array.from(arch.score({ users: tf.tensor1d([0, 1, 2, 1], 'int32'), items: tf.tensor1d([3, 0, 2, 3], 'int32') }, false).dataSync()),
    );
    for (let u = 0; u < 3; u++)
      for (let i = 0; i < 4; i++) {
        let dot = f.itemBias![i];
        for (let d = 0; d < f.dim; d++) dot += f.users[u * f.dim + d] * f.items[i * f.dim + d];
        expect(dot).toBeCloseTo(logits[u][i], 5);
      }
    expect(pairs[0]).toBeCloseTo(logits[0][3], 5);
    expect(pairs[3]).toBeCloseTo(logits[1][3], 5);
    expect(logits[2]).toEqual(logits[0]);
    arch.dispose();
  });

  it('adds the annealed KL term in training: 0 at the first step, beta x KL once annealed (hand-computed)', () => {
    const latent = 2;
    const arch = buildWith(multVaeArchitecture, { hidden: [], latent, variational: true, dropout: 0, beta: 0.3, annealSteps: 1 }, inputs());
    const penalties = [0, 1].map(() => tf.tidy(() => arch.userLogits!(tf.tensor1d([0, 1], 'int32'), true).penalty!.dataSync()[0]));
    expect(penalties[0]).toBe(0);
    let kl = 0;
    for (const u of [0, 1]) {
      const h = inputLayer(arch, 2 * latent, u);
      for (let d = 0; d < latent; d++) {
        const mu = h[d];
        const logVar = h[latent + d];
        kl += 0.5 * (Math.exp(logVar) + mu * mu - logVar - 1);
      }
    }
    expect(penalties[1]).toBeCloseTo((0.3 * kl) / 2, 5);
    // Ranking uses the mean code: no noise, no penalty.
    expect(tf.tidy(() => arch.userLogits!(tf.tensor1d([0], 'int32'), false).penalty)).toBeUndefined();
    expect(logitsOf(arch, [0])).toEqual(logitsOf(arch, [0]));
    arch.dispose();
  });

  it('rejects a bad config with the key named', () => {
    expect(() => buildWith(multVaeArchitecture, { dropout: 1 }, inputs())).toThrow(/dropout/);
    expect(() => buildWith(multVaeArchitecture, { hidden: [0] }, inputs())).toThrow(/hidden/);
  });
});

/** Users in group g like the items of block g; valid holds some of each user's block items. */
function blocks(nUsers: number, nItems: number, groups: number): { train: CsrMatrix; valid: CsrMatrix } {
  const tu: number[] = [];
  const ti: number[] = [];
  const vu: number[] = [];
  const vi: number[] = [];
  const per = nItems / groups;
  for (let u = 0; u < nUsers; u++) {
    const g = u % groups;
    for (let k = 0; k < per; k++) {
      const i = g * per + k;
      // A deterministic 1-in-4 pattern, shifted from user to user within the group, goes to valid.
      if ((k + Math.floor(u / groups)) % 4 === 0) {
        vu.push(u);
        vi.push(i);
      } else {
        tu.push(u);
        ti.push(i);
      }
    }
  }
  return { train: buildCsr(nUsers, nItems, Int32Array.from(tu), Int32Array.from(ti)), valid: buildCsr(nUsers, nItems, Int32Array.from(vu), Int32Array.from(vi)) };
}

describe('mult-vae training (multinomial loss)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('learns block structure: held-out block items rank first; no tensors leak', async () => {
    const { train, valid } = blocks(40, 48, 4);
    const before = tf.memory().numTensors;
    for (const variational of [false, true]) {
      const arch = buildWith(multVaeArchitecture, { hidden: [16], latent: 8, variational, annealSteps: 20 }, { nUsers: 40, nItems: 48, contextDim: 0, graph: train, seed: 1 });
      const untrained = await validationNdcg(createScoreFunction(arch, 48), train, valid, 3);
      const spec = parseTrainSpec({ loss: 'multinomial', epochs: 40, batchSize: 10, optimizer: { type: 'adam', lr: 0.01 }, evalEvery: 0 });
      const result = await trainArchitecture(arch, train, spec, { seed: 2 });
      const trained = await validationNdcg(createScoreFunction(arch, 48), train, valid, 3);
      expect(result.history[result.history.length - 1].loss).toBeLessThan(result.history[0].loss);
      // 3 valid items among the 39 unseen items (the user's 3 and 36 of other blocks): random NDCG@3 is ~0.08.
      expect(untrained).toBeLessThan(0.4);
      expect(trained).toBeGreaterThan(0.9);
      arch.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
