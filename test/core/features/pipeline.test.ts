import { describe, expect, it } from 'vitest';
import { fitFeaturePipeline, loadFittedPipeline, type FittedPipelineJson } from '../../../core/features';
import type { FeatureBlock as NeuralFeatureBlock } from '../../../core/models/neural/types';
import type { FeaturePipelineSpec } from '../../../core/spec';
import { leakDataset, leakSpec, leakTrainIndex } from './pipeline-fixture';

const ds = leakDataset();
const all = Int32Array.from({ length: ds.interactions.user.length }, (_, k) => k);

describe('fitFeaturePipeline', () => {
  const p = fitFeaturePipeline(leakSpec, ds, leakTrainIndex);

  it('concatenates the transformers of each side in spec order', () => {
    // tfidf 5 terms + genres (oov + Comedy, Drama, Action) + brand (oov, A, B) + year standard (2) + year minmax (1) + svd 2
    expect(p.itemDim).toBe(5 + 4 + 3 + 2 + 1 + 2);
    // occupation (oov, eng, art, doctor) + age 2 buckets + missing + svd 2
    expect(p.userDim).toBe(4 + 3 + 2);
    // hour 2 + weekday 2 + recency 2 + time:missing 1 + device (oov, web, mobile)
    expect(p.contextDim).toBe(7 + 3);
    expect(p.names('item').slice(5, 9)).toEqual(['genres=<oov>', 'genres=Comedy', 'genres=Drama', 'genres=Action']);
    const users: NeuralFeatureBlock = p.userFeatures();
    expect(users.values.length).toBe(4 * p.userDim);
    expect(users.names).toHaveLength(p.userDim);
  });

  it('writes hand-checkable user rows', () => {
    const u = p.userFeatures();
    const row = (e: number) => Array.from(u.values.subarray(e * u.dim, e * u.dim + 7));
    // age edges: median of 20, 30, 40 = 30 -> 20 in bucket 0, 30 and 40 in bucket 1; user 3 has no age
    expect(row(0)).toEqual([0, 1, 0, 0, 1, 0, 0]);
    expect(row(1)).toEqual([0, 0, 1, 0, 0, 1, 0]);
    expect(row(3)).toEqual([0, 0, 0, 1, 0, 0, 1]);
  });

  it('writes context rows for dataset interactions (test interaction at 23:00 on an unseen device)', () => {
    const c = p.contextFeatures(Int32Array.from([8, 1]));
    expect(c.length).toBe(2 * p.contextDim);
    const row = Array.from(c.subarray(0, p.contextDim));
    expect(row[0]).toBeCloseTo(Math.sin((2 * Math.PI * 23) / 24), 6);
    expect(row[4]).toBeCloseTo(Math.log1p(13), 6); // user 0's latest training event was at 10:00
    expect(row.slice(6)).toEqual([0, 1, 0, 0]); // time present, device 'vr' -> OOV
  });

  it('features new items from attributes like a known item, without the collaborative part', () => {
    const items = p.itemFeatures();
    const known = Array.from(items.values.subarray(0, items.dim));
    const fresh = Array.from(p.transformItems([{ title: 'red apple', genres: ['Comedy'], brand: 'A', year: 1990 }]));
    const svdAt = p.names('item').indexOf('svd:0');
    expect(fresh.slice(0, svdAt)).toEqual(known.slice(0, svdAt));
    expect(fresh.slice(svdAt)).toEqual([0, 0]);
    expect(known.slice(svdAt).some((v) => v !== 0)).toBe(true);
    // missing attributes read as missing values
    const empty = Array.from(p.transformUsers([{}]));
    expect(empty.slice(0, 7)).toEqual([0, 0, 0, 0, 0, 0, 1]);
  });

  it('round-trips through JSON with identical outputs', () => {
    const json = JSON.parse(JSON.stringify(p.toJSON())) as FittedPipelineJson;
    const back = loadFittedPipeline(json, ds);
    expect(back.userFeatures()).toEqual(p.userFeatures());
    expect(back.itemFeatures()).toEqual(p.itemFeatures());
    expect(back.contextFeatures(all)).toEqual(p.contextFeatures(all));
    const newItems = [{ title: 'green car', genres: 'Drama|Noir', brand: 'C', year: '2005' }];
    expect(back.transformItems(newItems)).toEqual(p.transformItems(newItems));
    const events = [{ user: 2, timestamp: ds.interactions.timestamp[5] + 7200, context: { device: 'mobile' } }, {}];
    expect(back.transformContext(events)).toEqual(p.transformContext(events));
    expect(JSON.stringify(back.toJSON())).toBe(JSON.stringify(json));
  });

  it('works without the dataset except for contextFeatures, which says what to do', () => {
    const back = loadFittedPipeline(JSON.parse(JSON.stringify(p.toJSON())));
    expect(back.itemFeatures()).toEqual(p.itemFeatures());
    expect(() => back.contextFeatures(all)).toThrow(/pass the dataset to loadFittedPipeline/);
  });

  it('transformContext matches contextFeatures for the same events', () => {
    const k = 5;
    const event = { user: ds.interactions.user[k], timestamp: ds.interactions.timestamp[k], context: { device: ds.interactions.context.device[k] } };
    expect(p.transformContext([event])).toEqual(p.contextFeatures(Int32Array.from([k])));
  });

  it('seeds the SVD from spec.seed, else the run seed passed in', () => {
    const spec: FeaturePipelineSpec = { user: [{ type: 'svd', k: 2, oversample: 0, powerIterations: 0 }] };
    const state = (s: FeaturePipelineSpec, seed?: number) => JSON.stringify(fitFeaturePipeline(s, ds, leakTrainIndex, { seed }).fittedState());
    expect(state(spec, 1)).toBe(state(spec, 1));
    expect(state(spec, 1)).not.toBe(state(spec, 2));
    expect(state({ ...spec, seed: 5 }, 1)).toBe(state({ ...spec, seed: 5 }, 2));
  });

  it('gives empty blocks for sides without transformers', () => {
    const q = fitFeaturePipeline({ item: [{ type: 'categorical', column: 'brand' }] }, ds, leakTrainIndex);
    expect(q.userFeatures()).toEqual({ dim: 0, values: new Float32Array(0), names: [] });
    expect(q.contextDim).toBe(0);
    expect(q.contextFeatures(all).length).toBe(0);
  });
});

describe('fitFeaturePipeline on a bad spec', () => {
  it('makes fitFeaturePipeline throw an InputError naming the column', () => {
    expect(() => fitFeaturePipeline({ item: [{ type: 'categorical', column: 'colour' }] }, ds, leakTrainIndex)).toThrow(
      expect.objectContaining({ name: 'InputError', message: expect.stringMatching(/no item attribute 'colour'.*brand \(categorical\)/) }),
    );
    expect(() => fitFeaturePipeline({ item: [{ type: 'svd', k: 0 }] } as never, ds, leakTrainIndex)).toThrow(/item\[0\]\.k/);
  });
});
