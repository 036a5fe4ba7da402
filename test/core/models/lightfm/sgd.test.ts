import { describe, expect, it } from 'vitest';
import { buildCsr } from '../../../../core/data';
import { buildFeatureRows, initParams, LightfmSgd, lightfmModel, MAX_WARP_WEIGHT, warpWeight, type LightfmParams } from '../../../../core/models';
import { Rng } from '../../../../core/util';

/*
 * One training step of each loss on a case small enough to differentiate by hand: the
 * expected values below are the pairwise gradients written out, not the module's code.
 */

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function closeArrays(actual: ArrayLike<number>, expected: number[], digits = 6): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, k) => expect(actual[k]).toBeCloseTo(e, digits));
}

// Every step test runs twice: in the WebAssembly SIMD kernel and in the JS loop.
const ENGINES = [{ simd: true }, { simd: false }];

describe.each(ENGINES)('one BPR step with Adagrad and L2 (1 user, 2 items sharing a feature), simd $simd', ({ simd }) => {
  // User 0 (identity only) liked item 0. Items: identity + one shared attribute, rows
  // normalised to sum 1, so each item is 0.5 x its id row + 0.5 x the shared row (column 2).
  const train = buildCsr(1, 2, Int32Array.of(0), Int32Array.of(0));
  const users = buildFeatureRows(1, true, undefined, true);
  const items = buildFeatureRows(2, true, { dim: 1, values: Float32Array.of(1, 1) }, true);
  const U = [0.1, -0.2];
  const Eid0 = [0.3, 0.1];
  const Eid1 = [-0.2, 0.4];
  const Ef = [0.05, -0.1];
  const [bid0, bid1, bf] = [0.1, -0.05, 0.02];
  const lr = 0.1;
  const ia = 0.01;
  const ua = 0.02;

  it('moves every touched weight by its gradient, the shared row twice (positive, then negative)', () => {
    expect(Array.from(items.values)).toEqual([0.5, 0.5, 0.5, 0.5]);
    const params: LightfmParams = {
      dim: 2,
      userEmbeddings: Float32Array.from(U),
      itemEmbeddings: Float32Array.from([...Eid0, ...Eid1, ...Ef]),
      itemBiases: Float32Array.of(bid0, bid1, bf),
    };
    const settings = lightfmModel.config.parse({ loss: 'bpr', bprNegatives: 'uniform', optimizer: 'adagrad', learningRate: lr, itemAlpha: ia, userAlpha: ua });
    const sgd = new LightfmSgd(params, settings, { users, items, train, negatives: Int32Array.of(0, 1) }, 1, { simd });
    expect(sgd.simd).toBe(simd);
    const stats = sgd.epoch();

    // Representations before the step.
    const u = U;
    const p = [0.5 * Eid0[0] + 0.5 * Ef[0], 0.5 * Eid0[1] + 0.5 * Ef[1]]; // [0.175, 0]
    const n = [0.5 * Eid1[0] + 0.5 * Ef[0], 0.5 * Eid1[1] + 0.5 * Ef[1]]; // [-0.075, 0.15]
    const pos = u[0] * p[0] + u[1] * p[1] + 0.5 * bid0 + 0.5 * bf; // 0.0775
    const neg = u[0] * n[0] + u[1] * n[1] + 0.5 * bid1 + 0.5 * bf; // -0.0525
    expect(pos).toBeCloseTo(0.0775, 10);
    expect(neg).toBeCloseTo(-0.0525, 10);
    const L = 1 - sigmoid(pos - neg);
    expect(stats.loss).toBeCloseTo(-Math.log(sigmoid(pos - neg)), 6);
    expect(stats.updates).toBe(1);

    // Adagrad's sums start at 1, so a weight's first step is lr x gradient and its second lr / sqrt(1 + g1^2) x gradient.
    const step1 = (w: number, g: number) => w - lr * g;
    const eid0 = Eid0.map((w, c) => step1(w, -L * 0.5 * u[c] + ia * w));
    const eid1 = Eid1.map((w, c) => step1(w, L * 0.5 * u[c] + ia * w));
    const ef = Ef.map((w, c) => {
      const g1 = -L * 0.5 * u[c] + ia * w;
      const w1 = step1(w, g1);
      const g2 = L * 0.5 * u[c] + ia * w1;
      return w1 - (lr / Math.sqrt(1 + g1 * g1)) * g2;
    });
    const b0 = step1(bid0, -L * 0.5 + ia * bid0);
    const b1 = step1(bid1, L * 0.5 + ia * bid1);
    const gb1 = -L * 0.5 + ia * bf;
    const bf1 = step1(bf, gb1);
    const bf2 = bf1 - (lr / Math.sqrt(1 + gb1 * gb1)) * (L * 0.5 + ia * bf1);
    const user = U.map((w, c) => step1(w, L * (n[c] - p[c]) + ua * w));

    closeArrays(params.itemEmbeddings, [...eid0, ...eid1, ...ef]);
    closeArrays(params.itemBiases, [b0, b1, bf2]);
    closeArrays(params.userEmbeddings, user);
    // The shared row's two data terms cancel; only L2 and Adagrad's scaling move it.
    expect(Math.abs(params.itemEmbeddings[4] - Ef[0])).toBeLessThan(1e-3);
  });
});

describe.each(ENGINES)('one WARP step with plain SGD (1 user, 4 items), simd $simd', ({ simd }) => {
  // Items are attributes only: item 0 has feature 0, items 1-3 feature 1, so whichever
  // negative is drawn, the step is the same.
  const train = buildCsr(1, 4, Int32Array.of(0), Int32Array.of(0));
  const users = buildFeatureRows(1, true, undefined, true);
  const items = buildFeatureRows(4, false, { dim: 2, values: Float32Array.of(1, 0, 0, 1, 0, 1, 0, 1) }, true);
  const U = [0.5, 0.5];
  const E0 = [0.2, 0.1];
  const E1 = [0.3, -0.1];
  const lr = 0.1;

  function run(b0: number, b1: number) {
    const params: LightfmParams = { dim: 2, userEmbeddings: Float32Array.from(U), itemEmbeddings: Float32Array.from([...E0, ...E1]), itemBiases: Float32Array.of(b0, b1) };
    const settings = lightfmModel.config.parse({ loss: 'warp', optimizer: 'sgd', learningRate: lr, maxSampled: 5 });
    const sgd = new LightfmSgd(params, settings, { users, items, train, negatives: Int32Array.of(0, 1, 2, 3) }, 7, { simd });
    expect(sgd.simd).toBe(simd);
    const stats = sgd.epoch();
    return { params, stats };
  }

  it('steps with weight log(floor((N - 1) / draws)) when the first negative scores above positive - 1', () => {
    const { params, stats } = run(0, 0.1);
    const pos = U[0] * E0[0] + U[1] * E0[1] + 0; // 0.15
    const neg = U[0] * E1[0] + U[1] * E1[1] + 0.1; // 0.2 > pos - 1
    expect(neg).toBeGreaterThan(pos - 1);
    const L = Math.log(Math.floor((4 - 1) / 1));
    expect(stats.loss).toBeCloseTo(L, 6);
    expect(stats.updates).toBe(1);
    closeArrays(params.itemEmbeddings, [...E0.map((w, c) => w - lr * -L * U[c]), ...E1.map((w, c) => w - lr * L * U[c])]);
    closeArrays(params.itemBiases, [0 - lr * -L, 0.1 - lr * L]);
    closeArrays(params.userEmbeddings, U.map((w, c) => w - lr * L * (E1[c] - E0[c])));
  });

  it('leaves everything alone when no drawn negative comes within 1 of the positive', () => {
    const { params, stats } = run(2, 0.1);
    expect(stats).toEqual({ loss: 0, updates: 0, examples: 1 });
    closeArrays(params.itemEmbeddings, [...E0, ...E1]);
    closeArrays(params.userEmbeddings, U);
  });

});

describe('the WARP rank weight', () => {
  it('weights by the estimated rank, clipped as LightFM does', () => {
    expect(warpWeight(1682, 1)).toBeCloseTo(Math.log(1681), 10);
    expect(warpWeight(1682, 10)).toBeCloseTo(Math.log(168), 10);
    expect(warpWeight(4, 2)).toBe(0);
    expect(warpWeight(1e6, 1)).toBe(MAX_WARP_WEIGHT);
  });
});

describe('the SIMD kernel and the JS loop', () => {
  // 30 users, 25 items with identities and 3 attributes each; 7 components (padded to 8 in the kernel).
  const rng = new Rng(11);
  const pairs = Array.from({ length: 150 }, () => [rng.int(30), rng.int(25)]);
  const train = buildCsr(30, 25, Int32Array.from(pairs, (p) => p[0]), Int32Array.from(pairs, (p) => p[1]));
  const users = buildFeatureRows(30, true, { dim: 2, values: Float32Array.from({ length: 60 }, () => rng.int(2)) }, true);
  const items = buildFeatureRows(25, true, { dim: 6, values: Float32Array.from({ length: 150 }, () => (rng.next() < 0.4 ? rng.next() : 0)) }, true);

  it.each([
    { loss: 'warp', optimizer: 'adagrad', itemAlpha: 0.01, userAlpha: 0.02 },
    { loss: 'bpr', optimizer: 'sgd', itemAlpha: 0, userAlpha: 0.01 },
    { loss: 'bpr', optimizer: 'adagrad', bprNegatives: 'uniform' },
  ])('train alike over three epochs (%o)', (config) => {
    const settings = lightfmModel.config.parse({ ...config, learningRate: 0.05 });
    const run = (simd: boolean, kernelDraws = true) => {
      const params = initParams(7, users, items, new Rng(4));
      const sgd = new LightfmSgd(params, settings, { users, items, train, negatives: Int32Array.from({ length: 25 }, (_, i) => i) }, 9, { simd, kernelDraws });
      expect(sgd.simd).toBe(simd);
      const losses = [sgd.epoch(), sgd.epoch(), sgd.epoch()].map((e) => e.loss);
      return { params, losses };
    };
    // One random stream in both (the kernel draws WARP's negatives from the same generator state), so the same steps.
    const a = run(true);
    const b = run(false);
    // WARP's draws in JS with the kernel scoring each one (data whose positives fit no bit set): the same steps again.
    const c = run(true, false);
    c.losses.forEach((l, k) => expect(l).toBeCloseTo(a.losses[k], 5));
    a.losses.forEach((l, k) => expect(l).toBeCloseTo(b.losses[k], 4));
    const diff = (x: Float32Array, y: Float32Array) => x.reduce((m, v, k) => Math.max(m, Math.abs(v - y[k])), 0);
    expect(diff(a.params.userEmbeddings, b.params.userEmbeddings)).toBeLessThan(1e-4);
    expect(diff(a.params.itemEmbeddings, b.params.itemEmbeddings)).toBeLessThan(1e-4);
    expect(diff(a.params.itemBiases, b.params.itemBiases)).toBeLessThan(1e-4);
    // And they moved: a kernel that did nothing would fail here.
    expect(diff(a.params.itemEmbeddings, initParams(7, users, items, new Rng(4)).itemEmbeddings)).toBeGreaterThan(1e-3);
  });
});

describe('feature rows and initialisation', () => {
  it('puts identity columns first, drops zero attributes and normalises rows to sum 1 in absolute value', () => {
    const rows = buildFeatureRows(2, true, { dim: 3, values: Float32Array.of(0, 2, -1, 0, 0, 0) }, true);
    expect(rows.nCols).toBe(5);
    expect(Array.from(rows.indptr)).toEqual([0, 3, 4]);
    expect(Array.from(rows.indices)).toEqual([0, 3, 4, 1]);
    closeArrays(rows.values, [0.25, 0.5, -0.25, 1]);
    const raw = buildFeatureRows(2, false, { dim: 3, values: Float32Array.of(0, 2, -1, 0, 0, 0) }, false);
    expect(Array.from(raw.indices)).toEqual([1, 2]);
    expect(Array.from(raw.indptr)).toEqual([0, 2, 2]);
  });

  it('starts held-out entities at zero identity rows and the rest uniform in ±1 / (2 dim)', () => {
    const users = buildFeatureRows(3, true, undefined, true);
    const items = buildFeatureRows(4, true, { dim: 1, values: Float32Array.of(1, 0, 1, 0) }, true);
    const p = initParams(8, users, items, new Rng(3), 1, { items: Int32Array.of(2) });
    expect(Array.from(p.itemEmbeddings.subarray(16, 24))).toEqual(new Array(8).fill(0));
    expect(p.itemEmbeddings.subarray(0, 16).every((v) => Math.abs(v) <= 1 / 16 && v !== 0)).toBe(true);
    expect(p.itemEmbeddings.subarray(32, 40).some((v) => v !== 0)).toBe(true); // the attribute row is not an identity row
    expect(Array.from(p.itemBiases)).toEqual([0, 0, 0, 0, 0]);
  });
});
