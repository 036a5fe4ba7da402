import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useModels } from './use-model';
import { Icon } from './widgets';
import type { Workbench } from './workbench';

const LINE = 18;
/** Within this many pixels of the bottom counts as at the bottom (the log follows new lines). */
const BOTTOM_SLACK = 8;

/** The run whose log the panel shows: live runs first, then the latest recorded ones. */
export function RunPicker({ wb }: { wb: Workbench }) {
  useModels(wb.runLog, wb.liveRuns, wb.recentRuns);
  const live = wb.liveRuns.recordedRuns;
  const past = (wb.recentRuns.value?.runs ?? []).filter((r) => !live.some((l) => l.runId === r.id));
  const selected = wb.runLog.runId ?? '';
  const known = selected === '' || live.some((r) => r.runId === selected) || past.some((r) => r.id === selected);
  return (
    <select
      className="run-picker"
      aria-label="Run whose worker log is shown"
      title="Run whose worker log is shown"
      value={selected}
      disabled={!selected && live.length === 0 && past.length === 0}
      onChange={(e) => void wb.runLog.select(e.target.value || undefined, { pinned: true })}
    >
      {!selected && <option value="">No run</option>}
      {!known && <option value={selected}>{selected.slice(0, 8)}</option>}
      {live.length > 0 && (
        <optgroup label="Running">
          {live.map((r) => (
            <option key={r.runId} value={r.runId}>
              {r.name} · {r.runId.slice(0, 8)} (running)
            </option>
          ))}
        </optgroup>
      )}
      {past.length > 0 && (
        <optgroup label="Recent">
          {past.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name} · {r.id.slice(0, 8)} ({r.status.toLowerCase()})
            </option>
          ))}
        </optgroup>
      )}
    </select>
  );
}

/**
 * The chosen run's worker log, virtualised. It follows new lines while scrolled to the
 * bottom; scrolling up stops that (the lines stay put), scrolling back down resumes it.
 */
export function WorkerLogView({ wb }: { wb: Workbench }) {
  useModels(wb.runLog);
  const log = wb.runLog;
  const lines = log.lines;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [follow, setFollow] = useState(true);
  const programmatic = useRef(false);
  const virtual = useVirtualizer({ count: lines.length, getScrollElement: () => scrollRef.current, estimateSize: () => LINE, overscan: 20 });

  // A different run: start at its end, following.
  useEffect(() => {
    setFollow(true);
  }, [log.runId]);
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!follow || !el || lines.length === 0) return;
    programmatic.current = true;
    el.scrollTop = el.scrollHeight;
  }, [follow, lines.length, log.version]);

  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    if (programmatic.current) {
      programmatic.current = false;
      return;
    }
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight <= BOTTOM_SLACK;
    if (atBottom !== follow) setFollow(atBottom);
  };

  if (!log.runId) return <div className="panel-message muted">No run yet. Run a notebook and its worker's log appears here as it trains.</div>;
  return (
    <div className="worker-log">
      {log.error && (
        <div className="panel-message error">
          <Icon name="error" /> The log could not be read: {log.error}
        </div>
      )}
      {!log.loading && !log.error && lines.length === 0 && <div className="panel-message muted">This run has logged nothing yet.</div>}
      <div className="log-scroll" ref={scrollRef} onScroll={onScroll} role="log" aria-live="off" aria-label="Worker log" data-run={log.runId}>
        <div style={{ height: virtual.getTotalSize() + (log.dropped ? LINE : 0), position: 'relative', minWidth: '100%' }}>
          {log.dropped > 0 && <div className="log-line muted">… {log.dropped.toLocaleString('en-US')} earlier lines are in the run&apos;s log file</div>}
          {virtual.getVirtualItems().map((v) => (
            <div key={v.index} className={`log-line${/\b(error|failed|Error)\b/.test(lines[v.index]) ? ' log-error' : ''}`} style={{ transform: `translateY(${v.start + (log.dropped ? LINE : 0)}px)` }}>
              {lines[v.index]}
            </div>
          ))}
        </div>
      </div>
      {!follow && (
        <button type="button" className="log-follow button" onClick={() => setFollow(true)} title="Scroll to the end and follow new lines">
          <Icon name="arrow-down" /> Follow
        </button>
      )}
    </div>
  );
}
