import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import type { LiveRunInfo } from '../../../core/workspace';
import type { RunSummary } from '../../common/api';
import { runResource } from '../runs/resources';
import { formatMetric, formatRelativeTime, percentOf, progressDetail } from './run-format';
import { ViewHeader, ViewMessage } from './side-bar';
import { useModels } from './use-model';
import { ActionButton, Icon } from './widgets';
import type { Workbench } from './workbench';

const ROW = 22;
/** The metric the runs list shows: the one the examples select on. */
export const LIST_METRIC = 'ndcg@10';

/** The time, moving every `ms` (relative times in lists). */
export function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

export const STATUS_ICONS: Record<RunSummary['status'], { icon: string; label: string; className: string }> = {
  RUNNING: { icon: 'sync', label: 'Running', className: 'status-running' },
  FINISHED: { icon: 'pass', label: 'Finished', className: 'status-finished' },
  FAILED: { icon: 'error', label: 'Failed', className: 'status-failed' },
  KILLED: { icon: 'circle-slash', label: 'Cancelled', className: 'status-killed' },
};

/** Runs: those going on now with their progress, then the latest recorded ones. */
export function RunsView({ wb }: { wb: Workbench }) {
  useModels(wb.liveRuns, wb.recentRuns);
  const [liveOpen, setLiveOpen] = useState(true);
  const [recentOpen, setRecentOpen] = useState(true);
  const live = wb.liveRuns.runs;
  const recent = wb.recentRuns.value;
  // A run going on now shows under Running only.
  const past = recent?.runs.filter((r) => !wb.liveRuns.get(r.id));
  return (
    <div className="view runs-view">
      <ViewHeader title="Runs" busy={wb.recentRuns.loading}>
        <ActionButton icon="table" title="Open Runs Explorer" onClick={() => void wb.commands.execute('runs.openExplorer')} />
        <ActionButton icon="refresh" title="Refresh" onClick={() => void wb.commands.execute('runs.refresh')} />
      </ViewHeader>
      <SectionHeader title="Running" count={live.length} open={liveOpen} onToggle={() => setLiveOpen(!liveOpen)} />
      {liveOpen && (
        <div className="runs-live" role="list" aria-label="Running">
          {live.length === 0 && <div className="view-message muted">No run is going on. Run a notebook (Run All) to train.</div>}
          {live.map((r) => (
            <LiveRunRow key={r.runId} wb={wb} run={r} />
          ))}
        </div>
      )}
      <SectionHeader title="Recent" count={past?.length} open={recentOpen} onToggle={() => setRecentOpen(!recentOpen)} />
      {recentOpen && (
        <>
          <ViewMessage loading={!recent && wb.recentRuns.loading} error={!recent ? wb.recentRuns.error : undefined} empty={!!past && past.length === 0}>
            No finished runs yet.
          </ViewMessage>
          {past && past.length > 0 && <RecentRuns wb={wb} runs={past} />}
        </>
      )}
    </div>
  );
}

function SectionHeader({ title, count, open, onToggle }: { title: string; count?: number; open: boolean; onToggle(): void }) {
  return (
    <button type="button" className="section-header" aria-expanded={open} onClick={onToggle}>
      <Icon name={open ? 'chevron-down' : 'chevron-right'} />
      <span className="section-title">{title}</span>
      {count !== undefined && count > 0 && <span className="count-badge">{count}</span>}
    </button>
  );
}

function LiveRunRow({ wb, run }: { wb: Workbench; run: LiveRunInfo }) {
  const pct = percentOf(run.progress);
  return (
    <div className="list-row live-run" role="listitem" data-run={run.runId} title={`${run.name}${run.notebook ? ` (${run.notebook})` : ''}: click to open`} onClick={() => wb.openRun(run)}>
      <Icon name="sync" spin className="status-running" />
      <div className="live-run-text">
        <span className="row-label">
          {run.name}
          {run.preview && <span className="muted"> (preview)</span>}
        </span>
        <span className="row-description">{progressDetail(run.progress)}</span>
        <div className="progress-track" aria-hidden>
          <div className={`progress-fill${pct === undefined ? ' indeterminate' : ''}`} style={pct === undefined ? undefined : { width: `${pct}%` }} />
        </div>
      </div>
      <div className="row-actions">
        <ActionButton icon="output" title="Show Worker Log" onClick={() => wb.showRunLog(run.runId)} />
        {!run.preview && <ActionButton icon="debug-stop" title="Cancel Run" onClick={() => void wb.cancelRun(run.runId)} />}
      </div>
    </div>
  );
}

function RecentRuns({ wb, runs }: { wb: Workbench; runs: RunSummary[] }) {
  const now = useNow(30_000);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: runs.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW, overscan: 10 });
  return (
    <div className="list-scroll" ref={scrollRef} role="list" aria-label="Recent runs">
      <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
        {virtual.getVirtualItems().map((v) => {
          const r = runs[v.index];
          const st = STATUS_ICONS[r.status];
          const metric = r.metrics[LIST_METRIC];
          return (
            <div
              key={r.id}
              role="listitem"
              className="list-row run-row"
              style={{ transform: `translateY(${v.start}px)`, height: ROW }}
              data-run={r.id}
              title={`${r.name} · ${st.label}${r.modelType ? ` · ${r.modelType}` : ''}${r.error ? `\n${r.error}` : ''}\n${new Date(r.startTime).toLocaleString()}\nClick to open its page`}
              onClick={() => wb.openEditor(runResource(r.id))}
            >
              <Icon name={st.icon} spin={r.status === 'RUNNING'} className={st.className} />
              <span className="row-label">{r.name}</span>
              <span className="run-metric" title={LIST_METRIC}>
                {metric !== undefined ? formatMetric(metric) : ''}
              </span>
              <span className="run-time">{formatRelativeTime(r.startTime, now)}</span>
              <div className="row-actions">
                <ActionButton icon="output" title="Show Worker Log" onClick={() => wb.showRunLog(r.id)} />
              </div>
            </div>
          );
        })}
      </div>
    </div>
  );
}
