import { describe, expect, it } from 'vitest';
import { datasetFingerprint, fingerprintedEvaluation, protocolFingerprint } from '../../../core/data/fingerprint';
import { splitDataset, type Split } from '../../../core/data/split';
import type { Dataset } from '../../../core/data/types';

function dataset(): Dataset {
  const n = 40;
  return {
    name: 'hand',
    source: '/somewhere/hand.csv',
    userIds: ['a', 'b', 'c', 'd'],
    itemIds: ['x', 'y', 'z', 'w', 'v'],
    interactions: {
      user: Int32Array.from({ length: n }, (_, k) => k % 4),
      item: Int32Array.from({ length: n }, (_, k) => (k * 3) % 5),
      rating: Float32Array.from({ length: n }, (_, k) => 1 + (k % 5)),
      timestamp: Float64Array.from({ length: n }, (_, k) => 1000 + k),
      context: { device: Array.from({ length: n }, (_, k) => (k % 2 ? 'phone' : null)) },
    },
    userAttributes: [{ name: 'age', kind: 'numeric', values: [20, 30, null, 40] }],
    itemAttributes: [{ name: 'genres', kind: 'multi', values: [['a'], ['b', 'c'], [], null, ['a']] }],
  };
}

const evaluation = { ks: [5, 10], metric: 'ndcg@10', segments: true, candidates: 'all' };
const spec = { kind: 'random' as const, ratios: [0.6, 0.2, 0.2] as [number, number, number] };

describe('protocolFingerprint', () => {
  it('is equal for the same data, split and settings, whatever the key order', () => {
    const a = protocolFingerprint(dataset(), splitDataset(dataset(), spec, 1), evaluation);
    const b = protocolFingerprint(dataset(), splitDataset(dataset(), spec, 1), { candidates: 'all', segments: true, metric: 'ndcg@10', ks: [5, 10] });
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).toBe(b);
  });

  it('changes with any change of data, split or settings', () => {
    const ds = dataset();
    const split = splitDataset(ds, spec, 1);
    const base = protocolFingerprint(ds, split, evaluation);
    const variants: string[] = [];
    const withDs = (edit: (d: Dataset) => void) => {
      const d = dataset();
      edit(d);
      variants.push(protocolFingerprint(d, split, evaluation));
    };
    withDs((d) => (d.interactions.rating[3] = 2.5));
    withDs((d) => (d.interactions.timestamp[0] = 999));
    withDs((d) => (d.interactions.item[7] = 4));
    withDs((d) => (d.itemIds[2] = 'zz'));
    withDs((d) => (d.userIds[0] = 'A'));
    withDs((d) => (d.interactions.context.device[0] = 'tv'));
    withDs((d) => (d.itemAttributes[0].values[2] = ['d']));
    withDs((d) => (d.userAttributes[0].kind = 'categorical'));
    const withSplit = (s: Split) => variants.push(protocolFingerprint(ds, s, evaluation));
    withSplit(splitDataset(ds, spec, 2));
    withSplit({ ...split, seed: 99 });
    withSplit({ ...split, kind: 'temporal' });
    // Moving one interaction from train to test.
    withSplit({ ...split, train: split.train.slice(1), test: Int32Array.from([split.train[0], ...split.test]).sort() });
    withSplit({ ...split, coldItems: Int32Array.from([1]) });
    variants.push(protocolFingerprint(ds, split, { ...evaluation, ks: [5, 20] }));
    variants.push(protocolFingerprint(ds, split, { ...evaluation, sampled: { negatives: 100 } }));
    for (const v of variants) expect(v).not.toBe(base);
    expect(new Set(variants).size).toBe(variants.length);
  });

  it('keeps the fingerprints of runs without a fallback, and tells a mostpop fallback apart', () => {
    const ds = dataset();
    const split = splitDataset(ds, spec, 1);
    // Literals computed before the fallback existed (run-experiment hashed {ks, candidates, sampled}).
    const before = 'a7ad5a219709a8a904e09c4f18c6779ca53578586ce1bbf12eb4e1827da25dca';
    const beforeSampled = '6eec32708cad008e1632acc516b4c97b687fbffe46c3bfe487ac7831765fd6f4';
    const evaluate = { ks: [5, 10, 20], candidates: 'all' as const, sampled: undefined };
    expect(protocolFingerprint(ds, split, fingerprintedEvaluation(evaluate))).toBe(before);
    expect(protocolFingerprint(ds, split, fingerprintedEvaluation({ ...evaluate, fallback: 'none' }))).toBe(before);
    expect(protocolFingerprint(ds, split, fingerprintedEvaluation({ ks: [5, 10], candidates: 'cold-items', sampled: { negatives: 100 } }))).toBe(beforeSampled);
    const mostpop = protocolFingerprint(ds, split, fingerprintedEvaluation({ ...evaluate, fallback: 'mostpop' }));
    expect(mostpop).toMatch(/^[0-9a-f]{64}$/);
    expect(mostpop).not.toBe(before);
  });

  it('does not confuse where one array ends and the next begins', () => {
    const ds = dataset();
    const split = splitDataset(ds, spec, 1);
    // Same concatenated bytes, different boundary between valid and test.
    const all = Int32Array.from([...split.valid, ...split.test]);
    const moved = { ...split, valid: all.subarray(0, split.valid.length + 1), test: all.subarray(split.valid.length + 1) };
    expect(protocolFingerprint(ds, moved, evaluation)).not.toBe(protocolFingerprint(ds, split, evaluation));
  });
});

describe('datasetFingerprint', () => {
  it('depends on content only, not on name or source', () => {
    const a = dataset();
    const b = { ...dataset(), name: 'copy', source: '/elsewhere.csv' };
    expect(datasetFingerprint(a)).toBe(datasetFingerprint(b));
    const c = dataset();
    c.interactions.user[0] = 1;
    expect(datasetFingerprint(c)).not.toBe(datasetFingerprint(a));
  });
});
