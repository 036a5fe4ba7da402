import { InputError } from '../util';
import { experimentSpecSchema, type ExperimentSpec } from './experiment';
import { valueErrorMap } from './config-object';
import { formatIssue, issueEntries, type SpecIssue } from './issues';
import { isNeuralModelType } from './model';
import { trainSpecSchema } from './train';

/**
 * Validates a raw spec object (from a JSON file or a notebook) and fills in every default:
 * each section's, the model type's parameters, each feature transformer's, and for a
 * neural model the whole train section. Nothing runs before this passes, so a typo fails
 * at once with a message naming it, and the parsed spec records every value a run uses.
 * Parsing a parsed spec gives it back unchanged. `origin` names where a section came from
 * (a notebook's cell), to put before each problem in it.
 */
export function parseSpec(raw: unknown, file = 'spec', origin?: (section: PropertyKey) => string | undefined): ExperimentSpec {
  const r = experimentSpecSchema.safeParse(raw, { error: valueErrorMap });
  if (!r.success) {
    const lines = r.error.issues.flatMap((issue) => {
      const from = origin?.(issue.path[0] ?? '');
      return formatIssue(issue).map((line) => (from ? `${from}: ${line}` : line));
    });
    throw new InputError(`${file}: invalid experiment spec: ${lines.length === 1 ? lines[0] : `\n  ${lines.join('\n  ')}`}`, 'SPEC');
  }
  const spec = r.data;
  if (spec.train === undefined && isNeuralModelType(spec.model.type)) return { ...spec, train: trainSpecSchema.parse({}) };
  return spec;
}

/**
 * Every problem of a raw spec with the path it is at, without throwing: what the notebook
 * editor maps to its cells and their keys. Empty when `parseSpec` would pass.
 */
export function specIssues(raw: unknown): SpecIssue[] {
  const r = experimentSpecSchema.safeParse(raw, { error: valueErrorMap });
  return r.success ? [] : r.error.issues.flatMap((issue) => issueEntries(issue));
}
