/**
 * An `{ok: false}` reply as an Error, keeping its code (field and details) for the UI. In a file
 * of its own: the renderer needs it at run time, and `api.ts` would bring zod along.
 */
export class ApiCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
    /** What the host said more (a CSV error's file, line and column; a query error's position). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}
