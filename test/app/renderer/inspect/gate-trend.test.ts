import { describe, expect, it } from 'vitest';
import { gateTrend } from '../../../../app/renderer/inspect/gate-view';
import { topCategories } from '../../../../app/renderer/inspect/embeddings-view';

describe('gate trend and embedding colours', () => {
  it('averages the gate of warm items per popularity bin, leaving out cold items and thin bins', () => {
    // log10(p + 1): p = 1 gives 0.301, bin 1 (0.25 .. 0.5); p = 9 gives 1, bin 4 (1 .. 1.25); p = 99 gives 2, bin 8 with
    // one item (left out); p = 0 is the cold item (left out).
    const popularity = [1, 1, 1, 1, 1, 0, 9, 9, 9, 9, 9, 99];
    const gate = [0.1, 0.2, 0.3, 0.4, 0.5, 0.9, 0.6, 0.6, 0.7, 0.7, 0.9, 0.8];
    const cold = popularity.map((p) => p === 0);
    const t = gateTrend(popularity, gate, cold);
    expect(t.n).toEqual([5, 5]);
    expect(t.y[0]).toBeCloseTo(0.3, 12);
    expect(t.y[1]).toBeCloseTo(0.7, 12);
    expect(t.x[0]).toBeCloseTo(10 ** 0.375, 12);
    expect(t.x[1]).toBeCloseTo(10 ** 1.125, 12);
  });

  it('colours the most frequent categories, ties by name, at most ten', () => {
    expect(topCategories(['b', 'a', 'b', null, '', 'c', 'a', 'b'])).toEqual(['b', 'a', 'c']);
    expect(topCategories(Array.from({ length: 30 }, (_, i) => `c${i % 12}`))).toHaveLength(10);
  });
});
