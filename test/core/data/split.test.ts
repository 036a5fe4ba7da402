import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { roundHalfEven, splitDataset, splitMatrices, type Split } from '../../../core/data/split';
import type { Dataset } from '../../../core/data/types';

const ML100K = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'datasets', 'ml-100k');
const hasMl100k = fs.existsSync(path.join(ML100K, 'u.data'));

/** A dataset from (user, item, timestamp) triples; ids are 'u<index>' / 'i<index>'. */
function datasetOf(rows: [number, number, number][], nUsers?: number, nItems?: number): Dataset {
  const nu = nUsers ?? Math.max(0, ...rows.map((r) => r[0] + 1));
  const ni = nItems ?? Math.max(0, ...rows.map((r) => r[1] + 1));
  return {
    name: 'hand',
    source: 'test',
    userIds: Array.from({ length: nu }, (_, u) => `u${u}`),
    itemIds: Array.from({ length: ni }, (_, i) => `i${i}`),
    interactions: {
      user: Int32Array.from(rows.map((r) => r[0])),
      item: Int32Array.from(rows.map((r) => r[1])),
      rating: new Float32Array(rows.length).fill(NaN),
      timestamp: Float64Array.from(rows.map((r) => r[2])),
      context: {},
    },
    userAttributes: [],
    itemAttributes: [],
  };
}

/** `counts[u]` interactions for user u on items 0.., at times 1000 * u + j. */
function perUser(counts: number[], nItems = 60): Dataset {
  const rows: [number, number, number][] = [];
  counts.forEach((n, u) => {
    for (let j = 0; j < n; j++) rows.push([u, (u * 7 + j) % nItems, 1000 * u + j]);
  });
  return datasetOf(rows, counts.length, nItems);
}

function expectPartition(split: Split, n: number): void {
  const seen = new Uint8Array(n);
  let repeated = 0;
  let unsorted = 0;
  for (const part of [split.train, split.valid, split.test]) {
    for (let j = 0; j < part.length; j++) {
      if (seen[part[j]]) repeated++;
      seen[part[j]] = 1;
      if (j > 0 && part[j] <= part[j - 1]) unsorted++;
    }
  }
  expect({ repeated, unsorted, missing: seen.filter((x) => x === 0).length }).toEqual({ repeated: 0, unsorted: 0, missing: 0 });
}

function countByUser(ds: Dataset, idx: Int32Array): number[] {
  const c = new Array(ds.userIds.length).fill(0);
  for (const k of idx) c[ds.interactions.user[k]]++;
  return c;
}

describe('roundHalfEven', () => {
  it('rounds halves to even as numpy does', () => {
    expect([0.5, 1.5, 2.5, 3.5, 0.49, 2.51, 4].map(roundHalfEven)).toEqual([0, 2, 2, 4, 0, 3, 4]);
    // 15 * 0.1 is the double 1.5 -> 2; 25 * 0.1 is 2.5 -> 2; 5 * 0.1 is 0.5 -> 0.
    expect([15 * 0.1, 25 * 0.1, 5 * 0.1].map(roundHalfEven)).toEqual([2, 2, 0]);
  });
});

describe('splitDataset random', () => {
  const ds = perUser([20, 10, 3, 15, 25, 5, 0, 2]);
  const spec = { kind: 'random' as const, ratios: [0.8, 0.1, 0.1] as [number, number, number] };

  it('takes round-half-even shares per user and keeps small users in train', () => {
    const s = splitDataset(ds, spec, 42);
    expectPartition(s, ds.interactions.user.length);
    // n=20: 2 test, 2 valid. n=10: 1, 1. n=3: 0.3 -> 0. n=15: 1.5 -> 2 each. n=25: 2.5 -> 2 each.
    // n=5: 0.5 -> 0 each. n=0: nothing. n=2: 0.2 -> 0.
    expect(countByUser(ds, s.test)).toEqual([2, 1, 0, 2, 2, 0, 0, 0]);
    expect(countByUser(ds, s.valid)).toEqual([2, 1, 0, 2, 2, 0, 0, 0]);
    expect(countByUser(ds, s.train)).toEqual([16, 8, 3, 11, 21, 5, 0, 2]);
    expect(s.kind).toBe('random');
    expect(s.seed).toBe(42);
  });

  it('keeps a user in train when the held-out parts would take everything', () => {
    // [0.5, 0, 0.5]: n=2 -> 1 test; n=1 -> round(0.5) = 0 test. [0.2, 0.4, 0.4], n=2 -> 1 + 1 = 2 >= 2: all train.
    const small = perUser([2, 1]);
    expect(countByUser(small, splitDataset(small, { kind: 'random', ratios: [0.5, 0, 0.5] }, 1).test)).toEqual([1, 0]);
    expect(countByUser(small, splitDataset(small, { kind: 'random', ratios: [0.2, 0.4, 0.4] }, 1).train)).toEqual([2, 1]);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const a = splitDataset(ds, spec, 42);
    const b = splitDataset(ds, spec, 42);
    const c = splitDataset(ds, spec, 43);
    expect(a).toEqual(b);
    expect(Array.from(a.test)).not.toEqual(Array.from(c.test));
    expectPartition(c, ds.interactions.user.length);
  });

  it('rejects ratios that do not sum to 1', () => {
    expect(() => splitDataset(ds, { kind: 'random', ratios: [0.8, 0.1, 0.2] }, 1)).toThrow(/summing to 1/);
    expect(() => splitDataset(ds, { kind: 'random', ratios: [0, 0.5, 0.5] }, 1)).toThrow(/train no share/);
  });
});

describe('splitDataset leave-last-out', () => {
  it('puts the last interaction by time in test and the second-last in valid, ties by index', () => {
    const ds = datasetOf([
      [0, 0, 5], // 0
      [0, 1, 3], // 1
      [0, 2, 9], // 2: tie with 3 at t=9, lower index -> earlier -> valid
      [0, 3, 9], // 3: last -> test
      [1, 0, 1], // 4: user 1 has 2 -> 1 train, 1 test
      [1, 1, 2], // 5 -> test
      [2, 2, 7], // 6: user 2 has 1 -> train
    ]);
    const s = splitDataset(ds, { kind: 'leave-last-out' }, 0);
    expect(Array.from(s.test)).toEqual([3, 5]);
    expect(Array.from(s.valid)).toEqual([2]);
    expect(Array.from(s.train)).toEqual([0, 1, 4, 6]);
  });

  it('refuses data without timestamps', () => {
    const ds = datasetOf([
      [0, 0, 1],
      [0, 1, NaN],
    ]);
    expect(() => splitDataset(ds, { kind: 'leave-last-out' }, 0)).toThrow(/1 of 2 interactions .* have no timestamp/);
  });
});

describe('splitDataset temporal', () => {
  it('cuts at global time quantiles', () => {
    // times 1..10 (shuffled over indices), ratios .6/.2/.2: cutoffs at ranks 6 (t=7) and 8 (t=9).
    const times = [4, 9, 1, 7, 10, 2, 8, 3, 6, 5];
    const ds = datasetOf(times.map((t, k) => [k % 3, k, t]));
    const s = splitDataset(ds, { kind: 'temporal', ratios: [0.6, 0.2, 0.2] }, 0);
    const partTimes = (idx: Int32Array) => Array.from(idx, (k) => times[k]).sort((a, b) => a - b);
    expect(partTimes(s.train)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(partTimes(s.valid)).toEqual([7, 8]);
    expect(partTimes(s.test)).toEqual([9, 10]);
  });

  it('never splits one instant across parts', () => {
    // times [1,1,1,2,2,2,2,3,3,3], ratio .5 train: rank 5 has t=2 -> every t=2 goes to valid.
    const times = [1, 1, 1, 2, 2, 2, 2, 3, 3, 3];
    const ds = datasetOf(times.map((t, k) => [0, k, t]));
    const s = splitDataset(ds, { kind: 'temporal', ratios: [0.5, 0.2, 0.3] }, 0);
    // second cutoff at rank 7 -> t=3.
    expect(Array.from(s.train)).toEqual([0, 1, 2]);
    expect(Array.from(s.valid)).toEqual([3, 4, 5, 6]);
    expect(Array.from(s.test)).toEqual([7, 8, 9]);
  });
});

describe('splitDataset cold-item', () => {
  // 50 items, 4 users each interacting with every item.
  const rows: [number, number, number][] = [];
  for (let u = 0; u < 4; u++) for (let i = 0; i < 50; i++) rows.push([u, i, i]);
  const ds = datasetOf(rows);

  it('holds out whole items for test and validation', () => {
    const s = splitDataset(ds, { kind: 'cold-item', holdout: 0.2, valid: 0.1 }, 7);
    expectPartition(s, rows.length);
    expect(s.coldItems).toHaveLength(10);
    expect(s.validColdItems).toHaveLength(5);
    const cold = new Set(s.coldItems);
    const validCold = new Set(s.validColdItems);
    for (const k of s.train) expect(cold.has(ds.interactions.item[k]) || validCold.has(ds.interactions.item[k])).toBe(false);
    for (const k of s.test) expect(cold.has(ds.interactions.item[k])).toBe(true);
    for (const k of s.valid) expect(validCold.has(ds.interactions.item[k])).toBe(true);
    expect(s.test).toHaveLength(40);
    expect(s.valid).toHaveLength(20);
    expect(splitDataset(ds, { kind: 'cold-item', holdout: 0.2, valid: 0.1 }, 7)).toEqual(s);
    expect(Array.from(splitDataset(ds, { kind: 'cold-item', holdout: 0.2, valid: 0.1 }, 8).coldItems!)).not.toEqual(Array.from(s.coldItems!));
  });

  it('leaves validColdItems out when valid is 0', () => {
    const s = splitDataset(ds, { kind: 'cold-item', holdout: 0.3, valid: 0 }, 1);
    expect(s.validColdItems).toBeUndefined();
    expect(s.valid).toHaveLength(0);
    expect(s.coldItems).toHaveLength(15);
  });
});

describe('splitDataset cold-user', () => {
  it('holds out users, revealing their first `history` interactions by time', () => {
    // 20 users x 6 interactions at times (6 - j) so that the index order is the reverse of time order.
    const rows: [number, number, number][] = [];
    for (let u = 0; u < 20; u++) for (let j = 0; j < 6; j++) rows.push([u, j, 6 - j]);
    const ds = datasetOf(rows);
    const s = splitDataset(ds, { kind: 'cold-user', holdout: 0.25, valid: 0, history: 2 }, 3);
    expectPartition(s, rows.length);
    expect(s.coldUsers).toHaveLength(5);
    const cold = new Set(s.coldUsers);
    for (const u of cold) {
      // first two by time: j = 5 (t=1), j = 4 (t=2) -> train; j = 0..3 -> test.
      const trainJ = Array.from(s.train).filter((k) => ds.interactions.user[k] === u).map((k) => k % 6);
      expect(trainJ).toEqual([4, 5]);
    }
    expect(s.test).toHaveLength(5 * 4);
    for (const k of s.test) expect(cold.has(ds.interactions.user[k])).toBe(true);
  });
});

describe('splitMatrices', () => {
  it('builds user x item 0/1 matrices of the parts', () => {
    const ds = datasetOf([
      [0, 0, 1],
      [0, 1, 2],
      [1, 1, 3],
      [1, 1, 4],
    ]);
    const s = splitDataset(ds, { kind: 'leave-last-out' }, 0);
    const m = splitMatrices(ds, s);
    expect(m.test.nRows).toBe(2);
    expect(m.test.nCols).toBe(2);
    expect(Array.from(m.test.indptr)).toEqual([0, 1, 2]);
    expect(Array.from(m.test.indices)).toEqual([1, 1]);
    expect(Array.from(m.train.indices)).toEqual([0, 1]);
    expect(Array.from(m.train.values)).toEqual([1, 1]);
  });
});

describe.skipIf(!hasMl100k)('splitDataset on MovieLens 100K (skipped when ../shared/datasets/ml-100k is absent)', () => {
  it('splits 100,000 ratings 80/10/10 per user, reproducibly', () => {
    const lines = fs.readFileSync(path.join(ML100K, 'u.data'), 'utf8').trim().split('\n');
    const rows = lines.map((l) => l.split('\t').map(Number)).map(([u, i, , t]) => [u - 1, i - 1, t] as [number, number, number]);
    const ds = datasetOf(rows);
    const spec = { kind: 'random' as const, ratios: [0.8, 0.1, 0.1] as [number, number, number] };
    const s = splitDataset(ds, spec, 42);
    expectPartition(s, 100000);
    const per = countByUser(ds, Int32Array.from({ length: 100000 }, (_, k) => k));
    const expectedTest = per.reduce((sum, n) => sum + roundHalfEven(n * 0.1), 0);
    expect(s.test.length).toBe(expectedTest);
    expect(s.valid.length).toBe(expectedTest);
    const again = splitDataset(ds, spec, 42);
    for (const part of ['train', 'valid', 'test'] as const) expect(Buffer.from(again[part].buffer).equals(Buffer.from(s[part].buffer))).toBe(true);
    const m = splitMatrices(ds, s);
    expect(m.train.indices.length + m.valid.indices.length + m.test.indices.length).toBe(100000);
    // leave-last-out: every user (all have >= 20 ratings) gives exactly one to test and one to valid.
    const l = splitDataset(ds, { kind: 'leave-last-out' }, 0);
    expect(l.test.length).toBe(943);
    expect(l.valid.length).toBe(943);
  });
});
