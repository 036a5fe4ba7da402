/**
 * A tab's resource: a notebook's workspace path (`examples/a.recnb`) or a view of the
 * app's own (`reclab:runs`, `reclab:run/<id>`, `reclab:compare/<id>,<id>`).
 */

/** The prefix of the app's own views, which are not files. */
export const APP_RESOURCE = 'reclab:';

export function isFileResource(resource: string): boolean {
  return !resource.startsWith(APP_RESOURCE);
}
