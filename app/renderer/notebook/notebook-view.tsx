import { Fragment, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { OutputSection } from '../../../core/experiment';
import { DisposableStore } from '../../../core/util';
import type { WorkbenchServices } from '../workbench/services';
import { loadPlotly } from '../charts/plotly-loader';
import type { CellActions } from './cell-view';
import { CellView } from './cell-view';
import { outputCell } from './cell-sections';
import type { NotebookDiagnostic } from './cell-validation';
import type { SectionView } from './cell-outputs';
import { ConflictBar } from './conflict-bar';
import { InsertBar } from './insert-bar';
import { CommandModeKeys, handleRunKey } from './notebook-keys';
import { NOTEBOOK_PROBLEMS_OWNER, notebookProblems } from './notebook-problems';
import type { NotebookSession } from './notebook-session';
import { registerNotebookCommands } from './notebook-commands';
import { NotebookToolbar } from './notebook-toolbar';
import '@vscode/codicons/dist/codicon.css';
import './notebook.css';

const SECTIONS: readonly OutputSection[] = ['data', 'split', 'features', 'model', 'train', 'evaluate'];
const isMac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);

/** Re-renders on every change of the session (its models fire; React reads them). */
function useSessionVersion(session: NotebookSession): number {
  const version = useRef(0);
  return useSyncExternalStore(
    (notify) => {
      const sub = session.onDidChange(() => {
        version.current++;
        notify();
      });
      return () => sub.dispose();
    },
    () => version.current,
  );
}

/** The same array for the same diagnostics, so unchanged cells skip re-rendering as others are typed in. */
function useStableDiagnostics(diagnostics: readonly NotebookDiagnostic[]): (cellId: string) => readonly NotebookDiagnostic[] {
  const cache = useRef(new Map<string, { key: string; value: NotebookDiagnostic[] }>());
  return useMemo(() => {
    const byCell = new Map<string, NotebookDiagnostic[]>();
    for (const d of diagnostics) if (d.cellId) byCell.set(d.cellId, [...(byCell.get(d.cellId) ?? []), d]);
    return (cellId: string) => {
      const value = byCell.get(cellId) ?? [];
      const key = JSON.stringify(value);
      const hit = cache.current.get(cellId);
      if (hit && hit.key === key) return hit.value;
      cache.current.set(cellId, { key, value });
      return value;
    };
  }, [diagnostics]);
}

export interface NotebookViewProps {
  session: NotebookSession;
  services: WorkbenchServices;
  active: boolean;
  onDirtyChange(dirty: boolean): void;
}

/**
 * The notebook editor's body over an open session: toolbar, the bar for a change on disk,
 * the cells with their outputs, the notebook's keys (VS Code's command and edit modes),
 * its commands in the palette while its tab is active, and its problems in the panel.
 */
export function NotebookView({ session, services, active, onDirtyChange }: NotebookViewProps) {
  useSessionVersion(session);
  const { model, runs, saver } = session;
  const [cursor, setCursor] = useState<{ cellId: string; line: number; column: number } | undefined>();
  const keys = useMemo(() => new CommandModeKeys(session, Date.now, isMac), [session]);
  const path = session.path;

  useEffect(() => {
    const d = new DisposableStore();
    const report = () => services.problems.set(NOTEBOOK_PROBLEMS_OWNER, path, notebookProblems(path, model.cells, session.diagnostics));
    report();
    d.add(session.onDidChangeDiagnostics(report));
    d.add(session.onNotice((n) => services.notify(n)));
    d.add(model.onDidChangeDirty(onDirtyChange));
    d.add(
      services.problems.onDidReveal((p) => {
        if (p.resource !== path || !p.cellId) return;
        if (p.line !== undefined) setCursor({ cellId: p.cellId, line: p.line, column: p.column ?? 1 });
        session.select(p.cellId, true);
      }),
    );
    onDirtyChange(model.dirty);
    // Leaving the page within the autosave delay: save what is pending while the page can.
    const onHide = () => document.visibilityState === 'hidden' && void saver.flush();
    document.addEventListener('visibilitychange', onHide);
    return () => {
      document.removeEventListener('visibilitychange', onHide);
      d.dispose();
      services.problems.set(NOTEBOOK_PROBLEMS_OWNER, path, []);
    };
  }, [session, services, path]);

  useEffect(() => {
    // Plotly is big to parse: do it while the user reads the notebook, not when the first
    // progress events of a run arrive (they would wait behind it).
    const idle = window.requestIdleCallback ?? ((fn: () => void) => window.setTimeout(fn, 500));
    idle(() => void loadPlotly());
  }, []);

  useEffect(() => {
    if (!active) return;
    const d = registerNotebookCommands(services.commands, session);
    return () => d.dispose();
  }, [active, session, services]);

  const actions: CellActions = useMemo(
    () => ({
      select: (cellId, editing, at) => {
        setCursor(at ? { cellId, ...at } : undefined);
        session.select(cellId, editing);
      },
      setSource: (cellId, source) => session.setSource(cellId, source),
      run: (cellId) => {
        session.select(cellId, false);
        void session.runCell(cellId);
      },
      move: (cellId, delta) => session.moveCell(cellId, delta),
      remove: (cellId) => session.deleteCell(cellId),
      changeKind: (cellId, kind) => session.changeKind(cellId, kind),
      cancel: () => void session.cancel(),
      runKey: (k) => handleRunKey(session, k, isMac),
      escape: () => session.select(session.selection.cellId, false),
    }),
    [session],
  );

  const diagnosticsOf = useStableDiagnostics(session.diagnostics);
  const cells = model.cells;
  const sel = session.selection;
  const run = runs.run;

  // Which stages each cell shows, and their state.
  const sectionsByCell = new Map<string, SectionView[]>();
  for (const section of SECTIONS) {
    const state = runs.section(section);
    const cell = state && outputCell(cells, section);
    if (!state || !cell) continue;
    const live = run?.live && run.runId === state.runId && state.status === 'running' && section === 'train' ? run.progress : undefined;
    const view: SectionView = { section, state, preview: state.runId.startsWith('preview-'), output: runs.outputs[section], progress: live };
    sectionsByCell.set(cell.id, [...(sectionsByCell.get(cell.id) ?? []), view]);
  }
  const metric = evaluateMetric(cells);
  const stableSections = useStableSections(sectionsByCell);

  return (
    <div
      className="notebook-editor"
      data-path={path}
      onKeyDown={(e) => {
        const target = e.target as HTMLElement;
        if (sel.editing || target.closest('.monaco-editor, input, select, textarea, button')) return;
        if (keys.handle({ key: e.key, ctrl: e.ctrlKey, shift: e.shiftKey, alt: e.altKey, meta: e.metaKey })) {
          e.preventDefault();
          e.stopPropagation();
        }
      }}
    >
      <NotebookToolbar
        title={model.metadata.name ?? path}
        run={run}
        running={runs.running}
        runAllBlocker={session.runBlocker()}
        canUndo={model.canUndo}
        canRedo={model.canRedo}
        save={saver.state}
        dirty={model.dirty}
        onRunAll={() => void session.runAll()}
        onCancel={() => void session.cancel()}
        onUndo={() => session.undo()}
        onRedo={() => session.redo()}
        onInsert={(kind) => session.insertCell(kind, 'below')}
      />
      <ConflictBar state={saver.state} dirty={model.dirty} onReload={() => void saver.reload()} onKeepMine={() => void saver.keepMine()} onRetry={() => void saver.flush()} />
      {session.diagnostics.some((d) => !d.cellId) ? (
        <ul className="notebook-diagnostics">
          {session.diagnostics
            .filter((d) => !d.cellId)
            .map((d, i) => (
              <li key={i}>
                <span className="codicon codicon-error" aria-hidden /> {d.message}
              </li>
            ))}
        </ul>
      ) : null}
      <div className="notebook-cells">
        {cells.map((cell, index) => {
          const blocker = session.runBlocker(cell.id);
          const sections = stableSections(cell.id);
          return (
            <Fragment key={cell.id}>
              {index === 0 ? <InsertBar label="Add a cell at the top" onInsert={(kind) => session.insertCell(kind, 'above', cell.id)} /> : null}
              <CellView
                notebookPath={path}
                cell={cell}
                index={index}
                count={cells.length}
                selected={sel.cellId === cell.id}
                editing={sel.cellId === cell.id && sel.editing}
                cursor={cursor?.cellId === cell.id ? cursor : undefined}
                diagnostics={diagnosticsOf(cell.id)}
                runBlocker={blocker}
                running={sections.some((s) => s.state.status === 'running')}
                sections={sections}
                runs={runs}
                metric={metric}
                theme={services.theme}
                actions={actions}
              />
              <InsertBar label={`Add a cell below cell ${index + 1}`} onInsert={(kind) => session.insertCell(kind, 'below', cell.id)} />
            </Fragment>
          );
        })}
        {cells.length === 0 ? <div className="notebook-empty">This notebook has no cells yet: add one.</div> : null}
      </div>
    </div>
  );
}

/** The same array for the same section views (each view's objects are replaced only when they change). */
function useStableSections(byCell: Map<string, SectionView[]>): (cellId: string) => readonly SectionView[] {
  const cache = useRef(new Map<string, SectionView[]>());
  const empty = useRef<SectionView[]>([]).current;
  return (cellId) => {
    const next = byCell.get(cellId);
    if (!next) return empty;
    const prev = cache.current.get(cellId);
    const same = prev && prev.length === next.length && prev.every((v, i) => v.section === next[i].section && v.state === next[i].state && v.output === next[i].output && v.progress === next[i].progress);
    if (same) return prev;
    cache.current.set(cellId, next);
    return next;
  };
}

/** The metric the notebook optimises (the evaluate cell's `metric`), for the segment table. */
function evaluateMetric(cells: NotebookSession['model']['cells']): string | undefined {
  const cell = [...cells].reverse().find((c) => c.kind === 'evaluate');
  try {
    const m = cell ? (JSON.parse(cell.source) as { metric?: unknown }).metric : undefined;
    return typeof m === 'string' ? m : undefined;
  } catch {
    return undefined;
  }
}
