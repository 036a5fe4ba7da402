import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { randomizedSvd } from '../../../core/features/randomized-svd';
import { svdConfigSchema, svdTransformer } from '../../../core/features/svd';
import { Rng } from '../../../core/util';
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

describe('randomized SVD', () => {
  it('finds the exact singular values when the sketch spans the matrix', () => {
    const a = { nRows: 4, nCols: 4, indptr: Int32Array.from([0, 2, 4, 7, 8]), indices: Int32Array.from([0, 1, 1, 2, 0, 2, 3, 3]), values: new Float32Array(8).fill(1) };
    const svd = randomizedSvd(a, 3, { oversample: 5, powerIterations: 2, rng: new Rng(1) });
    expect(svd.k).toBe(3);
    for (let c = 0; c < 3; c++) expect(svd.s[c]).toBeCloseTo(exact[c], 9);
    // orthonormal columns of U
    for (let c = 0; c < 3; c++) {
      let norm = 0;
      for (let i = 0; i < 4; i++) norm += svd.u[i * 3 + c] ** 2;
      expect(norm).toBeCloseTo(1, 9);
    }
  });

  it('approximates the top singular values of a larger low-rank-ish matrix', () => {
    const rng = new Rng(5);
    const m = 60;
    const n = 40;
    const rows: number[][] = Array.from({ length: m }, () => Array.from({ length: n }, () => (rng.next() < 0.15 ? 1 : 0)));
    const indptr = [0];
    const indices: number[] = [];
    rows.forEach((r) => {
      r.forEach((v, j) => v && indices.push(j));
      indptr.push(indices.length);
    });
    const a = { nRows: m, nCols: n, indptr: Int32Array.from(indptr), indices: Int32Array.from(indices), values: new Float32Array(indices.length).fill(1) };
    const svd = randomizedSvd(a, 5, { oversample: 10, powerIterations: 4, rng: new Rng(2) });
    const ref = new SingularValueDecomposition(new Matrix(rows)).diagonal.sort((x, y) => y - x);
    for (let c = 0; c < 5; c++) expect(Math.abs(svd.s[c] - ref[c]) / ref[c]).toBeLessThan(1e-3);
  });
});

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
