import { describe, expect, it } from 'vitest';
import { buildCsr } from '../../../../core/data/matrix';
import type { Dataset } from '../../../../core/data/types';
import { RandomRecommender } from '../../../../core/models/baselines/random';

const train = buildCsr(3, 50, Int32Array.from([0, 1, 2]), Int32Array.from([0, 1, 2]));
const dataset = { name: 't', itemAttributes: [] } as unknown as Dataset;

function scores(seed: number, users: number[]): Float32Array {
  const m = new RandomRecommender({ seed });
  m.fit({ dataset, train, trainIndex: new Int32Array(0), seed: 0 });
  const out = new Float32Array(users.length * 50);
  m.scoreUsers(Int32Array.from(users), out);
  return out;
}

describe('RandomRecommender', () => {
  it('gives seeded scores in [0, 1) that do not depend on batching', () => {
    const all = scores(7, [0, 1, 2]);
    expect(Array.from(scores(7, [1]))).toEqual(Array.from(all.subarray(50, 100)));
    expect(Array.from(scores(7, [2, 0]).subarray(50))).toEqual(Array.from(all.subarray(0, 50)));
    for (const v of all) expect(v >= 0 && v < 1).toBe(true);
  });

  it('changes with the seed and differs between users', () => {
    const a = scores(7, [0, 1]);
    const b = scores(8, [0, 1]);
    expect(Array.from(a)).not.toEqual(Array.from(b));
    expect(Array.from(a.subarray(0, 50))).not.toEqual(Array.from(a.subarray(50)));
    expect(new Set(a).size).toBeGreaterThan(95);
  });

  it('falls back to the run seed', () => {
    const m1 = new RandomRecommender();
    const m2 = new RandomRecommender({ seed: 5 });
    m1.fit({ dataset, train, trainIndex: new Int32Array(0), seed: 5 });
    m2.fit({ dataset, train, trainIndex: new Int32Array(0), seed: 0 });
    const o1 = new Float32Array(50);
    const o2 = new Float32Array(50);
    m1.scoreUsers(Int32Array.of(0), o1);
    m2.scoreUsers(Int32Array.of(0), o2);
    expect(Array.from(o1)).toEqual(Array.from(o2));
  });
});
