import { describe, expect, it } from 'vitest';
import { tieRank, tieSalt, TopKSelector } from '../../../core/eval/topk';
import { Rng } from '../../../core/util';

/** Runs a selector over `scores` and returns the chosen items, best first. */
function top(scores: number[], k: number, seed: number, user: number, excluded = new Uint8Array(scores.length), candidates?: Int32Array): number[] {
  const items = new Int32Array(k);
  const count = new TopKSelector(k, seed).select(Float32Array.from(scores), excluded, candidates, items, new Float32Array(k), user);
  return Array.from(items.subarray(0, count));
}

/** Items ordered by their tie rank for (seed, user): the order equal scores must come out in. */
function tieOrder(items: number[], seed: number, user: number): number[] {
  const salt = tieSalt(seed, user);
  return [...items].sort((a, b) => tieRank(salt, a) - tieRank(salt, b));
}

describe('TopKSelector', () => {
  it('equals a full sort (score desc, tie rank asc) on tie-heavy random rows, with exclusions and candidates', () => {
    const rng = new Rng(11);
    const n = 300;
    for (let trial = 0; trial < 30; trial++) {
      const k = 1 + rng.int(40);
      const seed = rng.int(1000);
      const scores = Float32Array.from({ length: n }, () => rng.int(12) / 4 - 1);
      const excluded = Uint8Array.from({ length: n }, () => (rng.next() < 0.2 ? 1 : 0));
      const candidates = trial % 2 ? rng.shuffle(Int32Array.from({ length: n }, (_, i) => i).filter(() => rng.next() < 0.5)) : undefined;
      const pool = candidates ? Array.from(candidates) : Array.from({ length: n }, (_, i) => i);
      const salt = tieSalt(seed, trial);
      const expected = pool.filter((i) => !excluded[i]).sort((a, b) => scores[b] - scores[a] || tieRank(salt, a) - tieRank(salt, b)).slice(0, k);
      const items = new Int32Array(k);
      const out = new Float32Array(k);
      const count = new TopKSelector(k, seed).select(scores, excluded, candidates, items, out, trial);
      expect(Array.from(items.subarray(0, count))).toEqual(expected);
      expect(Array.from(out.subarray(0, count))).toEqual(expected.map((i) => scores[i]));
    }
  });

  it('ranks all-tied scores in a seeded permutation, not in index order', () => {
    const all = Array.from({ length: 12 }, (_, i) => i);
    const ranked = top(new Array(12).fill(0.25), 12, 7, 3);
    expect([...ranked].sort((a, b) => a - b)).toEqual(all); // every item once
    expect(ranked).not.toEqual(all);
    expect(ranked).toEqual(tieOrder(all, 7, 3));
    // Same seed and user: same ranking. Another seed or another user: another one.
    expect(top(new Array(12).fill(0.25), 12, 7, 3)).toEqual(ranked);
    expect(top(new Array(12).fill(0.25), 12, 8, 3)).not.toEqual(ranked);
    expect(top(new Array(12).fill(0.25), 12, 7, 4)).not.toEqual(ranked);
    // A shorter list is the head of the full one (the heap keeps the same order).
    expect(top(new Array(12).fill(0.25), 4, 7, 3)).toEqual(ranked.slice(0, 4));
  });

  it('keeps the order of distinct scores and shuffles only inside each tie', () => {
    // .9 for items 1, 4; .5 for 0, 2, 5; .1 for 3.
    const scores = [0.5, 0.9, 0.5, 0.1, 0.9, 0.5];
    for (const seed of [0, 1, 2, 3]) {
      const expected = [...tieOrder([1, 4], seed, 0), ...tieOrder([0, 2, 5], seed, 0), 3];
      expect(top(scores, 6, seed, 0)).toEqual(expected);
      expect(top(scores, 3, seed, 0)).toEqual(expected.slice(0, 3));
    }
  });

  it('spreads the first place of an all-tied row evenly over the items', () => {
    // 2000 users x 10 tied items, K = 1: each item should lead ~200 times; index order would give item 0 every time.
    const counts = new Array(10).fill(0);
    for (let u = 0; u < 2000; u++) counts[top(new Array(10).fill(1), 1, 5, u)[0]]++;
    for (const c of counts) expect(c).toBeGreaterThan(140);
    for (const c of counts) expect(c).toBeLessThan(260);
  });

  it('gives distinct tie ranks to distinct items', () => {
    const salt = tieSalt(42, 0);
    const ranks = new Set(Array.from({ length: 100_000 }, (_, i) => tieRank(salt, i)));
    expect(ranks.size).toBe(100_000);
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
