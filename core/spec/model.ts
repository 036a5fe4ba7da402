import { z } from 'zod';
import { InputError } from '../util';
import { unknownTypeError, unknownTypeMessage, valueErrorMap } from './config-object';
import { formatIssues } from './issues';
import {
  contentArchitectureSchema,
  deepFmArchitectureSchema,
  gmfArchitectureSchema,
  hybridArchitectureSchema,
  lightGcnArchitectureSchema,
  mfArchitectureSchema,
  mlpArchitectureSchema,
  multVaeArchitectureSchema,
  neumfArchitectureSchema,
  twoTowerArchitectureSchema,
  wideDeepArchitectureSchema,
} from './model-architectures';
import { contentKnnModel, easeModel, itemKnnModel, mostPopModel, pureSvdModel, randomModel } from './model-baselines';
import { lightfmModel } from './model-factorised';
import type { ModelFamily } from './model-schema';

/*
 * The `model` section: one schema per model type, baselines then neural architectures, in
 * the order the README lists them (error messages and editor completion follow it).
 */

const MODELS = [
  randomModel,
  mostPopModel,
  itemKnnModel,
  easeModel,
  pureSvdModel,
  contentKnnModel,
  lightfmModel,
  mfArchitectureSchema,
  gmfArchitectureSchema,
  mlpArchitectureSchema,
  neumfArchitectureSchema,
  contentArchitectureSchema,
  hybridArchitectureSchema,
  wideDeepArchitectureSchema,
  deepFmArchitectureSchema,
  twoTowerArchitectureSchema,
  lightGcnArchitectureSchema,
  multVaeArchitectureSchema,
] as const;

/** Every model type's schemas (`config`, `spec`), family and description, by type. */
export type ModelSchema = (typeof MODELS)[number];
export type ModelType = ModelSchema['type'];
export const MODEL_SCHEMAS: { readonly [T in ModelType]: Extract<ModelSchema, { type: T }> } = Object.fromEntries(MODELS.map((m) => [m.type, m])) as never;

/** Model types of one family (or all), in README order. */
export function modelTypeNames(family?: ModelFamily): ModelType[] {
  return MODELS.filter((m) => family === undefined || m.family === family).map((m) => m.type);
}

/** True when `type` is a model type with a schema. */
export function isModelType(type: unknown): type is ModelType {
  return typeof type === 'string' && Object.hasOwn(MODEL_SCHEMAS, type);
}

/** True when `type` names a neural architecture (trained with the `train` section). */
export function isNeuralModelType(type: unknown): boolean {
  return isModelType(type) && MODEL_SCHEMAS[type].family === 'neural';
}

const KNOWN_TYPES = `Known model types: baselines ${modelTypeNames('baseline').join(', ')}; factorised hybrids ${modelTypeNames('factorised').join(', ')}; neural architectures ${modelTypeNames('neural').join(', ')}.`;

/** `unknown model type 'neumff'; did you mean 'neumf'? Known model types: ...` (every type, both families). */
export function unknownModelTypeMessage(given: unknown): string {
  return unknownTypeMessage(given, 'model type', modelTypeNames(), KNOWN_TYPES);
}

type SpecsOf<T extends readonly unknown[]> = { [K in keyof T]: T[K] extends { spec: infer S } ? S : never };
const modelSpecs = MODELS.map((m) => m.spec) as unknown as SpecsOf<typeof MODELS>;

/** The `model` section: `{type, ...parameters, tune?}`, one strict schema per type. */
export const modelSpecSchema = z
  .discriminatedUnion('type', modelSpecs, { error: unknownTypeError(unknownModelTypeMessage) })
  .describe('The model: a baseline or a neural architecture, its parameters, and optionally a tuning grid');

/** A parsed `model` section (defaults filled in). */
export type ModelSpec = z.output<typeof modelSpecSchema>;
/** A `model` section as written. */
export type ModelSpecInput = z.input<typeof modelSpecSchema>;

/** The parameters of model type `T` with defaults filled in (what its implementation is built from). */
export type ModelConfig<T extends ModelType> = z.output<(typeof MODEL_SCHEMAS)[T]['config']>;

/**
 * Validates `{type, ...parameters}` (no `tune`) and returns the parameters with defaults,
 * without `type`; a bad one is an InputError naming each problem under `where`.
 */
export function modelConfig(spec: { type: string } & Record<string, unknown>, where = 'model'): Record<string, unknown> {
  if (!isModelType(spec.type)) throw new InputError(`${where}.type: ${unknownModelTypeMessage(spec.type)}`, 'UNKNOWN_MODEL');
  const { type, ...params } = spec;
  const r = MODEL_SCHEMAS[type].config.safeParse(params, { error: valueErrorMap });
  if (!r.success) throw new InputError(formatIssues(r.error, [where]).join('\n'), 'SPEC');
  return r.data;
}

/** The default parameters of a model type. */
export function modelDefaults<T extends ModelType>(type: T): ModelConfig<T> {
  return MODEL_SCHEMAS[type].config.parse({}) as ModelConfig<T>;
}
