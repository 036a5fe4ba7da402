import { DisposableStore, type Disposable } from '../../../core/util';
import type { RunSummary } from '../../common/api';
import { fuzzyRank } from '../workbench/fuzzy';
import type { Workbench } from '../workbench/workbench';
import { finishedRuns } from './finished-runs';

/** The finished run to open a view of, picked in the quick input by name, model or id. */
export async function pickFinishedRun(wb: Workbench, placeholder: string, filter: (r: RunSummary) => boolean = () => true): Promise<string | undefined> {
  let runs: RunSummary[];
  try {
    runs = (await finishedRuns(wb.api)).filter(filter);
  } catch (e) {
    wb.notify({ severity: 'error', message: `Could not list the runs: ${(e as Error).message}` });
    return undefined;
  }
  const text = (r: RunSummary) => `${r.name} ${r.modelType ?? ''} ${r.id}`;
  const item = await wb.quickInput.showPick({
    placeholder,
    items: (q) =>
      fuzzyRank(q, runs, text).map(({ item: r }) => ({
        id: r.id,
        label: r.name,
        description: `${r.modelType ?? 'model'} · ${r.id.slice(0, 8)}${r.metrics['ndcg@10'] !== undefined ? ` · ndcg@10 ${r.metrics['ndcg@10'].toFixed(4)}` : ''}`,
        icon: 'pass',
      })),
    emptyText: runs.length ? 'No matching run' : 'No finished run yet: run a notebook (Run All) first.',
  });
  return item?.id;
}

/** The palette's way to the inspector's views (the runs explorer offers them on a run's page too). */
export function registerInspectCommands(wb: Workbench): Disposable {
  const store = new DisposableStore();
  const hybrid = (r: RunSummary) => r.modelType === undefined || r.modelType === 'hybrid';
  const open = (prefix: string, placeholder: string, filter?: (r: RunSummary) => boolean) => async () => {
    const id = await pickFinishedRun(wb, placeholder, filter);
    if (id) wb.openEditor(`reclab:${prefix}/${id}`);
  };
  store.add(wb.commands.register({ id: 'reclab.inspectRecommendations', title: 'Runs: Inspect Recommendations…', run: open('inspect', 'Select a run to inspect its recommendations') }));
  store.add(wb.commands.register({ id: 'reclab.showGate', title: 'Runs: Show Gate…', run: open('gate', 'Select a gated hybrid run to show its gate', hybrid) }));
  store.add(wb.commands.register({ id: 'reclab.showEmbeddings', title: 'Runs: Show Item Embeddings…', run: open('embeddings', 'Select a run to show its item embeddings') }));
  store.add(wb.commands.register({ id: 'reclab.importDataset', title: 'Datasets: Import Dataset…', run: () => wb.openEditor('reclab:datasets') }));
  return store;
}
