import type { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { featureTransformerDefinitions, featureTransformerTypes } from '../../../core/features';
import { architectureTypes, createModel, getArchitecture, modelTypes } from '../../../core/models';
import {
  FEATURE_TRANSFORMER_SCHEMAS,
  MODEL_SCHEMAS,
  featureTransformerSides,
  modelDefaults,
  modelTypeNames,
  optimizerSpecSchema,
  trainSpecSchema,
  type FeatureTransformerType,
  type ModelType,
} from '../../../core/spec';

const sorted = (xs: readonly string[]) => [...xs].sort();

/** Keys of a shape without a one-line description (what the editor shows on hover). */
function undescribed(shape: Record<string, z.ZodType>, skip: string[] = []): string[] {
  return Object.entries(shape)
    .filter(([key, schema]) => !skip.includes(key) && !(typeof schema.description === 'string' && schema.description.length > 0 && !schema.description.includes('\n')))
    .map(([key]) => key);
}

describe('every registered type has a schema in core/spec, and every schema a registered type', () => {
  it('baselines and factorised hybrids: the model registry and their schemas list the same types', () => {
    expect(sorted(modelTypes())).toEqual(sorted([...modelTypeNames('baseline'), ...modelTypeNames('factorised')]));
  });

  it('neural: the architecture registry lists the neural schemas, plus the factorised hybrids (their bundles rebuild them as architectures)', () => {
    expect(sorted(architectureTypes())).toEqual(sorted([...modelTypeNames('neural'), ...modelTypeNames('factorised')]));
    for (const type of modelTypeNames('neural')) expect(getArchitecture(type).type).toBe(type);
  });

  it('feature transformers: same types, same sides, and the registry validates with the spec schema itself', () => {
    expect(sorted(featureTransformerTypes())).toEqual(sorted(Object.keys(FEATURE_TRANSFORMER_SCHEMAS)));
    for (const def of featureTransformerDefinitions()) {
      const type = def.type as FeatureTransformerType;
      expect(def.sides, type).toEqual(featureTransformerSides(type));
      expect(def.configSchema, type).toBe(FEATURE_TRANSFORMER_SCHEMAS[type].config);
    }
  });

  it('every baseline builds from its defaults alone', () => {
    for (const type of modelTypeNames('baseline')) expect(createModel({ type }).type).toBe(type);
  });
});

describe('every parameter and setting has a one-line description', () => {
  it('model parameters, with a default or an optional meaning', () => {
    for (const type of Object.keys(MODEL_SCHEMAS) as ModelType[]) {
      const schema = MODEL_SCHEMAS[type];
      expect(undescribed(schema.config.shape as Record<string, z.ZodType>), type).toEqual([]);
      expect(schema.spec.description, type).toBe(schema.description);
      // Defaults come from the schema alone: parsing {} gives a complete config.
      expect(() => modelDefaults(type), type).not.toThrow();
    }
  });

  it('feature transformer parameters', () => {
    for (const [type, schema] of Object.entries(FEATURE_TRANSFORMER_SCHEMAS)) expect(undescribed(schema.config.shape as Record<string, z.ZodType>), type).toEqual([]);
  });

  it('train settings and optimiser settings', () => {
    expect(undescribed(trainSpecSchema.shape as Record<string, z.ZodType>)).toEqual([]);
    expect(undescribed(optimizerSpecSchema.shape as Record<string, z.ZodType>)).toEqual([]);
  });
});
