import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { parseNotebook } from '../../../core/notebook';
import { cellJsonSchema, cellJsonSchemas, parseSpec, SPEC_SECTIONS } from '../../../core/spec';

/** An independent JSON Schema validator (ajv, draft-07), as an editor would apply the schema. */
function validator(kind: (typeof SPEC_SECTIONS)[number]) {
  const ajv = new Ajv({ strict: true, allErrors: true });
  const validate = ajv.compile(cellJsonSchema(kind));
  return (value: unknown) => (validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`));
}

interface Branch {
  properties: Record<string, { const?: string; description?: string; default?: unknown; properties?: Record<string, unknown>; additionalProperties?: boolean }>;
  additionalProperties?: boolean;
  required?: string[];
}

describe('JSON Schema of the config cells', () => {
  it('model: one branch per type with its parameters, descriptions and defaults, closed to other keys', () => {
    const model = cellJsonSchema('model') as { oneOf: Branch[] };
    expect(model.oneOf.map((b) => b.properties.type.const)).toEqual([
      'random', 'mostpop', 'itemknn', 'ease', 'puresvd', 'content-knn', 'lightfm',
      'mf', 'gmf', 'mlp', 'neumf', 'content', 'hybrid', 'wide-deep', 'deepfm', 'two-tower', 'lightgcn', 'mult-vae',
    ]);
    const mf = model.oneOf.find((b) => b.properties.type.const === 'mf')!;
    expect(mf.properties.type.description).toBe('Matrix factorisation: dot product of user and item embeddings plus an item bias');
    expect(mf.properties.dim).toMatchObject({ type: 'integer', default: 32, description: 'Width of the user and item embeddings' });
    expect(mf.properties.initStd).toMatchObject({ type: 'number', default: 0.01 });
    expect(mf.additionalProperties).toBe(false);
    expect(mf.required).toEqual(['type']);
    // The tuning grid offers the same parameters, and only them.
    expect(Object.keys(mf.properties.tune.properties!)).toEqual(['dim', 'initStd']);
    expect(mf.properties.tune.additionalProperties).toBe(false);
  });

  it('model: a validator accepts mf with dim and rejects dimm, an unknown type and a grid over an unknown parameter', () => {
    const check = validator('model');
    expect(check({ type: 'mf' })).toEqual([]);
    expect(check({ type: 'mf', dim: 64, tune: { dim: [8, 16] } })).toEqual([]);
    expect(check({ type: 'mf', dimm: 64 }).join('\n')).toMatch(/must NOT have additional properties \{"additionalProperty":"dimm"\}/);
    expect(check({ type: 'mf', dim: 0 }).join('\n')).toMatch(/\/dim must be > 0/);
    expect(check({ type: 'neumff' }).join('\n')).toMatch(/\/type must be equal to constant \{"allowedValue":"neumf"\}/);
    expect(check({ type: 'mf', tune: { dimm: [1] } }).join('\n')).toMatch(/\/tune must NOT have additional properties \{"additionalProperty":"dimm"\}/);
  });

  it('every cell kind has a schema a validator compiles; features and train close their objects too', () => {
    const all = cellJsonSchemas();
    expect(Object.keys(all)).toEqual([...SPEC_SECTIONS]);
    for (const kind of SPEC_SECTIONS) expect(() => validator(kind), kind).not.toThrow();
    expect(validator('train')({ epoch: 3 }).join('\n')).toMatch(/additionalProperty":"epoch"/);
    expect(validator('train')({ epochs: 3, optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9 } })).toEqual([]);
    expect(validator('features')({ item: [{ type: 'tfidf', column: 'title', maxFeature: 3 }] }).join('\n')).toMatch(/additionalProperty":"maxFeature"/);
    expect(validator('features')({ item: [{ type: 'temporal' }] }).length).toBeGreaterThan(0);
    expect(validator('features')({ item: [{ type: 'tfidf', column: 'title', maxFeatures: 300 }], context: [{ type: 'temporal', parts: ['hour'] }] })).toEqual([]);
  });

  it('agrees with parseSpec on every cell of every shipped notebook', () => {
    const dir = path.resolve(__dirname, '..', '..', '..', 'experiments');
    const checks = Object.fromEntries(SPEC_SECTIONS.map((k) => [k, validator(k)]));
    let cells = 0;
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.recnb'))) {
      for (const cell of parseNotebook(fs.readFileSync(path.join(dir, f), 'utf8'), f).cells) {
        if (cell.kind === 'markdown') continue;
        const value = JSON.parse(cell.source);
        expect(checks[cell.kind](value), `${f} cell ${cell.id}`).toEqual([]);
        // What parseSpec fills in is valid input again.
        if (cell.kind === 'model') expect(checks.model(parseSpec({ data: { source: 'sample' }, model: value }).model), f).toEqual([]);
        cells++;
      }
    }
    expect(cells).toBeGreaterThan(40);
  });
});
