import { RecLabError } from '../util';

/**
 * Every failure of the run store: a database that cannot be opened, a schema newer than
 * this RecLab, a write that was refused. `code` says which (e.g. `SCHEMA_TOO_NEW`,
 * `NOT_A_DATABASE`, `RUN_NOT_FOUND`, `BUSY`); the message says what to do.
 */
export class RunStoreError extends RecLabError {
  constructor(message: string, code: string, details?: Record<string, unknown>) {
    super(message, code, details);
    this.name = 'RunStoreError';
  }
}

/** Checks the name, so it also recognises errors rebuilt after crossing a process boundary. */
export function isRunStoreError(e: unknown): e is RunStoreError {
  return e instanceof Error && e.name === 'RunStoreError';
}
