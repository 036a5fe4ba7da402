/**
 * Base of every error RecLab shows to a user. `code` is stable and machine-readable;
 * type guards check `name`, so they still work on errors rebuilt after crossing a
 * process boundary (worker, IPC, HTTP).
 */
export class RecLabError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'RecLabError';
  }
}

/** Bad user input: a file, a column, a spec value. The message says what and where, and what to do. */
export class InputError extends RecLabError {
  constructor(message: string, code = 'INPUT', details?: Record<string, unknown>) {
    super(message, code, details);
    this.name = 'InputError';
  }
}

/** A broken internal invariant: a bug in RecLab, never the user's fault. */
export class BugIndicatingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BugIndicatingError';
  }
}

export function isRecLabError(e: unknown): e is RecLabError {
  return e instanceof Error && (e.name === 'RecLabError' || e.name === 'InputError' || e.name === 'RunStoreError');
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof Error && e.name === 'InputError';
}

/** Plain object form of an error, for messages between processes. */
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  stack?: string;
}

export function serializeError(e: unknown): SerializedError {
  if (e instanceof Error) return { name: e.name, message: e.message, code: (e as RecLabError).code, stack: e.stack };
  return { name: 'Error', message: String(e) };
}

export function deserializeError(s: SerializedError): Error {
  const e = s.code ? new RecLabError(s.message, s.code) : new Error(s.message);
  e.name = s.name;
  if (s.stack) e.stack = s.stack;
  return e;
}
