import { describe, expect, it } from 'vitest';
import { activityBuckets, buildSegments, popularityBuckets } from '../../../core/eval/segments';

const members = (m: Uint8Array | undefined) => Array.from(m ?? [], (x, i) => (x ? i : -1)).filter((i) => i >= 0);

describe('activityBuckets', () => {
  it('cuts train counts at quartiles and names buckets by their range', () => {
    // counts 1..8 for users 0..7: cuts at ranks ceil(2)-1 = 1 (count 2), 3 (4), 5 (6), then the max 8.
    const counts = Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const all = Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7]);
    const b = activityBuckets(counts, all, 8, 4);
    expect(b.map((s) => s.name)).toEqual(['users:activity[1-2]', 'users:activity[3-4]', 'users:activity[5-6]', 'users:activity[7-8]']);
    expect(members(b[1].users)).toEqual([2, 3]);
  });

  it('merges buckets whose cuts coincide', () => {
    // six users with 1, then 5 and 9: every quartile cut is 1, so two buckets remain.
    const counts = Int32Array.from([1, 1, 1, 1, 1, 1, 5, 9]);
    const b = activityBuckets(counts, Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7]), 8, 4);
    expect(b.map((s) => s.name)).toEqual(['users:activity[1-1]', 'users:activity[5-9]']);
    // Only evaluated users take part.
    const only = activityBuckets(counts, Int32Array.from([6, 7]), 8, 4);
    expect(only.map((s) => s.name)).toEqual(['users:activity[5-5]', 'users:activity[9-9]']);
  });
});

describe('popularityBuckets', () => {
  it('splits items into head (first 20% of interactions), tail (last 20%) and mid', () => {
    // popularity [10,5,3,1,1,0], total 20. Sorted: 0,1,2,3,4,5 with interactions before each 0,10,15,18,19,20.
    // head: before < 4 -> item 0. mid: before < 16 -> items 1, 2. tail: items 3, 4, 5.
    const [head, mid, tail] = popularityBuckets(Int32Array.from([10, 5, 3, 1, 1, 0]));
    expect(members(head.items)).toEqual([0]);
    expect(members(mid.items)).toEqual([1, 2]);
    expect(members(tail.items)).toEqual([3, 4, 5]);
    expect([head.name, mid.name, tail.name]).toEqual(['items:head', 'items:mid', 'items:tail']);
  });
});

describe('buildSegments', () => {
  it('builds the segments its inputs allow, in a stable order', () => {
    const segs = buildSegments({
      nUsers: 3,
      nItems: 4,
      evaluatedUsers: Int32Array.from([0, 1, 2]),
      coldItems: Int32Array.from([2]),
      userTrainCounts: Int32Array.from([1, 1, 1]),
      itemPopularity: Int32Array.from([3, 2, 0, 1]),
    });
    expect(segs.map((s) => s.name)).toEqual(['items:cold', 'items:warm', 'users:no-history', 'users:activity[1-1]', 'items:head', 'items:mid', 'items:tail']);
    expect(members(segs[1].items)).toEqual([0, 1, 3]);
    expect(buildSegments({ nUsers: 3, nItems: 4, evaluatedUsers: new Int32Array(0), coldItems: Int32Array.from([2]) }, { coldItems: false })).toEqual([]);
  });

  it('puts users without any training interaction in users:no-history', () => {
    const counts = Int32Array.from([0, 4, 0, 1]);
    const segs = buildSegments({ nUsers: 4, nItems: 2, evaluatedUsers: Int32Array.from([0, 1, 2, 3]), userTrainCounts: counts }, { activityBuckets: 0 });
    expect(segs.map((s) => s.name)).toEqual(['users:no-history']);
    expect(members(segs[0].users)).toEqual([0, 2]);
    expect(buildSegments({ nUsers: 4, nItems: 2, evaluatedUsers: Int32Array.from([0]), userTrainCounts: counts }, { activityBuckets: 0, noHistory: false })).toEqual([]);
  });
});
