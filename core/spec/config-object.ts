import { z } from 'zod';
import { closestName } from './suggest';

/*
 * Building blocks of the config schemas: objects that reject unknown keys with a message
 * that names the key, whose key it should have been and what the valid ones are, and
 * `type` unions that say which types exist when the given one does not. Zod's own messages
 * ("Unrecognized key", "Invalid input") name neither.
 */

function quoted(names: readonly string[]): string {
  return names.map((n) => `'${n}'`).join(', ');
}

/**
 * `unknown parameter 'dimm' for model type 'mf'; did you mean 'dim'?`, else the list of
 * valid keys (`listed`: the keys worth listing, without e.g. the `type` discriminator).
 */
export function unknownKeyMessage(key: string, known: readonly string[], owner: string, noun: string, listed = known): string {
  const near = closestName(key, known);
  const hint = near !== undefined ? `did you mean '${near}'?` : listed.length > 0 ? `valid ${noun}s: ${quoted(listed)}` : `it takes no ${noun}s`;
  return `unknown ${noun} '${key}' ${owner}; ${hint}`;
}

/**
 * A strict object (unknown keys are errors, and `additionalProperties: false` in JSON
 * Schema) whose unknown-key message names the owner, e.g. `for model type 'mf'` or
 * `in the train section`, and suggests the nearest valid key. Keys in `unlisted` are
 * suggested but left out of the list of valid ones. With several unknown keys the message
 * has one line per key, in the order of `issue.keys` (formatIssues splits it).
 */
export function configObject<S extends z.ZodRawShape>(shape: S, owner: string, noun = 'parameter', unlisted: readonly string[] = []) {
  const known = Object.keys(shape);
  const listed = known.filter((k) => !unlisted.includes(k));
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? issue.keys.map((k) => unknownKeyMessage(k, known, owner, noun, listed)).join('\n') : undefined),
  });
}

/**
 * Error map for a whole parse (`schema.safeParse(x, { error: valueErrorMap })`): a string
 * outside an enum names itself and the nearest valid value, which zod's message does not.
 */
export function valueErrorMap(issue: { code?: string; input?: unknown; values?: readonly unknown[] }): string | undefined {
  if (issue.code !== 'invalid_value' || typeof issue.input !== 'string' || !issue.values?.every((v) => typeof v === 'string')) return undefined;
  const values = issue.values as string[];
  const near = closestName(issue.input, values);
  const list = `Valid values: ${values.join(', ')}.`;
  return near !== undefined ? `unknown value '${issue.input}'; did you mean '${near}'? ${list}` : `unknown value '${issue.input}'. ${list}`;
}

/**
 * Error map of a `z.discriminatedUnion(key, ...)`: when no option has the given value of
 * `key`, `describe(given)` says what is wrong (given is whatever the input had there).
 */
export function unknownTypeError(describe: (given: unknown) => string, key = 'type') {
  return (issue: { code?: string; input?: unknown; note?: string }) =>
    issue.code === 'invalid_union' && issue.note === 'No matching discriminator' ? describe((issue.input as Record<string, unknown> | undefined)?.[key]) : undefined;
}

/**
 * `unknown model type 'neumff'; did you mean 'neumf'? Known model types: ...`, or, without
 * a type, `no model type given (add "type"). ...`. `what` names the kind of type, `known`
 * is a sentence listing the valid ones.
 */
export function unknownTypeMessage(given: unknown, what: string, names: readonly string[], known: string, key = 'type'): string {
  if (given === undefined) return `no ${what} given (add "${key}"). ${known}`;
  if (typeof given !== 'string') return `${what} must be a string, got ${JSON.stringify(given)}; ${known}`;
  const near = closestName(given, names);
  return near !== undefined ? `unknown ${what} '${given}'; did you mean '${near}'? ${known}` : `unknown ${what} '${given}'. ${known}`;
}

/** The schema under `.optional()` / `.default()` / `.nullable()` wrappers: what one value of the parameter must be. */
export function innerValueSchema(schema: z.ZodType): z.ZodType {
  let s: z.ZodType = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType;
  return s;
}
