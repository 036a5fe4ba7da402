import { z } from 'zod';
import { dataSpecSchema, evaluateSpecSchema, splitSpecSchema } from './experiment';
import { featurePipelineSpecSchema } from './features';
import { modelSpecSchema } from './model';
import { trainSpecSchema } from './train';

/** The config sections of a spec, which are also the notebook's config cell kinds, in notebook order. */
export const SPEC_SECTIONS = ['data', 'split', 'features', 'model', 'train', 'evaluate'] as const;
export type SpecSection = (typeof SPEC_SECTIONS)[number];

const SECTION_SCHEMAS: Record<SpecSection, z.ZodType> = {
  data: dataSpecSchema,
  split: splitSpecSchema,
  features: featurePipelineSpecSchema,
  model: modelSpecSchema,
  train: trainSpecSchema,
  evaluate: evaluateSpecSchema,
};

/** A JSON Schema document (draft-07). */
export type JsonSchema = Record<string, unknown>;

/**
 * The JSON Schema of one config cell kind, for the editor's completion, hover and markers:
 * descriptions, defaults, enums, `additionalProperties: false` on strict objects, and for
 * `model` a `oneOf` with one branch per model type (its `type` a `const`), so an editor
 * completes the types and then each type's parameters. It describes what a user writes
 * (zod's input side: a parameter with a default is optional). Draft-07, which Monaco's
 * JSON language service reads fully (tuples as `items` arrays).
 */
export function cellJsonSchema(kind: SpecSection): JsonSchema {
  return z.toJSONSchema(SECTION_SCHEMAS[kind], { io: 'input', target: 'draft-07', unrepresentable: 'any' }) as JsonSchema;
}

/** `cellJsonSchema` of every config cell kind. */
export function cellJsonSchemas(): Record<SpecSection, JsonSchema> {
  return Object.fromEntries(SPEC_SECTIONS.map((kind) => [kind, cellJsonSchema(kind)])) as Record<SpecSection, JsonSchema>;
}
