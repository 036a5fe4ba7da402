import type { Problem } from '../workbench/services';
import type { CellData } from './cell-edits';
import type { NotebookDiagnostic } from './cell-validation';

/** The owner name of the notebook editor's problems in the ProblemsService. */
export const NOTEBOOK_PROBLEMS_OWNER = 'notebook';

/** How a message names a cell: `cell 5 (model)`, 1-based as the editor numbers them. */
export function cellLabel(cells: readonly CellData[], cellId: string): string {
  const i = cells.findIndex((c) => c.id === cellId);
  return i < 0 ? `cell '${cellId}'` : `cell ${i + 1} (${cells[i].kind})`;
}

/** The problems panel's entries for a notebook's diagnostics: each with its cell and position. */
export function notebookProblems(resource: string, cells: readonly CellData[], diagnostics: readonly NotebookDiagnostic[]): Problem[] {
  return diagnostics.map((d) => {
    const index = d.cellId === undefined ? -1 : cells.findIndex((c) => c.id === d.cellId);
    const p: Problem = { owner: NOTEBOOK_PROBLEMS_OWNER, resource, severity: d.severity, message: d.cellId === undefined ? d.message : `${cellLabel(cells, d.cellId)}: ${d.message}` };
    if (d.cellId !== undefined && index >= 0) {
      p.cellId = d.cellId;
      p.cellIndex = index + 1;
    }
    if (d.range) {
      p.line = d.range.startLine;
      p.column = d.range.startColumn;
    }
    return p;
  });
}

/**
 * Why the notebook cannot run now, naming the first cell with an error, or undefined when
 * it can. A preview parses the whole notebook too, so any error blocks every run.
 */
export function runBlocker(cells: readonly CellData[], diagnostics: readonly NotebookDiagnostic[], cellId?: string): string | undefined {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const own = cellId === undefined ? undefined : errors.find((d) => d.cellId === cellId);
  if (own) return `This cell has an error: ${own.message}`;
  const first = errors[0];
  if (!first) return undefined;
  return first.cellId === undefined ? `The notebook has an error: ${first.message}` : `${capitalise(cellLabel(cells, first.cellId))} has an error: ${first.message}`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
