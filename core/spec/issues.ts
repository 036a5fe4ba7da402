import type { z } from 'zod';

/** `model.tune.lambda[1]`, `features.item[0].type`: dotted keys, list positions in brackets. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out || '(root)';
}

/**
 * One line per problem, `path: message`, below the `root` path (e.g. `['model']`). An
 * unknown key's path ends in the key itself (`model.dimm`), where zod puts the object.
 */
export function formatIssues(error: z.ZodError, root: readonly PropertyKey[] = []): string[] {
  return error.issues.map((issue) => {
    const path = [...root, ...issue.path];
    if (issue.code === 'unrecognized_keys' && issue.keys.length === 1) path.push(issue.keys[0]);
    return `${formatPath(path)}: ${issue.message}`;
  });
}
