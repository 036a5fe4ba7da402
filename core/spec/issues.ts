import type { z } from 'zod';

/** `model.tune.lambda[1]`, `features.item[0].type`: dotted keys, list positions in brackets. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out || '(root)';
}

/** One problem at one place: the path of the value (an unknown key's path ends in the key). */
export interface SpecIssue {
  path: PropertyKey[];
  message: string;
}

/**
 * The problems of one zod issue below the `root` path (e.g. `['model']`), each with its
 * path. An unknown key's path ends in the key itself (`model.dimm`), where zod puts the
 * object; editors use the path to underline the key.
 */
export function issueEntries(issue: z.core.$ZodIssue, root: readonly PropertyKey[] = []): SpecIssue[] {
  const path = [...root, ...issue.path];
  if (issue.code === 'unrecognized_keys') {
    // configObject's message has one line per unknown key.
    const lines = issue.message.split('\n');
    if (lines.length === issue.keys.length) return issue.keys.map((key, i) => ({ path: [...path, key], message: lines[i] }));
  }
  return [{ path, message: issue.message }];
}

/** Lines for one problem, `path: message` (see issueEntries). */
export function formatIssue(issue: z.core.$ZodIssue, root: readonly PropertyKey[] = []): string[] {
  return issueEntries(issue, root).map((e) => `${formatPath(e.path)}: ${e.message}`);
}

/** One line per problem of a failed parse (see formatIssue). */
export function formatIssues(error: z.ZodError, root: readonly PropertyKey[] = []): string[] {
  return error.issues.flatMap((issue) => formatIssue(issue, root));
}
