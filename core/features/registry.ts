import { formatIssues } from '../spec';
import { BugIndicatingError, InputError } from '../util';
import type { FeatureSide, FeatureTransformerDefinition, FittedTransformer, SerializedTransformer } from './types';

const transformers = new Map<string, FeatureTransformerDefinition>();

/** Registers a feature transformer type; a second registration of the same name is a bug. */
export function registerFeatureTransformer<C, S>(def: FeatureTransformerDefinition<C, S>): void {
  if (transformers.has(def.type)) throw new BugIndicatingError(`Feature transformer type '${def.type}' is already registered`);
  transformers.set(def.type, def);
}

/** Registered transformer type names, sorted. */
export function featureTransformerTypes(): string[] {
  return [...transformers.keys()].sort();
}

/** Every registered definition, sorted by type (for editor completion and docs from the config schemas). */
export function featureTransformerDefinitions(): FeatureTransformerDefinition[] {
  return featureTransformerTypes().map((t) => transformers.get(t)!);
}

/** True when `type` names a registered transformer. */
export function hasFeatureTransformer(type: string): boolean {
  return transformers.has(type);
}

/** The definition of a registered transformer; an unknown name is a user error. */
export function getFeatureTransformer(type: string): FeatureTransformerDefinition {
  const d = transformers.get(type);
  if (!d) {
    throw new InputError(
      `Unknown feature transformer '${type}'. Known transformers: ${featureTransformerTypes().join(', ')}.`,
      'UNKNOWN_FEATURE',
    );
  }
  return d;
}

/**
 * Validates one spec entry `{type, ...config}` for a side and returns the parsed config
 * (defaults filled). `where` names the entry in messages, e.g. `features.item[2]`.
 */
export function parseTransformerConfig(side: FeatureSide, entry: { type: string } & Record<string, unknown>, where: string): unknown {
  const def = getFeatureTransformer(entry.type);
  if (!def.sides.includes(side)) {
    throw new InputError(
      `${where}: transformer '${entry.type}' cannot be used for '${side}' features; it works on ${def.sides.join(', ')}.`,
      'SPEC',
    );
  }
  const { type: _type, ...config } = entry;
  const parsed = def.configSchema.safeParse(config);
  if (!parsed.success) {
    throw new InputError(`Invalid '${entry.type}' feature config: ${formatIssues(parsed.error, [where]).join('; ')}`, 'SPEC');
  }
  return parsed.data;
}

/** The JSON form `{type, config, state}` of a fitted transformer. */
export function serializeTransformer(t: FittedTransformer): SerializedTransformer {
  return { type: t.type, config: t.config, state: t.state() };
}

/** Rebuilds a fitted transformer from its JSON form (e.g. from an exported bundle). */
export function deserializeTransformer(s: SerializedTransformer): FittedTransformer {
  const def = getFeatureTransformer(s.type);
  const config = def.configSchema.parse(s.config);
  return def.fromState(config, s.state);
}
