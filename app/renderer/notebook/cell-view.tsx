import { memo, useEffect, useRef } from 'react';
import { CELL_KINDS, type CellKind } from '../../../core/notebook';
import type { ThemeService } from '../workbench/services';
import type { CellData } from './cell-edits';
import { isConfigKind, runScopeOf } from './cell-sections';
import type { NotebookDiagnostic } from './cell-validation';
import { CellOutputs, type SectionView } from './cell-outputs';
import { MarkdownView } from './markdown-view';
import { MonacoCell } from './monaco/monaco-cell';
import type { KeyPress } from './notebook-keys';
import type { NotebookRunModel } from './run-state';
import { StaticCode } from './static-code';

export interface CellActions {
  select(cellId: string, editing: boolean, cursor?: { line: number; column: number }): void;
  setSource(cellId: string, source: string): void;
  run(cellId: string): void;
  move(cellId: string, delta: -1 | 1): void;
  remove(cellId: string): void;
  changeKind(cellId: string, kind: CellKind): void;
  cancel(): void;
  runKey(k: KeyPress): boolean;
  escape(): void;
}

export interface CellViewProps {
  notebookPath: string;
  cell: CellData;
  index: number;
  count: number;
  selected: boolean;
  editing: boolean;
  cursor?: { line: number; column: number };
  diagnostics: readonly NotebookDiagnostic[];
  /** Why it cannot run now (the run button is disabled and says so), or undefined. */
  runBlocker?: string;
  running: boolean;
  sections: readonly SectionView[];
  runs: NotebookRunModel;
  metric?: string;
  theme: ThemeService;
  actions: CellActions;
}

function runTitle(cell: CellData): string {
  if (!isConfigKind(cell.kind)) return 'Render (Ctrl+Enter)';
  const { until } = runScopeOf(cell.kind);
  return until ? `Run up to this cell: a preview of the stages up to ${until}, nothing recorded (Ctrl+Enter)` : 'Run the notebook: a recorded run (Ctrl+Enter)';
}

/**
 * One cell: its run button and status in the gutter, its kind and tools, its text (a
 * static coloured view, or Monaco while it is edited; markdown rendered), its problems,
 * and under it the run's status and outputs.
 */
/** Whether focus is nowhere in particular, or already in this notebook's editor. */
function focusIsOurs(cell: HTMLElement): boolean {
  const active = document.activeElement;
  if (!active || active === document.body) return true;
  const editor = cell.closest('.notebook-editor');
  return !!editor && editor.contains(active);
}

export const CellView = memo(function CellView(p: CellViewProps) {
  const { cell, actions } = p;
  const root = useRef<HTMLDivElement>(null);
  const errors = p.diagnostics.filter((d) => d.severity === 'error');

  useEffect(() => {
    // Command mode keeps the keyboard on the selected cell, but never takes it from another
    // part of the workbench (the palette typed into while the notebook was opening, the tree).
    if (p.selected && !p.editing && root.current && !root.current.contains(document.activeElement) && focusIsOurs(root.current)) {
      root.current.focus({ preventScroll: true });
      root.current.scrollIntoView({ block: 'nearest' });
    }
  }, [p.selected, p.editing]);

  const isMarkdown = cell.kind === 'markdown';
  const staticView = isMarkdown ? (
    <MarkdownView source={cell.source} onEdit={() => actions.select(cell.id, true)} />
  ) : (
    <StaticCode source={cell.source} diagnostics={p.diagnostics} onActivate={(at) => actions.select(cell.id, true, at)} />
  );
  const editor = p.editing ? (
    <MonacoCell
      key={`${cell.id}:${cell.kind}`}
      notebookPath={p.notebookPath}
      cellId={cell.id}
      kind={cell.kind}
      source={cell.source}
      diagnostics={p.diagnostics}
      theme={p.theme}
      cursor={p.cursor}
      onChange={(s) => actions.setSource(cell.id, s)}
      onRunKey={actions.runKey}
      onEscape={actions.escape}
      placeholder={isMarkdown ? <StaticCode source={cell.source} diagnostics={[]} /> : staticView}
    />
  ) : (
    staticView
  );

  const classes = ['cell', `cell-kind-${cell.kind}`, p.selected ? 'selected' : '', p.editing ? 'editing' : '', errors.length ? 'has-errors' : ''].filter(Boolean).join(' ');
  return (
    <div
      ref={root}
      className={classes}
      data-cell-id={cell.id}
      data-kind={cell.kind}
      tabIndex={-1}
      aria-label={`Cell ${p.index + 1}, ${cell.kind}`}
      onMouseDown={(e) => {
        if ((e.target as HTMLElement).closest('.cell-editor, button, select')) return;
        actions.select(cell.id, false);
      }}
    >
      <div className="cell-gutter">
        {isMarkdown && !p.editing ? null : (
          <button
            type="button"
            className="cell-run icon-button"
            disabled={!isMarkdown && (!!p.runBlocker || p.running)}
            title={isMarkdown ? 'Render (Ctrl+Enter)' : (p.runBlocker ?? runTitle(cell))}
            aria-label={`Run cell ${p.index + 1}`}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => actions.run(cell.id)}
          >
            <span className={`codicon ${p.running ? 'codicon-loading codicon-modifier-spin' : isMarkdown ? 'codicon-check' : 'codicon-play'}`} aria-hidden />
          </button>
        )}
        <div className="cell-index">{p.index + 1}</div>
      </div>
      <div className="cell-main">
        <div className="cell-header">
          <select className="cell-kind" value={cell.kind} aria-label="Cell kind" title="Change the cell's kind" onChange={(e) => actions.changeKind(cell.id, e.target.value as CellKind)}>
            {CELL_KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
          {errors.length ? (
            <span className="cell-error-count" title={errors.map((d) => d.message).join('\n')}>
              <span className="codicon codicon-error" aria-hidden /> {errors.length}
            </span>
          ) : null}
          <div className="cell-tools">
            <button type="button" className="icon-button" title="Move up" aria-label="Move cell up" disabled={p.index === 0} onClick={() => actions.move(cell.id, -1)}>
              <span className="codicon codicon-arrow-up" aria-hidden />
            </button>
            <button type="button" className="icon-button" title="Move down" aria-label="Move cell down" disabled={p.index === p.count - 1} onClick={() => actions.move(cell.id, 1)}>
              <span className="codicon codicon-arrow-down" aria-hidden />
            </button>
            <button type="button" className="icon-button" title="Delete cell (dd)" aria-label="Delete cell" onClick={() => actions.remove(cell.id)}>
              <span className="codicon codicon-trash" aria-hidden />
            </button>
          </div>
        </div>
        <div className="cell-editor">{editor}</div>
        {errors.length ? (
          <ul className="cell-diagnostics" aria-label="Problems in this cell">
            {errors.map((d, i) => (
              <li key={i} data-source={d.source}>
                <span className="codicon codicon-error" aria-hidden /> {d.message}
              </li>
            ))}
          </ul>
        ) : null}
        <CellOutputs sections={p.sections} runs={p.runs} metric={p.metric} onCancel={actions.cancel} theme={p.theme} />
      </div>
    </div>
  );
});
