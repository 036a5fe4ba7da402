import { parseNotebook, serializeNotebook, type Notebook } from '../../../core/notebook';
import { Emitter, type Disposable, type Event } from '../../../core/util';
import { applyCellEdits, type CellData, type CellEdit } from './cell-edits';

/** What changed: the edits as applied (for undo, the inverses), and why. */
export interface NotebookChange {
  edits: readonly CellEdit[];
  reason: 'edit' | 'undo' | 'redo' | 'reset';
}

interface UndoStep {
  edits: CellEdit[];
  inverses: CellEdit[];
  /** The document states before and after the step: dirty is "not the saved state". */
  before: number;
  after: number;
  /** A text step still taking keystrokes of this cell (see `applyEdits`' `mergeText`). */
  openTextCell?: string;
}

/**
 * The notebook document as the editor holds it, with no DOM: its cells (id, kind, source)
 * and metadata, edits as data, undo and redo of structure and text, and the dirty state.
 * Outputs are not part of it: they come from runs, and the file stays clean JSON.
 */
export class NotebookModel implements Disposable {
  private cellList: CellData[];
  private meta: Notebook['metadata'];
  private undoStack: UndoStep[] = [];
  private redoStack: UndoStep[] = [];
  private state = 0;
  private lastState = 0;
  private savedState = 0;

  private readonly _onDidChange = new Emitter<NotebookChange>();
  readonly onDidChange: Event<NotebookChange> = this._onDidChange.event;
  private readonly _onDidChangeDirty = new Emitter<boolean>();
  readonly onDidChangeDirty: Event<boolean> = this._onDidChangeDirty.event;

  constructor(notebook: Notebook) {
    this.cellList = notebook.cells.map(({ id, kind, source }) => ({ id, kind, source }));
    this.meta = notebook.metadata;
  }

  /** Parses `.recnb` text; throws core/notebook's InputError naming what is wrong. */
  static fromText(text: string, file: string): NotebookModel {
    return new NotebookModel(parseNotebook(text, file));
  }

  get cells(): readonly CellData[] {
    return this.cellList;
  }

  get metadata(): Notebook['metadata'] {
    return this.meta;
  }

  cell(id: string): CellData | undefined {
    return this.cellList.find((c) => c.id === id);
  }

  indexOf(id: string): number {
    return this.cellList.findIndex((c) => c.id === id);
  }

  /**
   * Applies edits as one undo step. `mergeText`: a source edit of the cell the previous
   * step also edited joins that step (typing is one step per editing spell, not per key),
   * until `stopTextMerge` or any other edit.
   */
  applyEdits(edits: readonly CellEdit[], opts: { mergeText?: boolean } = {}): void {
    if (edits.length === 0) return;
    const top = this.undoStack[this.undoStack.length - 1];
    const only = edits.length === 1 ? edits[0] : undefined;
    const merge = opts.mergeText && only?.type === 'source' && top?.openTextCell === only.cellId;
    const inverses = applyCellEdits(this.cellList, edits);
    const before = this.state;
    this.state = ++this.lastState;
    if (merge) {
      top.edits = [only];
      top.after = this.state;
    } else {
      for (const s of this.undoStack) s.openTextCell = undefined;
      this.undoStack.push({ edits: [...edits], inverses, before, after: this.state, openTextCell: opts.mergeText && only?.type === 'source' ? only.cellId : undefined });
    }
    this.redoStack = [];
    this.changed({ edits, reason: 'edit' }, before);
  }

  /** Ends the current typing spell: the next keystroke starts a new undo step. */
  stopTextMerge(): void {
    const top = this.undoStack[this.undoStack.length - 1];
    if (top) top.openTextCell = undefined;
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  undo(): boolean {
    const step = this.undoStack.pop();
    if (!step) return false;
    step.openTextCell = undefined;
    applyCellEdits(this.cellList, step.inverses);
    const was = this.state;
    this.state = step.before;
    this.redoStack.push(step);
    this.changed({ edits: step.inverses, reason: 'undo' }, was);
    return true;
  }

  redo(): boolean {
    const step = this.redoStack.pop();
    if (!step) return false;
    step.inverses = applyCellEdits(this.cellList, step.edits);
    const was = this.state;
    this.state = step.after;
    this.undoStack.push(step);
    this.changed({ edits: step.edits, reason: 'redo' }, was);
    return true;
  }

  /** Edits not yet saved (undoing back to the saved state makes it clean again). */
  get dirty(): boolean {
    return this.state !== this.savedState;
  }

  /** The document's current state: pass it to `markSaved` once that state is on disk. */
  get version(): number {
    return this.state;
  }

  /** Notes that `version` (default: now) is what the file holds. */
  markSaved(version = this.state): void {
    const was = this.dirty;
    this.savedState = version;
    if (was !== this.dirty) this._onDidChangeDirty.fire(this.dirty);
  }

  /** Replaces the document with `notebook` (a reload from disk): no undo across it, and clean. */
  reset(notebook: Notebook): void {
    const was = this.dirty;
    const removed: CellEdit[] = this.cellList.map((c) => ({ type: 'delete', cellId: c.id }));
    this.cellList = notebook.cells.map(({ id, kind, source }) => ({ id, kind, source }));
    this.meta = notebook.metadata;
    this.undoStack = [];
    this.redoStack = [];
    this.state = ++this.lastState;
    this.savedState = this.state;
    this._onDidChange.fire({ edits: [...removed, ...this.cellList.map((cell, index) => ({ type: 'insert' as const, index, cell }))], reason: 'reset' });
    if (was) this._onDidChangeDirty.fire(false);
  }

  toNotebook(): Notebook {
    return { format: 1, metadata: this.meta, cells: this.cellList.map(({ id, kind, source }) => ({ id, kind, source })) };
  }

  /** The file's text: two-space JSON, no outputs. */
  serialize(): string {
    return serializeNotebook(this.toNotebook());
  }

  /** An id no cell has: `c` and the next number, as the templates number theirs. */
  newCellId(): string {
    let max = 0;
    for (const c of this.cellList) {
      const m = /^c(\d+)$/.exec(c.id);
      if (m) max = Math.max(max, Number(m[1]));
    }
    let n = max + 1;
    while (this.cell(`c${n}`)) n++;
    return `c${n}`;
  }

  dispose(): void {
    this._onDidChange.dispose();
    this._onDidChangeDirty.dispose();
  }

  private changed(change: NotebookChange, stateBefore: number): void {
    this._onDidChange.fire(change);
    if ((stateBefore !== this.savedState) !== this.dirty) this._onDidChangeDirty.fire(this.dirty);
  }
}
