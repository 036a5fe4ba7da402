/**
 * An `{ok: false}` reply as an Error, keeping its code (and field) for the UI. In a file
 * of its own: the renderer needs it at run time, and `api.ts` would bring zod along.
 */
export class ApiCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
    /** More about the error, e.g. `{position, length}` of a filter query's syntax error. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}
