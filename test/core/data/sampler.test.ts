import { describe, expect, it } from 'vitest';
import { buildCsr } from '../../../core/data';
import { NegativeSampler, pairwiseEpoch, pointwiseEpoch } from '../../../core/data/sampler';
import { Rng } from '../../../core/util';

// 4 users x 6 items; user 3 has seen every item but one.
const users = Int32Array.from([0, 0, 1, 2, 2, 2, 3, 3, 3, 3, 3]);
const items = Int32Array.from([1, 4, 0, 2, 3, 5, 0, 1, 2, 3, 4]);
const train = buildCsr(4, 6, users, items);
const positives = (u: number) => new Set(train.indices.subarray(train.indptr[u], train.indptr[u + 1]));

describe('NegativeSampler', () => {
  it.each(['uniform', 'popularity'] as const)('%s never returns a training positive of the user', (mode) => {
    const s = new NegativeSampler(train, mode, new Rng(3));
    for (let u = 0; u < 4; u++) {
      for (let k = 0; k < 500; k++) {
        const j = s.sample(u);
        expect(j).toBeGreaterThanOrEqual(0);
        expect(positives(u).has(j)).toBe(false);
      }
    }
    // User 3's only unseen item is 5.
    expect(new Set(Array.from({ length: 50 }, () => s.sample(3)))).toEqual(new Set([5]));
  });

  it('popularity sampling follows item counts and never draws items without interactions', () => {
    // Item counts: 0:2, 1:2, 2:2, 3:2, 4:2, 5:1. User 0 (seen 1, 4) draws from 0, 2, 3, 5 with weights 2:2:2:1.
    const s = new NegativeSampler(train, 'popularity', new Rng(5));
    const hist = new Map<number, number>();
    for (let k = 0; k < 14000; k++) {
      const j = s.sample(0);
      hist.set(j, (hist.get(j) ?? 0) + 1);
    }
    expect([...hist.keys()].sort()).toEqual([0, 2, 3, 5]);
    expect(hist.get(5)! / 14000).toBeGreaterThan(1 / 7 - 0.03);
    expect(hist.get(5)! / 14000).toBeLessThan(1 / 7 + 0.03);
  });

  it('skips excluded (cold) items', () => {
    const s = new NegativeSampler(train, 'uniform', new Rng(1), Int32Array.from([0, 2, 3]));
    for (let k = 0; k < 200; k++) expect([5]).toContain(s.sample(0));
    expect(s.sample(3)).toBe(5);
  });
});

describe('epoch rows', () => {
  it('pointwise: every positive once plus N negatives each, shuffled and repeatable by seed', () => {
    const make = (seed: number) => pointwiseEpoch(train, 2, new NegativeSampler(train, 'uniform', new Rng(seed)), new Rng(seed + 1));
    const rows = make(7);
    expect(rows.users.length).toBe(11 * 3);
    expect(rows.labels.reduce((a, b) => a + b, 0)).toBe(11);
    for (let k = 0; k < rows.users.length; k++) {
      expect(positives(rows.users[k]).has(rows.items[k])).toBe(rows.labels[k] === 1);
    }
    expect(Array.from(make(7).items)).toEqual(Array.from(rows.items));
    expect(Array.from(make(8).items)).not.toEqual(Array.from(rows.items));
  });

  it("pointwise: each row's source is its positive's CSR entry, once as the positive and N times for its negatives", () => {
    const rows = pointwiseEpoch(train, 2, new NegativeSampler(train, 'uniform', new Rng(7)), new Rng(8));
    const perEntry = new Array(11).fill(0);
    for (let k = 0; k < rows.users.length; k++) {
      const p = rows.sources[k];
      // The entry belongs to the row's user; a positive row is that entry itself.
      expect(p).toBeGreaterThanOrEqual(train.indptr[rows.users[k]]);
      expect(p).toBeLessThan(train.indptr[rows.users[k] + 1]);
      if (rows.labels[k] === 1) expect(train.indices[p]).toBe(rows.items[k]);
      perEntry[p]++;
    }
    expect(perEntry).toEqual(new Array(11).fill(3));
  });

  it('pairwise: a positive and K negatives per row', () => {
    const rows = pairwiseEpoch(train, 3, new NegativeSampler(train, 'uniform', new Rng(1)), new Rng(2));
    expect(rows.users.length).toBe(11);
    for (let r = 0; r < rows.users.length; r++) {
      expect(positives(rows.users[r]).has(rows.positives[r])).toBe(true);
      // Its source is the CSR entry of (user, positive).
      expect(train.indices[rows.sources[r]]).toBe(rows.positives[r]);
      expect(rows.sources[r]).toBeGreaterThanOrEqual(train.indptr[rows.users[r]]);
      expect(rows.sources[r]).toBeLessThan(train.indptr[rows.users[r] + 1]);
      for (let k = 0; k < 3; k++) expect(positives(rows.users[r]).has(rows.negatives[r * 3 + k])).toBe(false);
    }
  });
});
