import type { Notebook } from '../../../core/notebook';
import { formatPath, SPEC_SECTIONS, specIssues, type SpecSection } from '../../../core/spec';
import type { CellData } from './cell-edits';
import { effectiveCells, isConfigKind } from './cell-sections';
import { locatePath, parseJsonWithPositions, type ParsedJson, type TextRange } from './json-locate';

/** One problem of the notebook: in a cell (with its place in the text when known), or of the whole. */
export interface NotebookDiagnostic {
  /** Absent: the notebook as a whole (a section no cell fills). */
  cellId?: string;
  severity: 'error' | 'warning';
  /** `json`: the cell's text is not JSON; `spec`: the engine's schema refuses a value. */
  source: 'json' | 'spec';
  /** Says what is wrong and, where it can, what to write: `model.dimm: unknown parameter 'dimm' ...`. */
  message: string;
  range?: TextRange;
}

const isSection = (s: PropertyKey): s is SpecSection => (SPEC_SECTIONS as readonly PropertyKey[]).includes(s);

/**
 * Checks every config cell as a run would: its JSON (syntax errors with line and
 * column), then the whole spec through core/spec (the same schemas and messages as
 * `reclab run`), each problem put on the cell its section comes from and, where the
 * path exists in the text, on the offending key. A cell that a later one of its kind
 * overrides is checked as its section on its own.
 */
export function validateNotebook(cells: readonly CellData[], metadata: Notebook['metadata'] = {}): NotebookDiagnostic[] {
  const out: NotebookDiagnostic[] = [];
  const parsed = new Map<string, ParsedJson>();
  for (const cell of cells) {
    if (!isConfigKind(cell.kind)) continue;
    if (cell.source.trim() === '') {
      out.push({ cellId: cell.id, severity: 'error', source: 'json', message: `the ${cell.kind} cell is empty: write its settings as a JSON object`, range: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 2 } });
      continue;
    }
    const p = parseJsonWithPositions(cell.source);
    parsed.set(cell.id, p);
    for (const e of p.errors) out.push({ cellId: cell.id, severity: 'error', source: 'json', message: `not valid JSON: ${e.message}`, range: e.range });
  }
  const valid = (c: CellData | undefined) => c !== undefined && parsed.get(c.id)?.errors.length === 0;
  const effective = effectiveCells(cells);
  const raw: Record<string, unknown> = { name: metadata.name, experiment: metadata.experiment, seed: metadata.seed, tags: metadata.tags };
  for (const [section, cell] of effective) if (valid(cell)) raw[section] = parsed.get(cell.id)!.value;

  const report = (cell: CellData, issue: { path: PropertyKey[]; message: string }) => {
    const range = locatePath(cell.source, parsed.get(cell.id)?.tree, issue.path.slice(1)) ?? { startLine: 1, startColumn: 1, endLine: 1, endColumn: 2 };
    out.push({ cellId: cell.id, severity: 'error', source: 'spec', message: `${formatPath(issue.path)}: ${issue.message}`, range });
  };
  for (const issue of specIssues(raw)) {
    const head = issue.path[0];
    if (head !== undefined && isSection(head)) {
      const cell = effective.get(head);
      if (cell && valid(cell)) report(cell, issue);
      else if (!cell) out.push({ severity: 'error', source: 'spec', message: `no ${head} cell: add one (${formatPath(issue.path)}: ${issue.message})` });
      // A cell whose JSON is broken has its syntax errors already; its section's absence is not news.
    } else {
      out.push({ severity: 'error', source: 'spec', message: `notebook metadata: ${formatPath(issue.path)}: ${issue.message}` });
    }
  }
  // Overridden cells: their own section, checked in the effective cells' company.
  for (const cell of cells) {
    if (!isConfigKind(cell.kind) || effective.get(cell.kind) === cell || !valid(cell)) continue;
    for (const issue of specIssues({ ...raw, [cell.kind]: parsed.get(cell.id)!.value })) if (issue.path[0] === cell.kind) report(cell, issue);
  }
  return out;
}

/** The errors of one cell, or of the notebook as a whole (`cellId` undefined). */
export function diagnosticsOf(diagnostics: readonly NotebookDiagnostic[], cellId: string | undefined): NotebookDiagnostic[] {
  return diagnostics.filter((d) => d.cellId === cellId);
}
