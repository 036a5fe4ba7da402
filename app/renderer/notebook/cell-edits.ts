import type { CellKind } from '../../../core/notebook';

/** One cell as the editor holds it: outputs live with the run, never in the document. */
export interface CellData {
  readonly id: string;
  readonly kind: CellKind;
  readonly source: string;
}

/**
 * An edit of the notebook's cells, as data (VS Code's `ICellEditOperation`): the model
 * applies a list of them as one step, and undo applies their inverses.
 */
export type CellEdit =
  | { type: 'insert'; index: number; cell: CellData }
  | { type: 'delete'; cellId: string }
  | { type: 'move'; cellId: string; to: number }
  | { type: 'source'; cellId: string; source: string }
  | { type: 'kind'; cellId: string; kind: CellKind };

/** A broken invariant of the editor (a bug), never a user's mistake. */
export class CellEditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CellEditError';
  }
}

function indexOf(cells: readonly CellData[], id: string): number {
  const i = cells.findIndex((c) => c.id === id);
  if (i < 0) throw new CellEditError(`No cell '${id}' in the notebook.`);
  return i;
}

/**
 * Applies one edit to `cells` in place and returns the edit that undoes it. Throws
 * CellEditError for an edit that cannot apply (an unknown cell, an index out of range,
 * a duplicate id): the model's callers build edits from what they show.
 */
export function applyCellEdit(cells: CellData[], edit: CellEdit): CellEdit {
  switch (edit.type) {
    case 'insert': {
      if (edit.index < 0 || edit.index > cells.length) throw new CellEditError(`Cannot insert at ${edit.index}: the notebook has ${cells.length} cells.`);
      if (cells.some((c) => c.id === edit.cell.id)) throw new CellEditError(`A cell '${edit.cell.id}' exists already.`);
      cells.splice(edit.index, 0, { ...edit.cell });
      return { type: 'delete', cellId: edit.cell.id };
    }
    case 'delete': {
      const i = indexOf(cells, edit.cellId);
      const [cell] = cells.splice(i, 1);
      return { type: 'insert', index: i, cell };
    }
    case 'move': {
      const from = indexOf(cells, edit.cellId);
      if (edit.to < 0 || edit.to >= cells.length) throw new CellEditError(`Cannot move to ${edit.to}: the notebook has ${cells.length} cells.`);
      const [cell] = cells.splice(from, 1);
      cells.splice(edit.to, 0, cell);
      return { type: 'move', cellId: edit.cellId, to: from };
    }
    case 'source': {
      const i = indexOf(cells, edit.cellId);
      const before = cells[i].source;
      cells[i] = { ...cells[i], source: edit.source };
      return { type: 'source', cellId: edit.cellId, source: before };
    }
    case 'kind': {
      const i = indexOf(cells, edit.cellId);
      const before = cells[i].kind;
      cells[i] = { ...cells[i], kind: edit.kind };
      return { type: 'kind', cellId: edit.cellId, kind: before };
    }
  }
}

/** Applies edits in order; returns their inverses in the order that undoes them. */
export function applyCellEdits(cells: CellData[], edits: readonly CellEdit[]): CellEdit[] {
  const inverses: CellEdit[] = [];
  try {
    for (const e of edits) {
      inverses.unshift(applyCellEdit(cells, e));
    }
  } catch (err) {
    // All or nothing: put back what the failed step had changed.
    for (const inv of inverses) applyCellEdit(cells, inv);
    throw err;
  }
  return inverses;
}
