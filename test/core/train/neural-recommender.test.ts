import { describe, expect, it } from 'vitest';
import { buildCsr } from '../../../core/data';
import type { FitContext } from '../../../core/models';
import { createNeuralRecommender, validationNdcg } from '../../../core/train/neural-recommender';

// 8 users x 6 items: users 0-3 like items 0-2, users 4-7 like items 3-5.
const pairs: [number, number][] = [];
for (let u = 0; u < 8; u++) for (let i = 0; i < 3; i++) pairs.push([u, u < 4 ? i : i + 3]);
const train = buildCsr(8, 6, Int32Array.from(pairs.map((p) => p[0])), Int32Array.from(pairs.map((p) => p[1])));

describe('NeuralRecommender', () => {
  it('fits through the Recommender interface, reports metrics and scores like the model', async () => {
    const valid = buildCsr(8, 6, Int32Array.from([0]), Int32Array.from([1]));
    // Validation sees the training pairs minus one to have something to rank.
    const fitTrain = buildCsr(8, 6, Int32Array.from(pairs.filter((p) => !(p[0] === 0 && p[1] === 1)).map((p) => p[0])), Int32Array.from(pairs.filter((p) => !(p[0] === 0 && p[1] === 1)).map((p) => p[1])));
    const keys = new Set<string>();
    const lines: string[] = [];
    const rec = createNeuralRecommender({ type: 'neumf', gmfDim: 4, mlpDim: 4, layers: [8] }, { epochs: 3, batchSize: 8, evalEvery: 1, logEvery: 2 });
    const ctx = { dataset: {} as FitContext['dataset'], train: fitTrain, trainIndex: new Int32Array(0), valid, seed: 1, onMetric: (k: string) => keys.add(k), log: (l: string) => lines.push(l) };
    await rec.fit(ctx as FitContext);
    expect(['wasm', 'tensorflow']).toContain(rec.backend);
    expect([...keys].sort()).toEqual(['train/epoch_loss', 'train/loss', 'train/lr', 'valid/ndcg@10']);
    expect(lines.some((l) => /^epoch 3\/3: loss \d\.\d{4}, valid ndcg@10/.test(l))).toBe(true);
    expect(rec.nItems).toBe(6);
    expect(rec.summary().parameters).toBe(2 * (8 + 6) * 4 + (8 * 8 + 8) + (4 + 8 + 1));
    const out = new Float32Array(2 * 6);
    await rec.scoreUsers(Int32Array.from([0, 7]), out);
    expect(out.every(Number.isFinite)).toBe(true);
    rec.dispose();
  });

  it('refuses an unknown architecture and a bad train spec with the reason', () => {
    expect(() => createNeuralRecommender({ type: 'resnet' }, {})).toThrow(/Unknown architecture 'resnet'/);
    expect(() => createNeuralRecommender({ type: 'mf' }, { loss: 'hinge' })).toThrow(/loss/);
  });

  it('validationNdcg: a perfect scorer gets 1, a reversed one less', async () => {
    const valid = buildCsr(8, 6, Int32Array.from([0, 5]), Int32Array.from([3, 0]));
    // Users 0-3 have seen items 0-2, so item 3 is their best unseen item if scored highest.
    const perfect = (users: Int32Array, out: Float32Array) => users.forEach((u, r) => { for (let i = 0; i < 6; i++) out[r * 6 + i] = (u < 4 ? i === 3 : i === 0) ? 1 : 0; });
    expect(await validationNdcg(perfect, train, valid, 2)).toBeCloseTo(1, 10);
    const worst = (users: Int32Array, out: Float32Array) => users.forEach((u, r) => { for (let i = 0; i < 6; i++) out[r * 6 + i] = (u < 4 ? i === 3 : i === 0) ? -1 : 0; });
    // Unseen items tie at 0 and the lower index wins ties: user 0 ranks 4, 5 (miss); user 5 ranks 1, 2 (miss).
    expect(await validationNdcg(worst, train, valid, 2)).toBe(0);
  });
});
