import type { ApiClient, RunSummary } from '../../common/api';

/** The finished runs a view can name or offer (newest first): the second run of the inspector, the picker of the palette commands. */
export async function finishedRuns(api: ApiClient, limit = 500): Promise<RunSummary[]> {
  const r = await api.call('runs.list', { status: 'FINISHED', limit, metrics: ['ndcg@10'] });
  return r.runs;
}

/** `name · model · id8`: how the inspector's views name a run. */
export function runLabel(run: RunSummary | undefined, runId: string): string {
  if (!run) return runId.slice(0, 8);
  return `${run.name}${run.modelType ? ` · ${run.modelType}` : ''} · ${run.id.slice(0, 8)}`;
}
