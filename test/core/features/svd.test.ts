import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { svdConfigSchema, svdTransformer } from '../../../core/features/svd';
import { fitInput, makeDataset, rowsOf, run } from './fixture';

// users 0..3 x items 0..3 in training; user 4 is cold; item 4 appears only in the test interaction.
const pairs: [number, number][] = [
  [0, 0],
  [0, 1],
  [1, 1],
  [1, 2],
  [2, 0],
  [2, 2],
  [2, 3],
  [3, 3],
  [3, 3], // a duplicate counts once
  [0, 4], // test only
];
const ds = makeDataset({ nUsers: 5, nItems: 5, interactions: pairs.map(([u, i]) => [u, i, NaN]) });
const train = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const dense = [
  [1, 1, 0, 0, 0],
  [0, 1, 1, 0, 0],
  [1, 0, 1, 1, 0],
  [0, 0, 0, 1, 0],
  [0, 0, 0, 0, 0],
];
const exact = new SingularValueDecomposition(new Matrix(dense)).diagonal.sort((a, b) => b - a);

function fitSide(side: 'user' | 'item', config: Record<string, unknown>) {
  return svdTransformer.fit(svdConfigSchema.parse(config), fitInput(ds, side, { trainIndex: train, seed: 3 }));
}

describe('svd transformer', () => {
  it('rebuilds the training matrix from user·item factor dot products at full rank', () => {
    const users = run(fitSide('user', { k: 4 }), rowsOf({}, [0, 1, 2, 3]));
    const items = run(fitSide('item', { k: 4 }), rowsOf({}, [0, 1, 2, 3]));
    for (let u = 0; u < 4; u++) {
      for (let i = 0; i < 4; i++) {
        const dot = users[u].reduce((s, x, c) => s + x * items[i][c], 0);
        expect(dot).toBeCloseTo(dense[u][i], 5);
      }
    }
  });

  it('gives exact zero rows to cold users, test-only items and new entities', () => {
    const user = fitSide('user', { k: 2 });
    const item = fitSide('item', { k: 2 });
    expect(run(user, rowsOf({}, [4, -1]))).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(run(item, rowsOf({}, [4]))).toEqual([[0, 0]]);
    expect(user.state().singularValues[0]).toBeCloseTo(exact[0], 6);
  });

  it('pads with zero columns when k exceeds the rank, and is deterministic for a seed', () => {
    const t = fitSide('user', { k: 6 });
    expect(t.dim).toBe(6);
    const row = run(t, rowsOf({}, [0]))[0];
    // component 5 of a 5 x 5 matrix of rank 4 has singular value ~0; component 6 does not exist
    expect(row[4]).toBeCloseTo(0, 6);
    expect(row[5]).toBe(0);
    expect(JSON.stringify(fitSide('item', { k: 2 }).state())).toBe(JSON.stringify(fitSide('item', { k: 2 }).state()));
  });

  it('rebuilds from JSON state', () => {
    const t = fitSide('item', { k: 3 });
    const back = svdTransformer.fromState(t.config, JSON.parse(JSON.stringify(t.state())));
    expect(run(back, rowsOf({}, [0, 1, 2, 3, 4]))).toEqual(run(t, rowsOf({}, [0, 1, 2, 3, 4])));
  });
});
