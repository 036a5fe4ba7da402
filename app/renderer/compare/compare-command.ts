import type { RunSummary } from '../../common/api';
import type { Disposable } from '../../../core/util';
import { fuzzyRank } from '../workbench/fuzzy';
import type { QuickPickItem } from '../workbench/quick-input-model';
import type { Workbench } from '../workbench/workbench';
import { compareResource } from './compare-data';

const COMPARE_ACTION = '__compare';
/** Runs the picker lists: the newest (the explorer compares any selection). */
const PICK_LIMIT = 1000;

function describe(r: RunSummary): string {
  const ndcg = r.metrics['ndcg@10'];
  return [r.status.toLowerCase(), r.experiment, r.id.slice(0, 8), ndcg === undefined ? undefined : `ndcg@10 ${ndcg.toFixed(4)}`].filter(Boolean).join(' · ');
}

/**
 * The quick input as a multi-pick: Enter (or a click) on a run checks or unchecks it and
 * keeps the box open with the typed filter; the compare row (first with no filter, last
 * with one) opens the compare of the checked runs. Resolves with the checked ids, or undefined when dismissed.
 */
export async function pickRunsToCompare(wb: Workbench): Promise<string[] | undefined> {
  const { runs } = await wb.api.call('runs.list', { limit: PICK_LIMIT, metrics: ['ndcg@10'] });
  if (runs.length === 0) {
    wb.notify({ severity: 'info', message: 'No runs to compare yet: run a notebook (Run All) first.' });
    return undefined;
  }
  const checked: string[] = [];
  let query = '';
  let active = 0;
  for (;;) {
    const items = (q: string): QuickPickItem[] => {
      query = q;
      const n = checked.length;
      const action: QuickPickItem = {
        id: COMPARE_ACTION,
        label: n === 0 ? 'Compare the checked runs' : `Compare ${n} run${n === 1 ? '' : 's'}`,
        description: n === 0 ? 'check runs below with Enter or a click' : undefined,
        icon: 'graph-line',
        disabled: n === 0,
      };
      const rows = fuzzyRank(q, runs, (r) => `${r.name} ${r.id}`).map(({ item: r, match }) => ({
        id: r.id,
        label: r.name,
        description: describe(r),
        icon: checked.includes(r.id) ? 'pass-filled' : 'circle-large-outline',
        labelMatches: match.positions.filter((p) => p < r.name.length),
      }));
      // While a filter is typed, the first match is highlighted (Enter checks it); with none, the compare row is.
      if (q.trim()) return [...rows, { ...action, separator: 'checked' }];
      return [action, ...rows.map((row, i) => (i === 0 ? { ...row, separator: 'runs' } : row))];
    };
    const picked = wb.quickInput.showPick({ placeholder: 'Type to find runs, Enter checks one; clear the box and Enter compares the checked runs', value: query, items, emptyText: 'No run matches.' });
    // The highlight stays on the row just checked, so arrows and Enter check several in a row.
    wb.quickInput.setActive(active);
    const item = await picked;
    if (!item) return undefined;
    if (item.id === COMPARE_ACTION) return checked;
    const at = checked.indexOf(item.id);
    if (at >= 0) checked.splice(at, 1);
    else checked.push(item.id);
    active = Math.max(0, items(query).findIndex((i) => i.id === item.id));
  }
}

/** `Runs: Compare Runs...`: pick runs in the quick input, open their compare tab. */
export function registerCompareCommands(wb: Workbench): Disposable {
  return wb.commands.register({
    id: 'runs.compare',
    title: 'Runs: Compare Runs…',
    run: async () => {
      const ids = await pickRunsToCompare(wb);
      if (ids?.length) wb.openEditor(compareResource(ids));
    },
  });
}
