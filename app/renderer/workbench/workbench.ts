import { DisposableStore, toDisposable, type Disposable } from '../../../core/util';
import type { NotebookEntry, RunFinishedEvent } from '../../../core/workspace';
import type { ApiClient, AppInfo, DatasetInfo, RunSummary, TemplateInfo } from '../../common/api';
import { CommandService } from './commands';
import { EditorTabsModel } from './editor-tabs-model';
import { fuzzyRank } from './fuzzy';
import { KeybindingService } from './keybindings';
import { LayoutModel, type SideView } from './layout-model';
import { LiveRunsModel } from './live-runs-model';
import { ChangeModel } from './model';
import { NotebookTreeState } from './notebook-tree';
import { NotificationsModel } from './notifications-model';
import { ProblemsModel } from './problems-model';
import { QuickInputModel, type QuickPickItem } from './quick-input-model';
import { ResourceModel } from './resource-model';
import { RunLogModel } from './run-log-model';
import { formatMetric } from './run-format';
import type { Notification, ViewStateService, WorkbenchServices } from './services';
import { registerShellCommands } from './shell-commands';
import { registerInspectCommands } from '../inspect/inspect-commands';
import { ThemeModel } from './theme-model';
import { UiStatePersistence, type SavedUiState } from './ui-state';
import { isFileResource } from './resources';

/** What the page gives the workbench (the DOM side; tests give their own). */
export interface WorkbenchEnvironment {
  isMac: boolean;
  /** prefers-color-scheme: dark, now. */
  systemDark: boolean;
  /** Reloads the page (Developer: Reload Window). */
  reload(): void;
  /** Delay of layout saves after the last change; default 400 ms. */
  saveDelayMs?: number;
}

/** The notebook a first launch opens, when the workspace has it. */
export const FIRST_NOTEBOOK = 'examples/hybrid-gate-sample.recnb';
const RECENT_RUNS = 100;
/** A channel down this long is asked why: a server restarted with a new token never lets the page back in. */
const PROBE_AFTER_MS = 3000;
const MAX_RECENT = 20;

/** Whether the event channel is up: unknown until it first connects or fails. */
export class ConnectionModel extends ChangeModel {
  private _connected: boolean | undefined;
  private _everLost = false;
  private _refused = false;

  /** The server answers but refuses this page (restarted with a new token). */
  get refused(): boolean {
    return this._refused;
  }

  setRefused(): void {
    if (this._refused) return;
    this._refused = true;
    this.changed();
  }

  get connected(): boolean | undefined {
    return this._connected;
  }

  get everLost(): boolean {
    return this._everLost;
  }

  set(connected: boolean): boolean {
    if (connected === this._connected) return false;
    if (!connected && this._connected !== undefined) this._everLost = true;
    if (connected) this._refused = false;
    this._connected = connected;
    this.changed();
    return true;
  }
}

/**
 * The workbench without its DOM: every model of the shell, the services the editors
 * get, the shell's commands and the start-up sequence (the layout restored, the live
 * runs read, the first notebook opened). React components render these models.
 */
export class Workbench implements WorkbenchServices, Disposable {
  readonly commands: CommandService;
  readonly keybindings: KeybindingService;
  readonly layout = new LayoutModel();
  readonly tabs = new EditorTabsModel();
  readonly problems: ProblemsModel;
  readonly theme: ThemeModel;
  readonly notifications = new NotificationsModel();
  readonly quickInput = new QuickInputModel();
  readonly tree = new NotebookTreeState();
  readonly connection = new ConnectionModel();
  readonly liveRuns: LiveRunsModel;
  readonly runLog: RunLogModel;
  readonly info: ResourceModel<AppInfo>;
  readonly notebooks: ResourceModel<NotebookEntry[]>;
  readonly datasets: ResourceModel<DatasetInfo[]>;
  readonly recentRuns: ResourceModel<{ total: number; runs: RunSummary[] }>;
  readonly templates: ResourceModel<TemplateInfo[]>;
  /** Most recently run first. */
  recentCommands: string[] = [];
  /** Most recently opened first. */
  recentFiles: string[] = [];
  private views: Record<string, unknown> = {};
  /** Resolves once the saved layout is applied and the first notebooks are open. */
  readonly ready: Promise<void>;

  private readonly disposables = new DisposableStore();
  private readonly persistence: UiStatePersistence;
  private recentRunsTimer: ReturnType<typeof setTimeout> | undefined;
  private probeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly api: ApiClient,
    readonly env: WorkbenchEnvironment,
  ) {
    this.commands = new CommandService((id, e) => this.notify({ severity: 'error', message: `${this.commands.get(id)?.title ?? id}: ${(e as Error).message ?? String(e)}` }));
    this.keybindings = new KeybindingService(this.commands, env.isMac);
    this.problems = new ProblemsModel((p) => this.openEditor(p.resource));
    this.theme = new ThemeModel(env.systemDark);
    this.liveRuns = new LiveRunsModel(api);
    this.runLog = new RunLogModel(api);
    this.info = new ResourceModel(() => api.call('app.info', {}));
    this.notebooks = new ResourceModel(() => api.call('notebooks.list', {}));
    this.datasets = new ResourceModel(() => api.call('datasets.list', {}));
    this.recentRuns = new ResourceModel(() => api.call('runs.list', { limit: RECENT_RUNS }));
    this.templates = new ResourceModel(() => api.call('notebooks.templates', {}));
    for (const m of [this.layout, this.tabs, this.problems, this.theme, this.notifications, this.quickInput, this.tree, this.connection, this.liveRuns, this.runLog, this.info, this.notebooks, this.datasets, this.recentRuns, this.templates, this.commands])
      this.disposables.add(m);

    this.persistence = new UiStatePersistence(api, () => this.snapshot(), env.saveDelayMs);
    this.disposables.add(this.persistence);
    const save = () => this.persistence.schedule();
    for (const ev of [this.layout.onDidChange, this.tabs.onDidChange, this.tree.onDidChange, this.theme.onDidChangeChoice]) this.disposables.add(ev(save));
    this.disposables.add(
      this.commands.onDidExecute((id) => {
        if (id === 'workbench.action.showCommands' || id === 'workbench.action.quickOpen') return;
        this.recentCommands = [id, ...this.recentCommands.filter((c) => c !== id)].slice(0, MAX_RECENT);
        save();
      }),
    );
    this.disposables.add(
      this.tabs.onDidChange(() => {
        // Problems of a closed file go with it (its editor reported them).
        for (const g of this.problems.groups()) if (!this.tabs.has(g.resource)) this.problems.clearResource(g.resource);
      }),
    );

    this.disposables.add(this.liveRuns.onDidStart((info) => !info.preview && this.followRun(info.runId)));
    this.disposables.add(this.liveRuns.onDidFinish((e) => this.runFinished(e)));
    this.disposables.add(this.layout.onDidChange(() => this.layout.state.sidebar.visible && this.viewShown(this.layout.state.sidebar.view)));
    const offChanged = api.on('notebook.changed', (e) => {
      const known = this.notebooks.value?.some((n) => n.path === e.path);
      // A file added or removed by another program; edits are the editor's business.
      if (!known || e.etag === undefined) void this.notebooks.refresh();
    });
    this.disposables.add(toDisposable(offChanged));
    // The desktop app's menu runs workbench commands by id, as the palette does.
    this.disposables.add(toDisposable(api.on('app.command', ({ command }) => void this.commands.execute(command))));
    if (api.onConnection) {
      const off = api.onConnection((up) => {
        const wasLost = this.connection.connected === false && this.connection.everLost;
        if (!this.connection.set(up)) return;
        if (up && wasLost) this.reconnected();
        clearTimeout(this.probeTimer);
        if (!up) this.probeTimer = setTimeout(() => void this.probeLostConnection(), PROBE_AFTER_MS);
      });
      this.disposables.add(toDisposable(off));
    }

    this.disposables.add(registerShellCommands(this));
    this.disposables.add(registerInspectCommands(this));
    this.ready = this.start();
  }

  // ---- WorkbenchServices

  // Arrow functions: editors may take them off the services object.
  readonly notify = (n: Notification): void => {
    this.notifications.notify(n);
  };

  readonly openEditor = (path: string): void => {
    this.tabs.open(path);
    if (!isFileResource(path)) return;
    this.tree.reveal(path);
    this.recentFiles = [path, ...this.recentFiles.filter((p) => p !== path)].slice(0, MAX_RECENT);
  };

  readonly viewState: ViewStateService = {
    get: (viewId) => this.views[viewId],
    set: (viewId, state) => {
      this.views = { ...this.views, [viewId]: state };
      this.persistence.schedule();
    },
  };

  // ---- runs

  /** Shows a run's worker log in the panel. */
  showRunLog(runId: string): void {
    void this.runLog.select(runId, { pinned: true });
    this.layout.showPanel('log');
  }

  /** A run's notebook when the workspace still has it, else its log. */
  openRun(run: { runId: string; notebook?: string }): void {
    if (run.notebook && this.notebooks.value?.some((n) => n.path === run.notebook)) this.openEditor(run.notebook);
    else this.showRunLog(run.runId);
  }

  async cancelRun(runId: string): Promise<void> {
    try {
      const { cancelled } = await this.api.call('runs.cancel', { runId });
      if (!cancelled) this.notify({ severity: 'info', message: 'That run had already ended.' });
    } catch (e) {
      this.notify({ severity: 'error', message: `Could not cancel the run: ${(e as Error).message}` });
    }
  }

  // ---- notebooks

  /** New Notebook: a template, then a name (as VS Code asks in its input box), then the file opens. */
  async newNotebook(): Promise<void> {
    if (!this.templates.value) await this.templates.refresh();
    const templates = this.templates.value;
    if (!templates?.length) {
      this.notify({ severity: 'error', message: `The notebook templates could not be read${this.templates.error ? `: ${this.templates.error}` : ''}.` });
      return;
    }
    const template = await this.quickInput.showPick({
      placeholder: 'Select a template for the new notebook',
      items: (q) => pickItems(q, templates, (t) => ({ id: t.id, label: t.title, description: t.description, icon: 'notebook' })),
    });
    if (!template) return;
    const existing = new Set((this.notebooks.value ?? []).map((n) => n.path));
    const name = await this.quickInput.showInput({
      prompt: `Name of the new notebook (${template.label}); it is saved as <name>.recnb in the workspace folder`,
      placeholder: 'my-experiment',
      value: uniqueName(existing, template.id === 'baseline' ? 'baseline' : template.id),
      validate: (v) => validateNotebookName(v, existing),
    });
    if (name === undefined) return;
    try {
      const file = await this.api.call('notebooks.create', { name: name.trim(), template: template.id });
      await this.notebooks.refresh();
      this.openEditor(file.path);
    } catch (e) {
      this.notify({ severity: 'error', message: `Could not create the notebook: ${(e as Error).message}` });
    }
  }

  // ---- start-up

  private async start(): Promise<void> {
    void this.info.refresh();
    void this.liveRuns.refresh().catch(() => undefined);
    void this.recentRuns.refresh();
    const listed = this.notebooks.refresh();
    const saved = await this.persistence.load();
    // What the user opened while the saved state was on its way (a slow start) stays open
    // and in front: the restore must not close what was just clicked.
    const openedEarly = this.tabs.tabs.map((t) => t.path);
    const activeEarly = this.tabs.active;
    this.restore(saved);
    for (const p of openedEarly) if (!this.tabs.has(p)) this.tabs.open(p);
    await listed;
    const list = this.notebooks.value;
    if (list) {
      const exists = new Set(list.map((n) => n.path));
      for (const t of [...this.tabs.tabs]) if (isFileResource(t.path) && !exists.has(t.path)) this.tabs.close(t.path);
      if (saved.editors === undefined && exists.has(FIRST_NOTEBOOK)) this.openEditor(FIRST_NOTEBOOK);
    }
    if (activeEarly && this.tabs.has(activeEarly)) this.tabs.activate(activeEarly);
    this.persistence.markRestored();
    // Changes made while the saved state was on its way are saved now.
    this.persistence.schedule();
    await this.chooseInitialLog(saved.logRun);
  }

  private restore(saved: Record<string, unknown>): void {
    // Before the tabs: a restored view reads its state as it opens.
    const views = saved.views;
    if (views && typeof views === 'object' && !Array.isArray(views)) this.views = { ...(views as Record<string, unknown>), ...this.views };
    this.layout.restore(saved.layout);
    this.theme.restore(saved.theme);
    this.tree.restore(saved.collapsedFolders);
    if (saved.editors !== undefined) this.tabs.restore(saved.editors);
    this.recentCommands = strings(saved.recentCommands).slice(0, MAX_RECENT);
    this.recentFiles = strings(saved.recentFiles).slice(0, MAX_RECENT);
  }

  /** The panel's log: the newest live run, else the one the user chose last time, else the latest run. */
  private async chooseInitialLog(savedRun: unknown): Promise<void> {
    if (this.runLog.runId) return;
    await this.liveRuns.refresh().catch(() => undefined);
    const live = this.liveRuns.newest;
    if (live) return this.runLog.select(live.runId, { pinned: false });
    if (!this.recentRuns.value) await this.recentRuns.refresh();
    const runs = this.recentRuns.value?.runs ?? [];
    if (typeof savedRun === 'string' && runs.some((r) => r.id === savedRun)) return this.runLog.select(savedRun, { pinned: true });
    if (runs[0]) return this.runLog.select(runs[0].id, { pinned: false });
  }

  snapshot(): SavedUiState {
    return {
      version: 1,
      layout: this.layout.toJSON(),
      theme: this.theme.choice,
      editors: this.tabs.toJSON(),
      collapsedFolders: this.tree.toJSON(),
      ...(this.runLog.pinned && this.runLog.runId ? { logRun: this.runLog.runId } : {}),
      recentCommands: this.recentCommands,
      recentFiles: this.recentFiles,
      views: this.views,
    };
  }

  /** Saves the layout now (`leaving`: the page is going away). */
  flushState(leaving = false): Promise<void> {
    return this.persistence.flush(leaving);
  }

  private followRun(runId: string): void {
    const shown = this.runLog.runId;
    if (!this.runLog.pinned || !shown || !this.liveRuns.get(shown)) void this.runLog.select(runId, { pinned: false });
    this.refreshRecentRunsSoon();
  }

  private runFinished(e: RunFinishedEvent): void {
    if (e.preview) return;
    this.refreshRecentRunsSoon();
    const name = this.recentRuns.value?.runs.find((r) => r.id === e.runId)?.name ?? `Run ${e.runId.slice(0, 8)}`;
    const notebook = this.recentRuns.value?.runs.find((r) => r.id === e.runId)?.notebook;
    const actions = [{ label: 'Show Log', run: () => this.showRunLog(e.runId) }, ...(notebook ? [{ label: 'Open Notebook', run: () => this.openRun({ runId: e.runId, notebook }) }] : [])];
    if (e.status === 'FAILED') this.notify({ severity: 'error', message: `${name} failed: ${e.error?.message ?? 'the worker stopped'}`, actions });
    else if (e.status === 'FINISHED') {
      const metric = e.metrics?.['ndcg@10'];
      this.notify({ severity: 'info', message: `${name} finished${metric !== undefined ? `: ndcg@10 ${formatMetric(metric)}` : '.'}` });
    }
  }

  private refreshRecentRunsSoon(): void {
    clearTimeout(this.recentRunsTimer);
    this.recentRunsTimer = setTimeout(() => void this.recentRuns.refresh(), 250);
  }

  private viewShown(view: SideView): void {
    if (view === 'datasets' && !this.datasets.value && !this.datasets.loading) void this.datasets.refresh();
  }

  /** The socket is back: what happened meanwhile came as no events, so read it again. */
  private reconnected(): void {
    void this.liveRuns.refresh().catch(() => undefined);
    void this.recentRuns.refresh();
    void this.notebooks.refresh();
    if (this.runLog.runId) {
      const id = this.runLog.runId;
      const pinned = this.runLog.pinned;
      void this.runLog.select(undefined).then(() => this.runLog.select(id, { pinned }));
    }
    this.notify({ severity: 'info', message: 'Connection to RecLab restored.' });
  }

  /**
   * Still down: asks the server, every few seconds while the channel stays down. One that
   * answers 401 was restarted (its token changed) and will never let the socket back in:
   * say what to do, once.
   */
  private async probeLostConnection(): Promise<void> {
    if (this.connection.connected !== false) return;
    try {
      await this.api.call('app.info', {});
    } catch (e) {
      if ((e as { code?: string }).code === 'UNAUTHORIZED' && this.connection.connected === false) {
        this.connection.setRefused();
        this.notify({ severity: 'error', message: 'RecLab\'s server was restarted and no longer knows this page: open the URL that `reclab serve` printed (it ends in ?token=...).' });
        return;
      }
    }
    if (this.connection.connected === false) this.probeTimer = setTimeout(() => void this.probeLostConnection(), PROBE_AFTER_MS);
  }

  dispose(): void {
    clearTimeout(this.recentRunsTimer);
    clearTimeout(this.probeTimer);
    this.disposables.dispose();
  }
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}

/** Quick pick rows from a list, fuzzy-filtered on their label. */
export function pickItems<T>(query: string, list: readonly T[], toItem: (t: T) => QuickPickItem): QuickPickItem[] {
  return fuzzyRank(query, list.map(toItem), (i) => i.label).map(({ item, match }) => ({ ...item, labelMatches: match.positions }));
}

const BAD_NAME = /[\\/:*?"<>|]/;

/** Why a new notebook's name cannot be used, or undefined. */
export function validateNotebookName(value: string, existing: ReadonlySet<string>): string | undefined {
  const name = value.trim();
  if (!name) return 'Give the notebook a name.';
  if (BAD_NAME.test(name)) return 'A file name cannot contain / \\ : * ? " < > |.';
  if (name.length > 120) return 'At most 120 characters.';
  if (name.startsWith('.')) return 'A name starting with a dot would be hidden.';
  const file = name.endsWith('.recnb') ? name : `${name}.recnb`;
  if (existing.has(file)) return `${file} exists already; choose another name.`;
  return undefined;
}

/** `base`, else `base-2`, `base-3`...: a name no notebook at the root has. */
export function uniqueName(existing: ReadonlySet<string>, base: string): string {
  if (!existing.has(`${base}.recnb`)) return base;
  for (let i = 2; ; i++) if (!existing.has(`${base}-${i}.recnb`)) return `${base}-${i}`;
}
