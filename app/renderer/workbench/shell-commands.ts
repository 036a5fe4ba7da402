import { DisposableStore, type Disposable } from '../../../core/util';
import { registerCompareCommands } from '../compare/compare-command';
import type { NotebookEntry } from '../../../core/workspace';
import { isEnabled } from './commands';
import { fuzzyMatch, fuzzyRank } from './fuzzy';
import { fileName, folderOf } from './notebook-tree';
import type { QuickPickItem } from './quick-input-model';
import { RUNS_RESOURCE } from '../runs/resources';
import { progressDetail } from './run-format';
import type { Command } from './services';
import type { ThemeChoice } from './theme-model';
import type { Workbench } from './workbench';

/** The palette's prefix for commands in the quick input (as VS Code's `>`). */
export const COMMAND_PREFIX = '>';

interface CommandItem extends QuickPickItem {
  command: Command;
}

interface FileItem extends QuickPickItem {
  path: string;
}

/** The command palette's rows: recently used first (when nothing is typed), then all by title. */
export function commandItems(wb: Workbench, query: string): CommandItem[] {
  const all = wb.commands
    .list()
    .filter((c) => !c.id.startsWith('_'))
    .sort((a, b) => a.title.localeCompare(b.title));
  const toItem = (c: Command): CommandItem => ({ id: c.id, label: c.title, command: c, keys: wb.keybindings.partsOf(c), disabled: !isEnabled(c) });
  if (!query.trim()) {
    const recent = wb.recentCommands.map((id) => all.find((c) => c.id === id)).filter((c): c is Command => !!c);
    const rest = all.filter((c) => !recent.includes(c));
    return [
      ...recent.map((c, i) => ({ ...toItem(c), ...(i === 0 ? { separator: 'recently used' } : {}) })),
      ...rest.map((c, i) => ({ ...toItem(c), ...(i === 0 && recent.length ? { separator: 'other commands' } : {}) })),
    ];
  }
  return fuzzyRank(query, all.map(toItem), (i) => i.label).map(({ item, match }) => ({ ...item, labelMatches: match.positions }));
}

/**
 * Quick Open's rows: notebooks by name (a match in the file name ranks above one in the
 * folder), recently opened first when nothing is typed.
 */
export function fileItems(entries: readonly NotebookEntry[], recent: readonly string[], query: string): FileItem[] {
  const toItem = (path: string): FileItem => ({ id: path, path, label: fileName(path), description: folderOf(path) || undefined, icon: 'notebook' });
  const paths = entries.map((e) => e.path);
  if (!query.trim()) {
    const rec = recent.filter((p) => paths.includes(p));
    const rest = paths.filter((p) => !rec.includes(p)).sort();
    return [
      ...rec.map((p, i) => ({ ...toItem(p), ...(i === 0 ? { separator: 'recently opened' } : {}) })),
      ...rest.map((p, i) => ({ ...toItem(p), ...(i === 0 && rec.length ? { separator: 'notebooks' } : {}) })),
    ];
  }
  const scored: { item: FileItem; score: number }[] = [];
  for (const path of paths) {
    const item = toItem(path);
    const byName = fuzzyMatch(query, item.label);
    if (byName) {
      scored.push({ item: { ...item, labelMatches: byName.positions }, score: byName.score + 1000 });
      continue;
    }
    const byPath = fuzzyMatch(query, path);
    if (!byPath) continue;
    const folderLen = path.length - item.label.length;
    scored.push({
      item: {
        ...item,
        labelMatches: byPath.positions.filter((i) => i >= folderLen).map((i) => i - folderLen),
        descriptionMatches: byPath.positions.filter((i) => i < folderLen - 1),
      },
      score: byPath.score,
    });
  }
  return scored.sort((a, b) => b.score - a.score || a.item.path.length - b.item.path.length || a.item.path.localeCompare(b.item.path)).map((s) => s.item);
}

/** Quick Open and the command palette: one box, `>` switches to commands. */
export async function showQuickOpen(wb: Workbench, initial: string): Promise<void> {
  if (!wb.notebooks.value && !wb.notebooks.loading) void wb.notebooks.refresh();
  const item = await wb.quickInput.showPick<QuickPickItem>({
    placeholder: initial.startsWith(COMMAND_PREFIX) ? 'Type the name of a command to run.' : 'Search notebooks by name (type > for commands)',
    value: initial,
    items: (value) => (value.startsWith(COMMAND_PREFIX) ? commandItems(wb, value.slice(COMMAND_PREFIX.length)) : fileItems(wb.notebooks.value ?? [], wb.recentFiles, value)),
    emptyText: 'No matching results',
  });
  if (!item) return;
  if ('command' in item) await wb.commands.execute((item as CommandItem).command.id);
  else if ('path' in item) wb.openEditor((item as FileItem).path);
}

/** The shell's own commands (VS Code's ids where VS Code has the same command). */
export function registerShellCommands(wb: Workbench): Disposable {
  const store = new DisposableStore();
  const hasTabs = () => wb.tabs.tabs.length > 0;
  const several = () => wb.tabs.tabs.length > 1;
  const theme = (choice: ThemeChoice) => () => wb.theme.choose(choice);
  const commands: Command[] = [
    { id: 'workbench.action.showCommands', title: 'Show All Commands', keybinding: 'Ctrl+Shift+P', run: () => showQuickOpen(wb, COMMAND_PREFIX) },
    { id: '_workbench.action.showCommandsF1', title: 'Show All Commands', keybinding: 'F1', run: () => showQuickOpen(wb, COMMAND_PREFIX) },
    { id: 'workbench.action.quickOpen', title: 'Go to Notebook…', keybinding: 'Ctrl+P', run: () => showQuickOpen(wb, '') },
    { id: 'workbench.action.toggleSidebarVisibility', title: 'View: Toggle Primary Side Bar Visibility', keybinding: 'Ctrl+B', run: () => wb.layout.toggleSidebar() },
    { id: 'workbench.action.togglePanel', title: 'View: Toggle Panel Visibility', keybinding: 'Ctrl+J', run: () => wb.layout.togglePanel() },
    { id: 'workbench.view.notebooks', title: 'View: Show Notebooks', keybinding: 'Ctrl+Shift+E', run: () => wb.layout.showView('notebooks') },
    { id: 'workbench.view.runs', title: 'View: Show Runs', run: () => wb.layout.showView('runs') },
    { id: 'workbench.view.datasets', title: 'View: Show Datasets', run: () => wb.layout.showView('datasets') },
    { id: 'workbench.action.showWorkerLog', title: 'View: Show Worker Log', keybinding: 'Ctrl+Shift+U', run: () => wb.layout.showPanel('log') },
    { id: 'workbench.actions.view.problems', title: 'View: Show Problems', keybinding: 'Ctrl+Shift+M', run: () => wb.layout.togglePanelTab('problems') },
    { id: 'workbench.action.resetLayout', title: 'View: Reset Layout', run: () => wb.layout.restore({}) },
    { id: 'workbench.action.closeActiveEditor', title: 'View: Close Editor', keybinding: 'Ctrl+W', when: hasTabs, run: () => wb.tabs.closeActive() },
    { id: 'workbench.action.closeOtherEditors', title: 'View: Close Other Editors', when: several, run: () => {
        if (wb.tabs.active) wb.tabs.closeOthers(wb.tabs.active);
      },
    },
    { id: 'workbench.action.closeAllEditors', title: 'View: Close All Editors', when: hasTabs, run: () => wb.tabs.closeAll() },
    { id: 'workbench.action.nextEditor', title: 'View: Open Next Editor', keybinding: 'Ctrl+PageDown', when: several, run: () => wb.tabs.activateByPosition(1) },
    { id: 'workbench.action.previousEditor', title: 'View: Open Previous Editor', keybinding: 'Ctrl+PageUp', when: several, run: () => wb.tabs.activateByPosition(-1) },
    { id: 'workbench.action.openNextRecentlyUsedEditor', title: 'View: Open Previously Used Editor', keybinding: 'WinCtrl+Tab', inText: true, when: several, run: () => wb.tabs.navigateRecent(1) },
    { id: 'workbench.action.openPreviousRecentlyUsedEditor', title: 'View: Open Next Recently Used Editor', keybinding: 'WinCtrl+Shift+Tab', inText: true, when: several, run: () => wb.tabs.navigateRecent(-1) },
    { id: 'notebook.create', title: 'Notebook: New Notebook…', keybinding: 'Ctrl+Alt+N', run: () => wb.newNotebook() },
    { id: 'notebooks.refresh', title: 'Notebooks: Refresh', run: () => wb.notebooks.refresh() },
    { id: 'datasets.refresh', title: 'Datasets: Refresh', run: () => wb.datasets.refresh() },
    { id: 'runs.openExplorer', title: 'Runs: Open Runs Explorer', run: () => wb.openEditor(RUNS_RESOURCE) },
    { id: 'runs.refresh', title: 'Runs: Refresh', run: () => Promise.all([wb.recentRuns.refresh(), wb.liveRuns.refresh()]).then(() => undefined) },
    { id: 'runs.cancel', title: 'Runs: Cancel a Running Run…', when: () => wb.liveRuns.runs.length > 0, run: async () => {
        const id = await pickLiveRun(wb, 'Select the run to cancel');
        if (id) await wb.cancelRun(id);
      },
    },
    { id: 'runs.showLog', title: 'Runs: Show Worker Log of a Run…', run: async () => {
        const id = await pickAnyRun(wb);
        if (id) wb.showRunLog(id);
      },
    },
    { id: 'workbench.action.selectTheme.light', title: 'Preferences: Color Theme: Light', run: theme('light') },
    { id: 'workbench.action.selectTheme.dark', title: 'Preferences: Color Theme: Dark', run: theme('dark') },
    { id: 'workbench.action.selectTheme.system', title: 'Preferences: Color Theme: Follow System', run: theme('system') },
    { id: 'workbench.action.toggleLightDarkThemes', title: 'Preferences: Toggle between Light/Dark Themes', run: () => wb.theme.toggle() },
    { id: 'notifications.clearAll', title: 'Notifications: Clear All Notifications', when: () => wb.notifications.toasts.length > 0, run: () => wb.notifications.dismissAll() },
    { id: 'workbench.action.reloadWindow', title: 'Developer: Reload Window', run: () => wb.flushState().then(() => wb.env.reload()) },
  ];
  for (const c of commands) store.add(wb.commands.register(c));
  store.add(registerCompareCommands(wb));
  return store;
}

async function pickLiveRun(wb: Workbench, placeholder: string): Promise<string | undefined> {
  const runs = wb.liveRuns.runs;
  const item = await wb.quickInput.showPick({
    placeholder,
    items: (q) => fuzzyRank(q, runs, (r) => r.name).map(({ item: r, match }) => ({ id: r.runId, label: r.name, description: progressDetail(r.progress), icon: 'sync', labelMatches: match.positions })),
  });
  return item?.id;
}

async function pickAnyRun(wb: Workbench): Promise<string | undefined> {
  if (!wb.recentRuns.value) await wb.recentRuns.refresh();
  const live = wb.liveRuns.recordedRuns.map((r) => ({ id: r.runId, name: r.name, description: 'running', icon: 'sync' }));
  const past = (wb.recentRuns.value?.runs ?? []).filter((r) => !live.some((l) => l.id === r.id)).map((r) => ({ id: r.id, name: r.name, description: `${r.status.toLowerCase()} · ${r.id.slice(0, 8)}`, icon: 'history' }));
  const all = [...live, ...past];
  const item = await wb.quickInput.showPick({
    placeholder: 'Select a run to show its worker log',
    items: (q) => fuzzyRank(q, all, (r) => r.name).map(({ item: r, match }) => ({ id: r.id, label: r.name, description: r.description, icon: r.icon, labelMatches: match.positions })),
    emptyText: 'No runs yet: run a notebook (Run All) to see its log here.',
  });
  return item?.id;
}
