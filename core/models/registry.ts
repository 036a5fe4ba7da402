import { modelConfig } from '../spec';
import { BugIndicatingError, InputError } from '../util';
import type { ModelDefinition, ModelInputs, Recommender } from './types';

const models = new Map<string, ModelDefinition<any>>();

/** Registers a model type; a second registration of the same name is a bug. */
export function registerModel<C>(def: ModelDefinition<C>): void {
  if (models.has(def.type)) throw new BugIndicatingError(`Model type '${def.type}' is already registered`);
  models.set(def.type, def);
}

export function modelTypes(): string[] {
  return [...models.keys()].sort();
}

/** True when `type` names a registered model (checked before the architectures: `lightfm` is both). */
export function hasModel(type: string): boolean {
  return models.has(type);
}

export function getModelDefinition(type: string): ModelDefinition<any> {
  const d = models.get(type);
  if (!d) throw new InputError(`Unknown model type '${type}'. Known types: ${modelTypes().join(', ')}.`, 'UNKNOWN_MODEL');
  return d;
}

/**
 * Builds a model from a spec `{type, ...config}`, checked and completed by the type's
 * schema (core/spec); `inputs` reach the models that read features.
 */
export function createModel(spec: { type: string } & Record<string, unknown>, inputs?: ModelInputs): Recommender {
  const config = modelConfig(spec); // first: an unknown type gets the list of every type
  return getModelDefinition(spec.type).create(config, inputs);
}
