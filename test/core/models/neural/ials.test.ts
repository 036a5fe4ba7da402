import { describe, expect, it } from 'vitest';
import { buildCsr } from '../../../../core/data/matrix';
import { ialsObjective, solveIals, type IalsFactors, type IalsOptions } from '../../../../core/models/neural/ials';

/** 3 users x 5 items: u0 {i0, i1}, u1 {i1, i2}, u2 {i0, i2, i3}; item 4 has no interactions. */
const train = buildCsr(3, 5, Int32Array.from([0, 0, 1, 1, 2, 2, 2]), Int32Array.from([0, 1, 1, 2, 0, 2, 3]));

const options: IalsOptions = { dim: 2, unobservedWeight: 0.3, userL2: 0.5, itemL2: 0.2, sweeps: 1, cgSteps: 3, initStd: 0.3, seed: 4 };

/** The objective's largest partial derivative, by central differences over every user and item value. */
function largestGradient(f: IalsFactors, o: IalsOptions): number {
  let largest = 0;
  for (const table of [f.users, f.items, f.itemBias]) {
    for (let k = 0; k < table.length; k++) {
      const v = table[k];
      const h = 1e-2;
      table[k] = v + h;
      const up = ialsObjective(train, f, o);
      table[k] = v - h;
      const down = ialsObjective(train, f, o);
      table[k] = v;
      largest = Math.max(largest, Math.abs(up - down) / (2 * h));
    }
  }
  return largest;
}

describe('solveIals', () => {
  it('computes the objective by hand on one user and one item', () => {
    const one = buildCsr(1, 1, Int32Array.from([0]), Int32Array.from([0]));
    const f: IalsFactors = { dim: 1, users: Float32Array.from([2]), items: Float32Array.from([0.5]), itemBias: Float32Array.from([-0.25]) };
    // s = 2 * 0.5 - 0.25 = 0.75: (1 - 0.75)^2 + 0.3 * 0.75^2 + 0.5 * 2^2 + 0.2 * 0.5^2
    expect(ialsObjective(one, f, options)).toBeCloseTo(0.0625 + 0.16875 + 2 + 0.05, 6);
  });

  it('with one user and one item, ends at factors 0 and the bias 1 / (1 + unobservedWeight)', () => {
    const one = buildCsr(1, 1, Int32Array.from([0]), Int32Array.from([0]));
    const f = solveIals(one, { ...options, dim: 1, sweeps: 50 });
    // (1 - b)^2 + 0.3 b^2 is least at b = 1 / 1.3; any factor only adds its penalty.
    expect(f.itemBias[0]).toBeCloseTo(1 / 1.3, 4);
    expect(Math.abs(f.users[0] * f.items[0])).toBeLessThan(1e-4);
  });

  it('lowers the objective every sweep and ends where its gradient vanishes', () => {
    let previous = Infinity;
    for (const sweeps of [1, 2, 4, 8]) {
      const value = ialsObjective(train, solveIals(train, { ...options, sweeps }), options);
      expect(value).toBeLessThan(previous);
      previous = value;
    }
    const converged = solveIals(train, { ...options, sweeps: 300 });
    expect(largestGradient(converged, options)).toBeLessThan(1e-3);
  });

  it('keeps the rows of items without interactions at zero and is reproducible for a seed', () => {
    const f = solveIals(train, { ...options, sweeps: 3 });
    expect(Array.from(f.items.subarray(8, 10))).toEqual([0, 0]);
    expect(f.itemBias[4]).toBe(0);
    const again = solveIals(train, { ...options, sweeps: 3 });
    expect(Array.from(again.users)).toEqual(Array.from(f.users));
    expect(Array.from(again.items)).toEqual(Array.from(f.items));
  });

  it('rejects sizes and penalties that make no sense, naming the setting', () => {
    expect(() => solveIals(train, { ...options, dim: 0 })).toThrow(/dim must be a positive integer/);
    expect(() => solveIals(train, { ...options, sweeps: 1.5 })).toThrow(/sweeps/);
    expect(() => solveIals(train, { ...options, userL2: -1 })).toThrow(/userL2 must be a finite number >= 0/);
  });
});
