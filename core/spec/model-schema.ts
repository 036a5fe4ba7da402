import { z } from 'zod';
import { configObject, innerValueSchema } from './config-object';

/**
 * Closed-form or count-based baselines (core/models/baselines), factorised hybrids trained
 * on typed arrays without tensors (core/models/lightfm), or neural architectures trained by
 * core/train with the `train` section.
 */
export type ModelFamily = 'baseline' | 'factorised' | 'neural';

/**
 * One model type's schemas, all from one shape of parameters (each with its default and a
 * one-line description):
 * - `config`: the parameters alone, what the implementation is built from;
 * - `spec`: the `model` section, `{type, ...parameters, tune?}`, where `tune` is a grid
 *   `{parameter: [values]}` whose parameters and values are checked like the parameters.
 */
export function defineModel<T extends string, S extends z.ZodRawShape>(type: T, family: ModelFamily, description: string, shape: S) {
  const owner = `for model type '${type}'`;
  const grid = Object.fromEntries(
    Object.entries(shape).map(([name, schema]) => [name, z.array(innerValueSchema(schema as z.ZodType)).min(1).optional().describe(`Values of ${name} to try`)]),
  ) as { [K in keyof S]: z.ZodOptional<z.ZodArray<z.ZodType>> };
  const tune = configObject(grid, `to tune for model type '${type}'`).describe('Grid of values per parameter; the best on the validation part (by evaluate.metric) is kept');
  return {
    type,
    family,
    description,
    config: configObject(shape, owner).describe(description),
    spec: configObject({ type: z.literal(type).describe(description), ...shape, tune: tune.optional() }, owner, 'parameter', ['type', 'tune']).describe(description),
  };
}

/** Hidden layer sizes: positive integers, possibly none. */
export function layerSizes(defaults: number[], description: string, min = 0) {
  return z.array(z.number().int().positive()).min(min).default(defaults).describe(description);
}
