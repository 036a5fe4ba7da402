import type { CellKind } from '../../../core/notebook';
import type { SaveState } from './notebook-saver';
import type { RunInfo } from './run-state';
import { formatDuration } from './outputs/format';
import { InsertBar } from './insert-bar';

export interface NotebookToolbarProps {
  title: string;
  run?: RunInfo;
  running: boolean;
  runAllBlocker?: string;
  canUndo: boolean;
  canRedo: boolean;
  save: SaveState;
  dirty: boolean;
  onRunAll(): void;
  onCancel(): void;
  onUndo(): void;
  onRedo(): void;
  onInsert(kind: CellKind): void;
}

function saveLabel(save: SaveState, dirty: boolean): string {
  switch (save.kind) {
    case 'saving':
      return 'Saving…';
    case 'pending':
      return 'Unsaved changes';
    case 'conflict':
      return 'Not saved: changed on disk';
    case 'error':
      return 'Not saved';
    default:
      return dirty ? 'Unsaved changes' : 'Saved';
  }
}

function runLabel(run: RunInfo | undefined): string {
  if (!run) return '';
  const what = run.preview ? `Preview up to ${run.until}` : `Run ${run.runId.slice(0, 8)}`;
  if (run.status === 'RUNNING') {
    const p = run.progress;
    const pct = p?.fraction !== undefined ? ` ${(p.fraction * 100).toFixed(0)} %` : '';
    const eta = p?.etaSeconds !== undefined ? ` · ETA ${formatDuration(p.etaSeconds * 1000)}` : '';
    return `${what}: ${p?.phase ?? 'starting'}${pct}${eta}`;
  }
  const took = run.endedAt !== undefined && run.live === false && run.endedAt > run.startedAt ? ` in ${formatDuration(run.endedAt - run.startedAt)}` : '';
  return `${what}: ${run.status}${took}`;
}

/** The notebook's toolbar: Run All / Cancel, add a cell, undo/redo, the latest run, the save state. */
export function NotebookToolbar(p: NotebookToolbarProps) {
  return (
    <div className="notebook-toolbar" role="toolbar" aria-label="Notebook">
      {p.running ? (
        <button type="button" className="button secondary" onClick={p.onCancel} aria-label="Cancel the run">
          <span className="codicon codicon-debug-stop" aria-hidden /> Cancel
        </button>
      ) : (
        <button type="button" className="button" onClick={p.onRunAll} disabled={!!p.runAllBlocker} title={p.runAllBlocker ?? 'Run the whole notebook: a recorded run'} aria-label="Run All">
          <span className="codicon codicon-run-all" aria-hidden /> Run All
        </button>
      )}
      <InsertBar label="Add a cell below the selected one" onInsert={p.onInsert} />
      <button type="button" className="icon-button" onClick={p.onUndo} disabled={!p.canUndo} title="Undo (z in command mode)" aria-label="Undo">
        <span className="codicon codicon-discard" aria-hidden />
      </button>
      <button type="button" className="icon-button" onClick={p.onRedo} disabled={!p.canRedo} title="Redo (Shift+Z in command mode)" aria-label="Redo">
        <span className="codicon codicon-redo" aria-hidden />
      </button>
      <span className="notebook-run-label" data-run-status={p.run?.status}>
        {runLabel(p.run)}
      </span>
      <span className="notebook-save-state" data-save-state={p.save.kind}>
        {saveLabel(p.save, p.dirty)}
      </span>
    </div>
  );
}
