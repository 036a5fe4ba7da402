import { describe, expect, it } from 'vitest';
import { dedupeInteractions, kcoreFilter, toImplicit } from '../../../core/data/transform';
import type { Dataset } from '../../../core/data/types';

/**
 * Users A-E, items x,y,z,w,v. E and v have no interactions.
 *   A: x y z    B: x y    C: x w    D: z
 */
function tiny(): Dataset {
  const pairs: [number, number][] = [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [2, 0], [2, 3], [3, 2]];
  return {
    name: 'tiny',
    source: 'test',
    userIds: ['A', 'B', 'C', 'D', 'E'],
    itemIds: ['x', 'y', 'z', 'w', 'v'],
    interactions: {
      user: Int32Array.from(pairs, (p) => p[0]),
      item: Int32Array.from(pairs, (p) => p[1]),
      rating: Float32Array.from([5, 3, 4, 4, 2, 5, 1, NaN]),
      timestamp: Float64Array.from([10, 20, 30, 40, 50, 60, 70, 80]),
      context: { device: ['m', 'd', 'm', 't', 'd', 'm', null, 'm'] },
    },
    userAttributes: [{ name: 'age', kind: 'numeric', values: [10, 20, 30, 40, 50] }],
    itemAttributes: [{ name: 'title', kind: 'text', values: ['X', 'Y', 'Z', 'W', 'V'] }],
  };
}

describe('kcoreFilter', () => {
  it('iterates to the 2-core: removing D and w drops z and then C', () => {
    // Pass 1 removes D-z (D has 1) and C-w (w has 1); then z and C have 1 left, so
    // pass 2 removes A-z and C-x. A and B keep x and y: the 2-core.
    const ds = kcoreFilter(tiny(), { users: 2, items: 2 });
    expect(ds.userIds).toEqual(['A', 'B']);
    expect(ds.itemIds).toEqual(['x', 'y']);
    expect(Array.from(ds.interactions.user)).toEqual([0, 0, 1, 1]);
    expect(Array.from(ds.interactions.item)).toEqual([0, 1, 0, 1]);
    expect(Array.from(ds.interactions.rating)).toEqual([5, 3, 4, 2]);
    expect(Array.from(ds.interactions.timestamp)).toEqual([10, 20, 40, 50]);
    expect(ds.interactions.context.device).toEqual(['m', 'd', 't', 'd']);
    expect(ds.userAttributes[0].values).toEqual([10, 20]);
    expect(ds.itemAttributes[0].values).toEqual(['X', 'Y']);
  });

  it('with 1/1 drops only the entities without interactions', () => {
    const ds = kcoreFilter(tiny(), { users: 1, items: 1 });
    expect(ds.userIds).toEqual(['A', 'B', 'C', 'D']);
    expect(ds.itemIds).toEqual(['x', 'y', 'z', 'w']);
    expect(ds.interactions.user.length).toBe(8);
  });

  it('with 0/0 keeps cold users and items', () => {
    const ds = kcoreFilter(tiny(), { users: 0, items: 0 });
    expect(ds.userIds).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(ds.itemIds).toEqual(['x', 'y', 'z', 'w', 'v']);
  });

  it('can leave nothing', () => {
    const ds = kcoreFilter(tiny(), { users: 4, items: 1 });
    expect(ds.userIds).toEqual([]);
    expect(ds.interactions.user.length).toBe(0);
  });
});

describe('toImplicit', () => {
  it('keeps rating >= threshold with the original rating, drops unrated rows', () => {
    const ds = toImplicit(tiny(), 4);
    expect(Array.from(ds.interactions.rating)).toEqual([5, 4, 4, 5]);
    expect(Array.from(ds.interactions.user)).toEqual([0, 0, 1, 2]);
    expect(Array.from(ds.interactions.item)).toEqual([0, 2, 0, 0]);
    expect(ds.interactions.context.device).toEqual(['m', 'm', 't', 'm']);
    // Users and items stay, so a user can become cold.
    expect(ds.userIds.length).toBe(5);
  });

  it('refuses a dataset without ratings', () => {
    const ds = tiny();
    ds.interactions.rating.fill(NaN);
    expect(() => toImplicit(ds, 4)).toThrow(/has no ratings/);
  });
});

describe('dedupeInteractions', () => {
  it('keeps the latest event of each user-item pair, in original order', () => {
    const ds = tiny();
    ds.interactions.user = Int32Array.from([0, 1, 0, 0]);
    ds.interactions.item = Int32Array.from([0, 0, 0, 1]);
    ds.interactions.rating = Float32Array.from([1, 2, 3, 4]);
    ds.interactions.timestamp = Float64Array.from([5, 6, 9, 1]);
    ds.interactions.context = { device: ['a', 'b', 'c', 'd'] };
    const out = dedupeInteractions(ds);
    expect(Array.from(out.interactions.rating)).toEqual([2, 3, 4]);
    expect(out.interactions.context.device).toEqual(['b', 'c', 'd']);
    expect(dedupeInteractions(out)).toBe(out);
  });
});
