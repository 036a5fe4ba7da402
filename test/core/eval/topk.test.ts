import { describe, expect, it } from 'vitest';
import { TopKSelector } from '../../../core/eval/topk';
import { Rng } from '../../../core/util';

describe('TopKSelector', () => {
  it('equals a full sort (score desc, index asc) on tie-heavy random rows, with exclusions and candidates', () => {
    const rng = new Rng(11);
    const n = 300;
    for (let trial = 0; trial < 30; trial++) {
      const k = 1 + rng.int(40);
      const scores = Float32Array.from({ length: n }, () => rng.int(12) / 4 - 1);
      const excluded = Uint8Array.from({ length: n }, () => (rng.next() < 0.2 ? 1 : 0));
      // Candidates in shuffled order: ties must still go to the lower index.
      const candidates = trial % 2 ? rng.shuffle(Int32Array.from({ length: n }, (_, i) => i).filter(() => rng.next() < 0.5)) : undefined;
      const pool = candidates ? Array.from(candidates) : Array.from({ length: n }, (_, i) => i);
      const expected = pool.filter((i) => !excluded[i]).sort((a, b) => scores[b] - scores[a] || a - b).slice(0, k);
      const items = new Int32Array(k);
      const out = new Float32Array(k);
      const count = new TopKSelector(k).select(scores, excluded, candidates, items, out, 0);
      expect(Array.from(items.subarray(0, count))).toEqual(expected);
      expect(Array.from(out.subarray(0, count))).toEqual(expected.map((i) => scores[i]));
    }
  });

  it('returns fewer than K when fewer items are eligible, and handles infinities', () => {
    const scores = Float32Array.from([-Infinity, 2, Infinity, 1]);
    const items = new Int32Array(10);
    const count = new TopKSelector(10).select(scores, Uint8Array.from([0, 0, 0, 1]), undefined, items, new Float32Array(10), 0);
    expect(Array.from(items.subarray(0, count))).toEqual([2, 1, 0]);
  });

  it('throws on NaN', () => {
    expect(() => new TopKSelector(2).select(Float32Array.from([1, NaN]), new Uint8Array(2), undefined, new Int32Array(2), new Float32Array(2), 7)).toThrow(/item 1 of user 7 as NaN/);
  });
});
