import { modelConfig } from '../../spec';
import { BugIndicatingError, InputError } from '../../util';
import type { ArchitectureDefinition, ArchitectureInputs, NeuralArchitecture } from './types';

const architectures = new Map<string, ArchitectureDefinition<any>>();

/** Registers a neural architecture type; a second registration of the same name is a bug. */
export function registerArchitecture<C>(def: ArchitectureDefinition<C>): void {
  if (architectures.has(def.type)) throw new BugIndicatingError(`Architecture type '${def.type}' is already registered`);
  architectures.set(def.type, def);
}

/** Registered architecture type names, sorted. */
export function architectureTypes(): string[] {
  return [...architectures.keys()].sort();
}

/** True when `type` names a registered architecture. */
export function hasArchitecture(type: string): boolean {
  return architectures.has(type);
}

/** The definition of a registered architecture; unknown names are a user error. */
export function getArchitecture(type: string): ArchitectureDefinition<any> {
  const d = architectures.get(type);
  if (!d) {
    throw new InputError(`Unknown architecture '${type}'. Known architectures: ${architectureTypes().join(', ')}.`, 'UNKNOWN_MODEL');
  }
  return d;
}

/** Builds an architecture from `{type, ...config}`, checked and completed by the type's schema (core/spec). */
export function buildArchitecture(spec: { type: string } & Record<string, unknown>, inputs: ArchitectureInputs): NeuralArchitecture {
  const def = getArchitecture(spec.type);
  const config = modelConfig(spec);
  const missing = Object.entries(def.needs ?? {})
    .filter(([k, needed]) => needed && !inputs[k as keyof ArchitectureInputs])
    .map(([k]) => k);
  if (missing.length > 0) {
    throw new InputError(`Architecture '${spec.type}' needs ${missing.join(', ')}; add them to the features section of the spec.`, 'SPEC');
  }
  return def.build(config, inputs);
}
