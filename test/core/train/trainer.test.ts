import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCsr, type CsrMatrix } from '../../../core/data';
import { buildArchitecture } from '../../../core/models/neural';
import { initBackend } from '../../../core/train/backend';
import { validationNdcg } from '../../../core/train/neural-recommender';
import { createScoreFunction } from '../../../core/models/neural/scoring';
import { parseTrainSpec, scheduledLearningRate, trainArchitecture } from '../../../core/train/trainer';
import { Rng } from '../../../core/util';

/**
 * Block-structured implicit data: users in group g (of `groups`) interact with a random
 * ~60% of the items of block g. Returns train and held-out valid positives.
 */
function blockData(nUsers: number, nItems: number, groups: number, seed: number): { train: CsrMatrix; valid: CsrMatrix } {
  const rng = new Rng(seed);
  const tu: number[] = [];
  const ti: number[] = [];
  const vu: number[] = [];
  const vi: number[] = [];
  const perBlock = nItems / groups;
  for (let u = 0; u < nUsers; u++) {
    const g = u % groups;
    for (let i = g * perBlock; i < (g + 1) * perBlock; i++) {
      const r = rng.next();
      if (r < 0.5) {
        tu.push(u);
        ti.push(i);
      } else if (r < 0.6) {
        vu.push(u);
        vi.push(i);
      }
    }
  }
  return {
    train: buildCsr(nUsers, nItems, Int32Array.from(tu), Int32Array.from(ti)),
    valid: buildCsr(nUsers, nItems, Int32Array.from(vu), Int32Array.from(vi)),
  };
}

const data = blockData(30, 40, 4, 11);
const larger = blockData(48, 96, 4, 12);
const inputs = { nUsers: 30, nItems: 40, contextDim: 0, seed: 3 };

describe('trainArchitecture', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('fills in defaults and rejects unknown keys', () => {
    const spec = parseTrainSpec({ epochs: 3 });
    expect(spec).toMatchObject({ epochs: 3, batchSize: 1024, loss: 'bce', negatives: 4, optimizer: { type: 'adam', lr: 0.001 }, metric: 'ndcg@10' });
    expect(() => parseTrainSpec({ epoch: 3 })).toThrow(/epoch/);
    expect(() => parseTrainSpec({ metric: 'recall' })).toThrow(/ndcg@10/);
    expect(() => parseTrainSpec({ loss: 'hinge', lossWeight: 2 })).toThrow(/train\.loss: unknown value 'hinge'\. Valid values: .*squared.*train\.lossWeight: unknown setting 'lossWeight' in the train section/);
  });

  it('applies step and exponential learning-rate schedules', () => {
    const step = parseTrainSpec({ optimizer: { type: 'sgd', lr: 1 }, lrSchedule: { type: 'step', every: 2, gamma: 0.5 } });
    expect([0, 1, 2, 3, 4].map((e) => scheduledLearningRate(step, e))).toEqual([1, 1, 0.5, 0.5, 0.25]);
    const exp = parseTrainSpec({ optimizer: { type: 'sgd', lr: 1 }, lrSchedule: { type: 'exponential', gamma: 0.1 } });
    expect(scheduledLearningRate(exp, 2)).toBeCloseTo(0.01, 10);
  });

  it.each(['bce', 'bpr', 'softmax'] as const)('MF with %s learns block structure far above random', async (loss) => {
    const arch = buildArchitecture({ type: 'mf', dim: 8, initStd: 0.1 }, { nUsers: 48, nItems: 96, contextDim: 0, seed: 3 });
    const spec = parseTrainSpec({ epochs: 25, batchSize: 64, loss, negatives: 2, l2: 0.01, optimizer: { type: 'adam', lr: 0.05 }, evalEvery: 0 });
    const result = await trainArchitecture(arch, larger.train, spec, { seed: 1 });
    const ndcg = await validationNdcg(createScoreFunction(arch, 96), larger.train, larger.valid, 10);
    // A user's ~2 valid items are among the ~10 unseen items of their block and ~86 unseen
    // items in all: ranking the block first gives NDCG@10 around 0.5; random gives ~0.1.
    const noise = new Rng(4);
    const random = await validationNdcg((_users, out) => out.set(Float32Array.from(out, () => noise.next())), larger.train, larger.valid, 10);
    expect(result.history[result.history.length - 1].loss).toBeLessThan(result.history[0].loss);
    expect(random).toBeLessThan(0.2);
    expect(ndcg).toBeGreaterThan(0.4);
    expect(ndcg).toBeGreaterThan(2.5 * random);
    arch.dispose();
  });

  it('keeps the tensor count flat over 20 epochs and disposes everything', async () => {
    const before = tf.memory().numTensors;
    const arch = buildArchitecture({ type: 'neumf', gmfDim: 4, mlpDim: 4, layers: [8, 4] }, inputs);
    const afterBuild = tf.memory().numTensors;
    const counts: number[] = [];
    const spec = parseTrainSpec({ epochs: 20, batchSize: 32, l2: 1e-4, evalEvery: 2, patience: 100 });
    await trainArchitecture(arch, data.train, spec, {
      seed: 2,
      hooks: {
        evaluate: async () => {
          counts.push(tf.memory().numTensors);
          return validationNdcg(createScoreFunction(arch, 40), data.train, data.valid, 10);
        },
      },
    });
    // The early-stopping snapshot adds one copy per variable; the count must not grow after that.
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(tf.memory().numTensors).toBe(afterBuild);
    arch.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops on a NaN loss with epoch, step, last finite loss and a hint; earlier metrics stay logged', async () => {
    const arch = buildArchitecture({ type: 'mf', dim: 4, initStd: 1 }, inputs);
    const before = tf.memory().numTensors;
    const metrics: [string, number, number][] = [];
    const spec = parseTrainSpec({ epochs: 50, batchSize: 16, loss: 'bpr', logEvery: 1, optimizer: { type: 'sgd', lr: 1e6 } });
    const err = await trainArchitecture(arch, data.train, spec, { seed: 1, hooks: { onMetric: (k, v, s) => metrics.push([k, v, s]) } }).catch((e) => e);
    expect(err).toMatchObject({ name: 'RecLabError', code: 'NAN_LOSS' });
    expect(err.message).toMatch(/Training diverged: the loss became (NaN|Infinity) at epoch \d+, step \d+ \(last finite loss: .+\)\. Lower the learning rate/);
    const steps = metrics.filter(([k]) => k === 'train/loss');
    expect(steps.length).toBeGreaterThan(0);
    expect(Number.isFinite(steps[steps.length - 1][1])).toBe(true);
    expect(err.details.step).toBe(steps[steps.length - 1][2] + 1);
    expect(tf.memory().numTensors).toBe(before);
    arch.dispose();
  });

  it('early-stops with patience and restores the best weights', async () => {
    const arch = buildArchitecture({ type: 'mf', dim: 4 }, inputs);
    const values = [0.1, 0.3, 0.2, 0.25, 0.29, 0.5];
    let call = 0;
    let bestWeights: Float32Array | undefined;
    const spec = parseTrainSpec({ epochs: 6, batchSize: 64, evalEvery: 1, patience: 2 });
    const result = await trainArchitecture(arch, data.train, spec, {
      seed: 1,
      hooks: {
        evaluate: async () => {
          if (call === 1) bestWeights = arch.variables[0].dataSync().slice() as Float32Array;
          return values[call++];
        },
      },
    });
    expect(result).toMatchObject({ epochs: 4, bestEpoch: 2, bestMetric: 0.3, stoppedEarly: true });
    expect(Array.from(arch.variables[0].dataSync())).toEqual(Array.from(bestWeights!));
    arch.dispose();
  });

  it('stops when the signal is aborted', async () => {
    const arch = buildArchitecture({ type: 'mf', dim: 4 }, inputs);
    const signal = { aborted: false };
    const spec = parseTrainSpec({ epochs: 100, batchSize: 8, logEvery: 5 });
    const p = trainArchitecture(arch, data.train, spec, { seed: 1, hooks: { signal, onMetric: (_k, _v, step) => step >= 20 && (signal.aborted = true) } });
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' });
    arch.dispose();
  });

  it('is deterministic for a seed', async () => {
    const weights = async () => {
      const arch = buildArchitecture({ type: 'gmf', dim: 4 }, inputs);
      await trainArchitecture(arch, data.train, parseTrainSpec({ epochs: 2, batchSize: 32, negativeSampling: 'popularity' }), { seed: 9 });
      const w = Array.from(arch.variables[0].dataSync());
      arch.dispose();
      return w;
    };
    expect(await weights()).toEqual(await weights());
  });
});
