import { describe, expect, it } from 'vitest';
import { modelConfig, modelDefaults, parseSpec, specIssues, trainSpecSchema } from '../../../core/spec';

const data = { source: 'sample' };
const message = (raw: unknown): string => {
  try {
    parseSpec(raw, 'bad.json');
  } catch (e) {
    expect((e as Error).name).toBe('InputError');
    return (e as Error).message;
  }
  throw new Error('parseSpec accepted the spec');
};

describe('parseSpec: model', () => {
  it("names an unknown parameter, its model type and the nearest valid one", () => {
    expect(message({ data, model: { type: 'mf', dimm: 64 } })).toBe("bad.json: invalid experiment spec: model.dimm: unknown parameter 'dimm' for model type 'mf'; did you mean 'dim'?");
  });

  it('lists every model type, baselines and neural, for an unknown one and suggests the nearest', () => {
    expect(message({ data, model: { type: 'neumff' } })).toBe(
      "bad.json: invalid experiment spec: model.type: unknown model type 'neumff'; did you mean 'neumf'? " +
        'Known model types: baselines random, mostpop, itemknn, ease, puresvd, content-knn; factorised hybrids lightfm; ' +
        'neural architectures mf, gmf, mlp, neumf, content, hybrid, wide-deep, deepfm, two-tower, lightgcn, mult-vae.',
    );
    expect(message({ data, model: { type: 'xyzzy' } })).toMatch(/model\.type: unknown model type 'xyzzy'\. Known model types: baselines random,/);
    expect(message({ data, model: { dim: 3 } })).toMatch(/model\.type: no model type given \(add "type"\)\. Known model types:/);
  });

  it('gives one line per unknown key, and the valid parameters when none is near', () => {
    expect(message({ data, model: { type: 'mf', dimm: 1, initstd: 2, colour: 3 } })).toBe(
      'bad.json: invalid experiment spec: \n' +
        "  model.dimm: unknown parameter 'dimm' for model type 'mf'; did you mean 'dim'?\n" +
        "  model.initstd: unknown parameter 'initstd' for model type 'mf'; did you mean 'initStd'?\n" +
        "  model.colour: unknown parameter 'colour' for model type 'mf'; valid parameters: 'dim', 'initStd'",
    );
    expect(message({ data, model: { type: 'mostpop', k: 3 } })).toMatch(/model\.k: unknown parameter 'k' for model type 'mostpop'; it takes no parameters$/);
  });

  it('checks values against each parameter, naming a bad choice and the nearest valid one', () => {
    expect(message({ data, model: { type: 'ease', lambda: 0 } })).toMatch(/model\.lambda: Too small: expected number to be >0$/);
    expect(message({ data, model: { type: 'mlp', layers: [] } })).toMatch(/model\.layers: Too small: expected array to have >=1 items$/);
    expect(message({ data, model: { type: 'hybrid', fusion: 'gat' } })).toMatch(/model\.fusion: unknown value 'gat'; did you mean 'gate'\? Valid values: concat, sum, gate\.$/);
  });

  it('checks a tuning grid: parameters of the type, non-empty lists of valid values', () => {
    expect(message({ data, model: { type: 'ease', tune: { lamda: [100] } } })).toMatch(/model\.tune\.lamda: unknown parameter 'lamda' to tune for model type 'ease'; did you mean 'lambda'\?$/);
    expect(message({ data, model: { type: 'ease', tune: { lambda: [100, -1] } } })).toMatch(/model\.tune\.lambda\[1\]: Too small: expected number to be >0$/);
    expect(message({ data, model: { type: 'ease', tune: { lambda: 100 } } })).toMatch(/model\.tune\.lambda: Invalid input: expected array, received number$/);
    expect(message({ data, model: { type: 'ease', tune: { lambda: [] } } })).toMatch(/model\.tune\.lambda: Too small: expected array to have >=1 items$/);
    expect(message({ data, model: { type: 'hybrid', tune: { fusion: ['gate', 'mean'] } } })).toMatch(/model\.tune\.fusion\[1\]: unknown value 'mean'\. Valid values: concat, sum, gate\.$/);
    const ok = parseSpec({ data, model: { type: 'itemknn', tune: { k: [50, 100], shrink: [0, 10] } } });
    expect(ok.model).toEqual({ type: 'itemknn', k: 200, shrink: 10, tune: { k: [50, 100], shrink: [0, 10] } });
  });

  it("fills in the type's defaults", () => {
    expect(parseSpec({ data, model: { type: 'mf' } }).model).toEqual({ type: 'mf', dim: 32, initStd: 0.01 });
    expect(parseSpec({ data, model: { type: 'neumf', gmfDim: 8 } }).model).toEqual({ type: 'neumf', gmfDim: 8, mlpDim: 32, layers: [64, 32, 16], initStd: 0.01 });
    expect(parseSpec({ data, model: { type: 'puresvd' } }).model).toEqual({ type: 'puresvd', factors: 20, oversample: 10, powerIterations: 3 });
    expect(modelDefaults('lightgcn')).toEqual({ dim: 64, layers: 3, initStd: 0.1 });
    // Defaults are copies: changing a parsed list does not change the next parse.
    const first = parseSpec({ data, model: { type: 'mlp' } }).model as { layers: number[] };
    first.layers.push(99);
    expect((parseSpec({ data, model: { type: 'mlp' } }).model as { layers: number[] }).layers).toEqual([64, 32, 16]);
  });

  it('modelConfig checks and completes a config outside a spec, with the same messages', () => {
    expect(modelConfig({ type: 'ease' })).toEqual({ lambda: 500 });
    expect(() => modelConfig({ type: 'ease', lamda: 1 })).toThrow("model.lamda: unknown parameter 'lamda' for model type 'ease'; did you mean 'lambda'?");
    expect(() => modelConfig({ type: 'neumff' })).toThrow(/model\.type: unknown model type 'neumff'; did you mean 'neumf'\?/);
  });
});

describe('parseSpec: train, features, split and the top level', () => {
  it('fills the whole train section for a neural model, and none for a baseline', () => {
    const neural = parseSpec({ data, model: { type: 'mf' } });
    expect(neural.train).toEqual(trainSpecSchema.parse({}));
    expect(neural.train).toMatchObject({ epochs: 20, batchSize: 1024, loss: 'bce', negatives: 4, l2: 0, patience: 3, optimizer: { type: 'adam', lr: 0.001 } });
    expect(parseSpec({ data, model: { type: 'mf' }, train: { epochs: 2 } }).train).toMatchObject({ epochs: 2, batchSize: 1024 });
    expect(parseSpec({ data, model: { type: 'ease' } }).train).toBeUndefined();
  });

  it('names unknown train settings and bad values', () => {
    expect(message({ data, model: { type: 'mf' }, train: { epoch: 3, optimizer: { type: 'adamw' } } })).toBe(
      'bad.json: invalid experiment spec: \n' +
        "  train.optimizer.type: unknown value 'adamw'; did you mean 'adam'? Valid values: adam, adagrad, sgd.\n" +
        "  train.epoch: unknown setting 'epoch' in the train section; did you mean 'epochs'?",
    );
    expect(message({ data, model: { type: 'mf' }, train: { optimizer: { lr: 0.1, momentun: 0.9 } } })).toMatch(
      /train\.optimizer\.momentun: unknown setting 'momentun' in train\.optimizer; did you mean 'momentum'\?$/,
    );
    expect(message({ data, model: { type: 'mf' }, train: { lrSchedule: { type: 'cosine' } } })).toMatch(
      /train\.lrSchedule\.type: unknown learning-rate schedule 'cosine'\. Schedules: step, exponential\.$/,
    );
  });

  it('names unknown and misplaced feature transformers, and unknown config keys, by their place', () => {
    const m = message({
      data,
      model: { type: 'hybrid' },
      features: { item: [{ type: 'temporal' }, { type: 'tfid', column: 'title' }, { type: 'tfidf', column: 'title', maxFeature: 3 }], user: [{ column: 'age' }] },
    });
    expect(m.split('\n').slice(1)).toEqual([
      '  features.user[0].type: no feature transformer given (add "type"). Transformers for user features: tfidf, categorical, multi-hot, numeric, svd.',
      '  features.item[0].type: feature transformer \'temporal\' works on context features, not item; move it to the "context" list. Transformers for item features: tfidf, categorical, multi-hot, numeric, svd.',
      "  features.item[1].type: unknown feature transformer 'tfid'; did you mean 'tfidf'? Transformers for item features: tfidf, categorical, multi-hot, numeric, svd.",
      "  features.item[2].maxFeature: unknown parameter 'maxFeature' for feature transformer 'tfidf'; did you mean 'maxFeatures'?",
    ]);
    expect(message({ data, model: { type: 'mf' }, features: { items: [] } })).toMatch(/features\.items: unknown key 'items' in the features section; did you mean 'item'\?$/);
    expect(message({ data, model: { type: 'content-knn', tfidf: { tokenPattern: '(' } } })).toMatch(/model\.tfidf\.tokenPattern: not a valid regular expression/);
  });

  it("fills each transformer's defaults", () => {
    const spec = parseSpec({ data, model: { type: 'content' }, features: { item: [{ type: 'numeric', column: 'year' }], context: [{ type: 'temporal' }] } });
    expect(spec.features).toEqual({
      user: [],
      item: [{ type: 'numeric', column: 'year', scale: 'standard', buckets: 5, missingIndicator: true }],
      context: [{ type: 'temporal', parts: ['hour', 'weekday', 'month', 'recency'], recencyFrom: 'previous', utcOffsetMinutes: 0, missingIndicator: true }],
    });
  });

  it('names unknown top-level keys and split settings', () => {
    expect(message({ data, model: { type: 'mf' }, evalute: {} })).toBe("bad.json: invalid experiment spec: evalute: unknown key 'evalute' in the experiment spec; did you mean 'evaluate'?");
    expect(message({ data, split: { kind: 'randm' }, model: { type: 'ease' } })).toMatch(/split\.kind: unknown split kind 'randm'; did you mean 'random'\? Split kinds: random, leave-last-out, temporal, cold-item, cold-user\.$/);
    expect(message({ data, split: { kind: 'random', ratio: [1, 0, 0] }, model: { type: 'ease' } })).toMatch(/split\.ratio: unknown setting 'ratio' for split kind 'random'; did you mean 'ratios'\?$/);
  });

  it('gives a parsed spec back unchanged', () => {
    const raw = {
      data,
      model: { type: 'hybrid', tune: { dim: [8, 16] } },
      features: { item: [{ type: 'tfidf', column: 'title' }, { type: 'svd' }], context: [{ type: 'temporal' }] },
      split: { kind: 'cold-item' },
    };
    const once = parseSpec(raw);
    expect(parseSpec(JSON.parse(JSON.stringify(once)))).toEqual(once);
  });
});

describe('specIssues', () => {
  it('gives each problem with the path it is at, an unknown key ending in the key, and nothing for a valid spec', () => {
    expect(specIssues({ data, model: { type: 'mf', dimm: 64, initstd: 1 } })).toEqual([
      { path: ['model', 'dimm'], message: "unknown parameter 'dimm' for model type 'mf'; did you mean 'dim'?" },
      { path: ['model', 'initstd'], message: "unknown parameter 'initstd' for model type 'mf'; did you mean 'initStd'?" },
    ]);
    const [lr] = specIssues({ data, model: { type: 'mf' }, train: { optimizer: { type: 'adam', lr: 'fast' } } });
    expect(lr.path).toEqual(['train', 'optimizer', 'lr']);
    expect(specIssues({ data, model: { type: 'mf', dim: 8 } })).toEqual([]);
  });
});
