import type { ApiClient } from '../../common/api';
import type { CellKind } from '../../../core/notebook';
import { DisposableStore, Emitter, toDisposable, type Disposable, type Event } from '../../../core/util';
import type { CellData } from './cell-edits';
import { defaultSource, isConfigKind, runScopeOf } from './cell-sections';
import { validateNotebook, type NotebookDiagnostic } from './cell-validation';
import { NotebookModel } from './notebook-model';
import { runBlocker } from './notebook-problems';
import { NotebookSaver, type SaverOptions } from './notebook-saver';
import { NotebookRunModel } from './run-state';

/** Which cell is selected, and whether its text is being edited (edit mode) or not (command mode). */
export interface NotebookSelection {
  cellId: string | undefined;
  editing: boolean;
}

/** A refusal or a failure to tell the user (the editor shows it through `notify`). */
export interface SessionNotice {
  severity: 'info' | 'warning' | 'error';
  message: string;
}

/**
 * One open notebook: the document, its autosave, its run state, its diagnostics and the
 * selection, with the actions the editor's buttons, keys and commands call. Plain
 * TypeScript over the API client: the React view renders it and sends actions back.
 */
export class NotebookSession implements Disposable {
  readonly runs = new NotebookRunModel();
  private diags: NotebookDiagnostic[] = [];
  private sel: NotebookSelection = { cellId: undefined, editing: false };
  private starting = false;
  private readonly disposables = new DisposableStore();

  private readonly _onDidChange = new Emitter<void>();
  /** Anything the view shows changed (cells, diagnostics, selection, save or run state). */
  readonly onDidChange: Event<void> = this._onDidChange.event;
  private readonly _onDidChangeDiagnostics = new Emitter<readonly NotebookDiagnostic[]>();
  readonly onDidChangeDiagnostics: Event<readonly NotebookDiagnostic[]> = this._onDidChangeDiagnostics.event;
  private readonly _onNotice = new Emitter<SessionNotice>();
  readonly onNotice: Event<SessionNotice> = this._onNotice.event;

  private constructor(
    private readonly api: ApiClient,
    readonly path: string,
    readonly model: NotebookModel,
    readonly saver: NotebookSaver,
  ) {
    this.disposables.add(this.runs);
    this.disposables.add(model);
    this.disposables.add(saver);
    this.disposables.add(
      model.onDidChange(() => {
        this.validate();
        if (this.sel.cellId && !model.cell(this.sel.cellId)) this.sel = { cellId: model.cells[0]?.id, editing: false };
        this._onDidChange.fire();
      }),
    );
    this.disposables.add(saver.onDidChangeState(() => this._onDidChange.fire()));
    this.disposables.add(this.runs.onDidChange(() => this._onDidChange.fire()));
    this.disposables.add(toDisposable(api.on('run.progress', (e) => this.runs.onProgress(e))));
    this.disposables.add(toDisposable(api.on('run.output', (e) => this.runs.onOutput(e))));
    this.disposables.add(toDisposable(api.on('run.finished', (e) => this.runs.onFinished(e))));
    this.validate();
    this.sel = { cellId: model.cells[0]?.id, editing: false };
  }

  /** Reads the notebook, its last recorded run and any run of it going on now. */
  static async open(api: ApiClient, path: string, saverOptions?: SaverOptions): Promise<NotebookSession> {
    const file = await api.call('notebooks.read', { path });
    const model = NotebookModel.fromText(file.text, path);
    const session = new NotebookSession(api, path, model, new NotebookSaver(api, path, model, file.etag, saverOptions));
    try {
      const [last, live] = await Promise.all([api.call('notebooks.lastRun', { path }), api.call('runs.live', {})]);
      const running = live.find((r) => r.notebook === path);
      if (running) {
        const outputs = await api.call('runs.outputs', { runId: running.runId }).catch(() => ({}));
        const keys = ['train/loss', `valid/${validationMetric(model)}`];
        const series = running.preview ? undefined : (await api.call('runs.series', { runIds: [running.runId], keys, maxPoints: 2000 }).catch(() => undefined))?.series[running.runId];
        session.runs.adopt(running, outputs, series);
      } else if (last) session.runs.load(last);
    } catch (e) {
      // The notebook opens without its outputs rather than not at all.
      session._onNotice.fire({ severity: 'warning', message: `Could not read the notebook's last run: ${(e as Error).message}` });
    }
    return session;
  }

  get diagnostics(): readonly NotebookDiagnostic[] {
    return this.diags;
  }

  get selection(): NotebookSelection {
    return this.sel;
  }

  // ---- selection and modes

  select(cellId: string | undefined, editing = false): void {
    if (this.sel.cellId === cellId && this.sel.editing === editing) return;
    if (this.sel.editing && (this.sel.cellId !== cellId || !editing)) this.model.stopTextMerge();
    this.sel = { cellId, editing };
    this._onDidChange.fire();
  }

  /** J/K and the arrows in command mode: the next (+1) or previous (-1) cell. */
  selectRelative(delta: number): void {
    const i = this.selectedIndex();
    const next = this.model.cells[Math.min(this.model.cells.length - 1, Math.max(0, i + delta))];
    if (next) this.select(next.id, false);
  }

  // ---- edits

  insertCell(kind: CellKind, where: 'above' | 'below', relativeTo = this.sel.cellId): string {
    const at = relativeTo === undefined ? -1 : this.model.indexOf(relativeTo);
    const index = at < 0 ? (where === 'above' ? 0 : this.model.cells.length) : where === 'above' ? at : at + 1;
    const cell: CellData = { id: this.model.newCellId(), kind, source: defaultSource(kind) };
    this.model.applyEdits([{ type: 'insert', index, cell }]);
    this.select(cell.id, true);
    return cell.id;
  }

  deleteCell(cellId = this.sel.cellId): void {
    if (cellId === undefined || !this.model.cell(cellId)) return;
    const i = this.model.indexOf(cellId);
    this.model.applyEdits([{ type: 'delete', cellId }]);
    const next = this.model.cells[Math.min(i, this.model.cells.length - 1)];
    this.select(next?.id, false);
  }

  moveCell(cellId: string | undefined, delta: -1 | 1): void {
    if (cellId === undefined) return;
    const i = this.model.indexOf(cellId);
    const to = i + delta;
    if (i < 0 || to < 0 || to >= this.model.cells.length) return;
    this.model.applyEdits([{ type: 'move', cellId, to }]);
  }

  changeKind(cellId: string, kind: CellKind): void {
    const cell = this.model.cell(cellId);
    if (!cell || cell.kind === kind) return;
    this.model.applyEdits([{ type: 'kind', cellId, kind }]);
  }

  /** Text typed into a cell: one undo step per editing spell. */
  setSource(cellId: string, source: string): void {
    if (this.model.cell(cellId)?.source === source) return;
    this.model.applyEdits([{ type: 'source', cellId, source }], { mergeText: true });
  }

  undo(): void {
    this.model.undo();
  }

  redo(): void {
    this.model.redo();
  }

  // ---- runs

  /** Why this cell (or, with no cell, the notebook) cannot run now, or undefined when it can. */
  runBlocker(cellId?: string): string | undefined {
    if (this.runs.running || this.starting) return 'A run of this notebook is going on: wait for it to end or cancel it.';
    return runBlocker(this.model.cells, this.diags, cellId);
  }

  /**
   * Runs a cell: a data, split, features or model cell previews the stages up to its own
   * (nothing is recorded); a train or evaluate cell runs the whole notebook, recorded. A
   * markdown cell just leaves edit mode. Refusals are told through `onNotice`.
   */
  async runCell(cellId = this.sel.cellId): Promise<string | undefined> {
    const cell = cellId === undefined ? undefined : this.model.cell(cellId);
    if (!cell) return undefined;
    if (!isConfigKind(cell.kind)) {
      this.select(cell.id, false);
      return undefined;
    }
    return this.start(runScopeOf(cell.kind).until, cell.id);
  }

  /** Run All: the whole notebook as a recorded run. */
  async runAll(): Promise<string | undefined> {
    return this.start(undefined, undefined);
  }

  async cancel(): Promise<boolean> {
    const run = this.runs.run;
    if (!run || !this.runs.running) return false;
    try {
      return (await this.api.call('runs.cancel', { runId: run.runId })).cancelled;
    } catch (e) {
      this._onNotice.fire({ severity: 'error', message: `Could not cancel the run: ${(e as Error).message}` });
      return false;
    }
  }

  dispose(): void {
    this.disposables.dispose();
    this._onDidChange.dispose();
    this._onDidChangeDiagnostics.dispose();
    this._onNotice.dispose();
  }

  private async start(until: Parameters<NotebookRunModel['start']>[2], cellId: string | undefined): Promise<string | undefined> {
    const blocked = this.runBlocker(cellId);
    if (blocked) {
      this._onNotice.fire({ severity: 'error', message: blocked });
      return undefined;
    }
    this.starting = true;
    this._onDidChange.fire();
    try {
      const { runId, preview } = await this.api.call('runs.start', { notebook: this.model.serialize(), path: this.path, ...(until ? { until } : {}) });
      this.runs.start(runId, preview, until);
      return runId;
    } catch (e) {
      this._onNotice.fire({ severity: 'error', message: `The run did not start: ${(e as Error).message}` });
      return undefined;
    } finally {
      this.starting = false;
      this._onDidChange.fire();
    }
  }

  private selectedIndex(): number {
    return this.sel.cellId === undefined ? -1 : this.model.indexOf(this.sel.cellId);
  }

  private validate(): void {
    this.diags = validateNotebook(this.model.cells, this.model.metadata);
    this._onDidChangeDiagnostics.fire(this.diags);
  }
}

/** The metric early stopping watches (`valid/<metric>` series): the evaluate cell's, else the engine's default. */
function validationMetric(model: NotebookModel): string {
  const cell = [...model.cells].reverse().find((c) => c.kind === 'evaluate');
  try {
    const metric = cell ? (JSON.parse(cell.source) as { metric?: unknown }).metric : undefined;
    return typeof metric === 'string' ? metric : 'ndcg@10';
  } catch {
    return 'ndcg@10';
  }
}
