import { useEffect, useState } from 'react';
import type { SectionState } from '../run-state';
import { formatDuration } from './format';

/** Re-renders every `ms` while `on`: a running cell's clock. */
function useTick(on: boolean, ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!on) return;
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [on, ms]);
  return now;
}

/** ✓/✗ and the elapsed time under a cell, as VS Code shows them; a clock while it runs. */
export function CellStatus({ state, preview }: { state: SectionState; preview: boolean }) {
  const now = useTick(state.status === 'running');
  const what = preview ? 'preview' : 'run';
  switch (state.status) {
    case 'queued':
      return (
        <div className="cell-status queued" data-status="queued">
          <span className="codicon codicon-clock" aria-hidden /> Queued
        </div>
      );
    case 'running':
      return (
        <div className="cell-status running" data-status="running">
          <span className="codicon codicon-loading codicon-modifier-spin" aria-hidden /> Running{state.startedAt !== undefined ? ` · ${formatDuration(Math.max(0, now - state.startedAt))}` : ''}
        </div>
      );
    case 'succeeded':
      return (
        <div className="cell-status succeeded" data-status="succeeded" title={`Finished (${what} ${state.runId})`}>
          <span className="codicon codicon-check" aria-hidden /> {state.elapsedMs !== undefined ? formatDuration(state.elapsedMs) : 'Done'}
        </div>
      );
    case 'failed':
      return (
        <div className="cell-status failed" data-status="failed" title={`Failed (${what} ${state.runId})`}>
          <span className="codicon codicon-error" aria-hidden /> Failed{state.elapsedMs !== undefined ? ` after ${formatDuration(state.elapsedMs)}` : ''}
        </div>
      );
    case 'killed':
      return (
        <div className="cell-status killed" data-status="killed" title={`Cancelled (${what} ${state.runId})`}>
          <span className="codicon codicon-circle-slash" aria-hidden /> Cancelled: the run ended KILLED{state.elapsedMs !== undefined ? ` after ${formatDuration(state.elapsedMs)}` : ''}
        </div>
      );
  }
}

/** A failed stage's error under its cell: the message says what to do. */
export function CellError({ error }: { error: { code: string; message: string } }) {
  return (
    <div className="cell-error" role="alert">
      <span className="codicon codicon-error" aria-hidden />
      <div>
        <div className="cell-error-message">{error.message}</div>
        <div className="cell-error-code">{error.code}</div>
      </div>
    </div>
  );
}
