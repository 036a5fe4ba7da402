import type { LiveRunInfo } from '../../../core/workspace';
import { percentOf, progressText } from './run-format';
import { useModels } from './use-model';
import { Icon } from './widgets';
import type { Workbench } from './workbench';

/** Live runs shown one by one; more are summed up in one item. */
const SHOWN_RUNS = 2;

/** The status bar: workspace, problems and running jobs on the left; connection and backend on the right. */
export function StatusBar({ wb }: { wb: Workbench }) {
  useModels(wb.info, wb.problems, wb.liveRuns, wb.connection);
  const info = wb.info.value;
  const counts = wb.problems.counts();
  const live = wb.liveRuns.runs;
  const shown = live.slice(-SHOWN_RUNS);
  const more = live.length - shown.length;
  const conn = wb.connection.connected;
  return (
    <footer className={`statusbar${conn === false ? ' offline' : ''}`} aria-label="Status bar">
      <div className="statusbar-left">
        <span className="status-item" title={info ? `Workspace: ${info.workspace}` : 'Workspace'} data-status="workspace">
          <Icon name="folder" />
          {info ? info.workspaceName : wb.info.error ? 'no workspace' : '…'}
        </span>
        <button type="button" className="status-item" title={`Problems: ${counts.errors} errors, ${counts.warnings} warnings`} onClick={() => wb.layout.togglePanelTab('problems')} data-status="problems">
          <Icon name="error" /> {counts.errors} <Icon name="warning" /> {counts.warnings}
        </button>
        {shown.map((r) => (
          <RunItem key={r.runId} wb={wb} run={r} />
        ))}
        {more > 0 && (
          <button type="button" className="status-item" onClick={() => wb.layout.showView('runs')} title="Show all running runs">
            +{more} more running
          </button>
        )}
      </div>
      <div className="statusbar-right">
        {conn === false && (
          <span
            className="status-item status-offline"
            role="status"
            data-status="connection"
            title={
              wb.connection.refused
                ? 'RecLab\'s server was restarted: open the URL that `reclab serve` printed.'
                : "The connection to RecLab's server dropped; reconnecting. Nothing is lost: runs go on in their workers."
            }
          >
            <Icon name="debug-disconnect" /> {wb.connection.refused ? 'Disconnected: server restarted' : 'Disconnected: reconnecting…'}
          </span>
        )}
        {info && (
          <span className="status-item" title={`TensorFlow.js backend of the training workers${info.backend === 'cpu' ? ' (slow: neither tfjs-node nor the wasm backend is installed)' : ''}`} data-status="backend">
            <Icon name="server-process" /> tfjs: {info.backend}
          </span>
        )}
      </div>
    </footer>
  );
}

function RunItem({ wb, run }: { wb: Workbench; run: LiveRunInfo }) {
  const pct = percentOf(run.progress);
  const text = progressText(run.name, run.progress);
  return (
    <button type="button" className="status-item status-run" data-status="run" data-run={run.runId} title={`${text}\n${run.notebook ? `Click to open ${run.notebook}` : 'Click to show its log'}`} onClick={() => wb.openRun(run)}>
      <Icon name="sync" spin />
      <span className="status-progress" aria-hidden>
        <span className={`status-progress-fill${pct === undefined ? ' indeterminate' : ''}`} style={pct === undefined ? undefined : { width: `${pct}%` }} />
      </span>
      <span className="status-run-text">{text}</span>
    </button>
  );
}
