/** The resources of the runs views: the explorer, a run's page, and the compare view (built elsewhere). */
export const RUNS_RESOURCE = 'reclab:runs';
const RUN_PREFIX = 'reclab:run/';
const COMPARE_PREFIX = 'reclab:compare/';

export function runResource(runId: string): string {
  return RUN_PREFIX + runId;
}

/** The run id of a `reclab:run/<id>` resource, else undefined. */
export function runIdOf(resource: string): string | undefined {
  return resource.startsWith(RUN_PREFIX) && resource.length > RUN_PREFIX.length ? resource.slice(RUN_PREFIX.length) : undefined;
}

export function compareResource(runIds: readonly string[]): string {
  return COMPARE_PREFIX + runIds.join(',');
}
