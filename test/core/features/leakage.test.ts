import { describe, expect, it } from 'vitest';
import { decodeBase64 } from '../../../core/features/values';
import { fitFeaturePipeline } from '../../../core/features';
import { stableStringify } from '../../../core/util';
import { leakDataset, leakSpec, leakTrainIndex } from './pipeline-fixture';

describe('feature pipeline: nothing from held-out data leaks into the fitted state', () => {
  const p = fitFeaturePipeline(leakSpec, leakDataset(), leakTrainIndex);
  const state = p.fittedState();

  it('keeps the cold item’s unique word out of the tfidf vocabulary', () => {
    const vocab = (state.item[0].state as { vocabulary: string[] }).vocabulary;
    expect(vocab).toEqual(['apple', 'blue', 'car', 'green', 'red']);
    expect(vocab).not.toContain('zyzzyva');
  });

  it('maps the cold item’s unique genre and brand to OOV', () => {
    expect((state.item[1].state as { values: string[] }).values).not.toContain('Noir');
    expect((state.item[2].state as { values: string[] }).values).toEqual(['A', 'B']);
    const items = p.itemFeatures();
    const names = p.names('item');
    const row4 = (name: string) => items.values[4 * items.dim + names.indexOf(name)];
    expect(row4('genres=<oov>')).toBe(1);
    expect(row4('brand=<oov>')).toBe(1);
    expect(row4('brand=A') + row4('brand=B')).toBe(0);
  });

  it('fits scalers on the training items only: years 1990, 2000, 2010, 2020', () => {
    expect(state.item[3].state).toMatchObject({ count: 4, mean: 2005, min: 1990, max: 2020 });
    expect((state.item[3].state as { std: number }).std).toBeCloseTo(Math.sqrt(125), 9); // population std
    expect(state.item[4].state).toMatchObject({ min: 1990, max: 2020 });
    // ... and still scores the cold item from its own value: (3000 - 1990) / 30
    const items = p.itemFeatures();
    expect(items.values[4 * items.dim + p.names('item').indexOf('year:minmax')]).toBeCloseTo(1010 / 30, 4);
  });

  it('gives the test-only item zero SVD factors', () => {
    const items = p.itemFeatures();
    const svdAt = p.names('item').indexOf('svd:0');
    expect(Array.from(items.values.subarray(4 * items.dim + svdAt, 4 * items.dim + svdAt + 2))).toEqual([0, 0]);
    expect(Array.from(items.values.subarray(0 * items.dim + svdAt, 0 * items.dim + svdAt + 2)).some((v) => v !== 0)).toBe(true);
  });

  it('keeps the test interaction’s hour and device out of the context state', () => {
    const temporal = state.context[0].state as { cutoff: number; userTimes: string };
    const hours = Array.from(decodeBase64(temporal.userTimes, Float64Array), (t) => new Date(t * 1000).getUTCHours());
    expect(hours).not.toContain(23);
    expect(hours.length).toBe(8);
    expect((state.context[1].state as { values: string[] }).values).toEqual(['web', 'mobile']);
  });

  it('fits a byte-identical state when only test-side data changes', () => {
    const other = fitFeaturePipeline(leakSpec, leakDataset(1), leakTrainIndex);
    expect(stableStringify(other.fittedState())).toBe(stableStringify(state));
    // while the held-out data really differs, so this comparison can fail
    expect(stableStringify(other.toJSON().attributes)).not.toBe(stableStringify(p.toJSON().attributes));
  });

  it('does change the state when training data changes (the check above can fail)', () => {
    const ds = leakDataset();
    ds.itemAttributes[3].values[0] = 1991;
    expect(stableStringify(fitFeaturePipeline(leakSpec, ds, leakTrainIndex).fittedState())).not.toBe(stableStringify(state));
  });
});
