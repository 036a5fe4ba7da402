import { describe, expect, it } from 'vitest';
import { buildCsr, transposeCsr } from '../../../core/data';

describe('transposeCsr', () => {
  // 3 x 4, row 1 empty, column 3 empty:
  //   [2 0 5 0]
  //   [0 0 0 0]
  //   [1 7 0 0]
  const m = buildCsr(3, 4, Int32Array.of(0, 0, 2, 2), Int32Array.of(2, 0, 1, 0), undefined, Float32Array.of(5, 2, 7, 1));

  it('gives the hand-computed transpose with sorted rows and values carried along', () => {
    const t = transposeCsr(m);
    expect(t.nRows).toBe(4);
    expect(t.nCols).toBe(3);
    expect(Array.from(t.indptr)).toEqual([0, 2, 3, 4, 4]);
    expect(Array.from(t.indices)).toEqual([0, 2, 2, 0]);
    expect(Array.from(t.values)).toEqual([2, 1, 7, 5]);
  });

  it('is its own inverse', () => {
    const back = transposeCsr(transposeCsr(m));
    expect(back).toEqual(m);
  });
});
