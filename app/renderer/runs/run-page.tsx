import { useCallback, useEffect, useRef, useState } from 'react';
import type { RunRecord, SeriesPoint } from '../../../core/runs';
import type { RunMetricPoint } from '../../../core/experiment';
import type { Disposable } from '../../../core/util';
import type { RunProgressEvent } from '../../../core/workspace';
import type { AppInfo } from '../../common/api';
import { LiveLineChart, type ChartPoint, type EventTimes } from '../charts/live-line-chart';
import type { EditorProps } from '../workbench/editor-registry';
import { formatDuration, formatMetric, progressDetail } from '../workbench/run-format';
import { STATUS_ICONS } from '../workbench/runs-view';
import type { WorkbenchServices } from '../workbench/services';
import { ActionButton, Icon } from '../workbench/widgets';
import { appInfo, ExportPanel } from './export-panel';
import { RenameInput } from './rename-input';
import { runIdOf, runResource } from './resources';
import { SYSTEM_TAG_PREFIX } from './runs-table-model';
import './runs.css';

const CHART_POINTS = 1500;
const NOTEBOOK_TAG = 'reclab.notebook';

interface PageData {
  run: RunRecord;
  log: string[];
}

/** Where an artifact is, relative to the workspace folder when it is inside it. */
function relativeTo(root: string | undefined, p: string): string {
  if (!root) return p;
  const r = root.endsWith('/') || root.endsWith('\\') ? root : root + (root.includes('\\') ? '\\' : '/');
  return p.startsWith(r) ? p.slice(r.length).split('\\').join('/') : p;
}

/** An artifact as named inside the run's artifact folder (its whole path on hover). */
function artifactName(runId: string, p: string): string {
  const norm = p.split('\\').join('/');
  const at = norm.indexOf(`/artifacts/${runId}/`);
  return at >= 0 ? norm.slice(at + `/artifacts/${runId}/`.length) : norm;
}

/** A free workspace file name for a notebook restored from a run. */
function restoredName(run: RunRecord, existing: ReadonlySet<string>): string {
  const base = (run.tags[NOTEBOOK_TAG]?.split('/').pop()?.replace(/\.recnb$/, '') || run.name).replace(/[\\/:*?"<>|]+/g, '-');
  const stem = `${base}-${run.id.slice(0, 8)}`;
  if (!existing.has(`${stem}.recnb`)) return `${stem}.recnb`;
  for (let i = 2; ; i++) if (!existing.has(`${stem}-${i}.recnb`)) return `${stem}-${i}.recnb`;
}

/** A run's page (`reclab:run/<id>`): what it was, how it went, what it produced. */
export function RunPage({ resource, services }: EditorProps) {
  const runId = runIdOf(resource) ?? '';
  const [data, setData] = useState<PageData | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [info, setInfo] = useState<AppInfo | undefined>();
  const [progress, setProgress] = useState<RunProgressEvent | undefined>();
  const [exporting, setExporting] = useState(false);
  const [renaming, setRenaming] = useState(false);

  const keysSeen = useRef(new Set<string>());
  const reloading = useRef(false);
  const load = useCallback(async () => {
    try {
      const [run, log] = await Promise.all([services.api.call('runs.get', { runId }), services.api.call('runs.log', { runId }).catch(() => [] as string[])]);
      keysSeen.current = new Set(Object.keys(run.latestMetrics));
      setData({ run, log });
      setError(undefined);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [services, runId]);

  useEffect(() => {
    void load();
    void appInfo(services).then(setInfo, () => undefined);
    const offs = [
      services.api.on('runs.changed', (e) => e.runIds.includes(runId) && void load()),
      services.api.on('run.finished', (e) => e.runId === runId && (setProgress(undefined), void load())),
      services.api.on('run.progress', (p) => {
        if (p.runId !== runId) return;
        setProgress(p);
        // A key the page has not seen yet (the first metric of a run, a validation metric after the first epoch): read the run again, once.
        if (!reloading.current && p.points.some((pt) => !keysSeen.current.has(pt.key))) {
          reloading.current = true;
          void load().finally(() => (reloading.current = false));
        }
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [services, runId, load]);

  if (error) return <div className="run-page view-message error">Could not read run {runId}: {error}</div>;
  if (!data) return <div className="run-page view-message muted">Reading run {runId}…</div>;
  const { run, log } = data;
  const st = STATUS_ICONS[run.status];
  const notebookArtifact = run.artifacts.find((a) => a.kind === 'notebook');

  /** The notebook as it was run (its copy in the run's artifact folder). */
  const notebookText = async (): Promise<string | undefined> => {
    if (!notebookArtifact) return undefined;
    const { workspace } = await appInfo(services);
    return (await services.api.call('notebooks.read', { path: relativeTo(workspace, notebookArtifact.path) })).text;
  };
  const restore = async () => {
    try {
      const text = await notebookText();
      if (text === undefined) return;
      const existing = new Set((await services.api.call('notebooks.list', {})).map((n) => n.path));
      const file = restoredName(run, existing);
      await services.api.call('notebooks.save', { path: file, text });
      await services.commands.execute('notebooks.refresh').catch(() => undefined);
      services.openEditor(file);
    } catch (e) {
      services.notify({ severity: 'error', message: `Could not restore the notebook: ${(e as Error).message}` });
    }
  };
  const runAgain = async () => {
    try {
      const text = await notebookText();
      if (text === undefined) return;
      const notebook = run.tags[NOTEBOOK_TAG];
      const started = await services.api.call('runs.start', { notebook: text, ...(notebook ? { path: notebook } : {}) });
      services.openEditor(runResource(started.runId));
    } catch (e) {
      services.notify({ severity: 'error', message: `Could not run it again: ${(e as Error).message}` });
    }
  };

  const duration = ((run.endTime ?? Date.now()) - run.startTime) / 1000;
  return (
    <div className="run-page" tabIndex={-1} data-run={run.id} data-status={run.status} onKeyDown={(e) => e.key === 'F2' && !renaming && setRenaming(true)}>
      <header className="run-header">
        <Icon name={st.icon} spin={run.status === 'RUNNING'} className={st.className} title={st.label} />
        <RunName services={services} run={run} editing={renaming} setEditing={setRenaming} />
        <span className="muted run-id" title="Run id">
          {run.id}
        </span>
        <div className="run-actions">
          <button type="button" className="button secondary" disabled={!notebookArtifact} onClick={() => void restore()} title={notebookArtifact ? 'Restore the notebook this run was made from into a new workspace file' : 'This run was not made from a notebook'} data-action="open-notebook">
            <Icon name="notebook" /> Open as Notebook
          </button>
          <button type="button" className="button secondary" disabled={!notebookArtifact || run.status === 'RUNNING'} onClick={() => void runAgain()} title="Start a new run of the same notebook" data-action="run-again">
            <Icon name="debug-rerun" /> Run Again
          </button>
          <button type="button" className="button" disabled={run.status !== 'FINISHED'} onClick={() => setExporting(!exporting)} title={run.status === 'FINISHED' ? 'Export the model, its recommendations, metrics and embeddings' : 'Only a finished run can be exported'} data-action="export-open">
            <Icon name="export" /> Export…
          </button>
        </div>
      </header>
      <div className="run-summary">
        <span>
          {st.label}
          {progress && run.status === 'RUNNING' && `: ${progressDetail(progress)}`}
        </span>
        <span>experiment {run.experiment}</span>
        <span>started {new Date(run.startTime).toLocaleString()}</span>
        <span>{run.status === 'RUNNING' ? 'running for' : 'took'} {formatDuration(duration)}</span>
      </div>
      {run.error && <div className="runs-form-error run-error">{run.error}</div>}
      {exporting && <ExportPanel services={services} runId={run.id} runName={run.name} onClose={() => setExporting(false)} />}
      <div className="run-grid">
        <Section title="Final metrics">
          <MetricsTable metrics={run.finalMetrics} />
        </Section>
        <Section title="Series">
          <SeriesChart services={services} run={run} />
        </Section>
        <Section title="Params">
          <KeyValues values={run.params} empty="No params recorded." />
        </Section>
        <Section title="Environment">
          <KeyValues
            values={{
              backend: run.backend ?? '',
              'app version': run.appVersion ?? '',
              host: run.host ?? '',
              seed: run.seed === undefined ? '' : String(run.seed),
              'protocol fingerprint': run.fingerprint ?? '',
              ...Object.fromEntries(Object.entries(run.datasetStats ?? {}).map(([k, v]) => [`dataset ${k}`, typeof v === 'object' ? JSON.stringify(v) : String(v)])),
            }}
            empty=""
          />
        </Section>
        <Section title="Tags and notes">
          <TagsEditor services={services} run={run} />
          <NotesEditor services={services} run={run} />
        </Section>
        <Section title="Artifacts">
          {run.artifacts.length === 0 ? (
            <div className="muted">No artifacts.</div>
          ) : (
            <ul className="artifact-list">
              {run.artifacts.map((a) => (
                <li key={a.path}>
                  <Icon name={a.kind === 'bundle' || a.kind === 'model' ? 'package' : 'file'} /> <code title={relativeTo(info?.workspace, a.path)}>{artifactName(run.id, a.path)}</code> <span className="muted">{a.kind} · {a.size.toLocaleString('en-US')} B</span>
                </li>
              ))}
            </ul>
          )}
        </Section>
        <Section title="Spec" wide>
          <pre className="run-spec">{JSON.stringify(run.spec, null, 2)}</pre>
        </Section>
        <Section title="Worker log" wide>
          <pre className="run-log">{log.length ? log.join('\n') : 'No log.'}</pre>
        </Section>
      </div>
    </div>
  );
}

function Section({ title, wide, children }: { title: string; wide?: boolean; children: React.ReactNode }) {
  return (
    <section className={`run-section${wide ? ' wide' : ''}`} aria-label={title}>
      <h3>{title}</h3>
      {children}
    </section>
  );
}

function KeyValues({ values, empty }: { values: Record<string, string>; empty: string }) {
  const entries = Object.entries(values).filter(([, v]) => v !== '');
  if (!entries.length) return <div className="muted">{empty}</div>;
  return (
    <table className="run-kv">
      <tbody>
        {entries.map(([k, v]) => (
          <tr key={k}>
            <th>{k}</th>
            <td title={v}>{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Metrics by segment: one row per metric, one column per segment (overall first). */
function MetricsTable({ metrics }: { metrics: RunRecord['finalMetrics'] }) {
  const segments = Object.keys(metrics).sort((a, b) => (a === 'overall' ? -1 : b === 'overall' ? 1 : a.localeCompare(b)));
  if (!segments.length) return <div className="muted">No final metrics (the run did not reach its evaluation).</div>;
  const keys = [...new Set(segments.flatMap((s) => Object.keys(metrics[s])))].sort();
  return (
    <div className="metrics-scroll">
      <table className="run-metrics">
        <thead>
          <tr>
            <th>metric</th>
            {segments.map((s) => (
              <th key={s}>{s}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k}>
              <th>{k}</th>
              {segments.map((s) => (
                <td key={s} data-segment={s} data-metric={k}>
                  {metrics[s][k] === undefined ? '' : formatMetric(metrics[s][k])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * One series of the run at a time. A running run's chart grows with its progress events,
 * which arrive from the moment the chart asks the store: points an event brings that the
 * store's answer already had (same or earlier step) are dropped, so none is lost or doubled.
 */
function SeriesChart({ services, run }: { services: WorkbenchServices; run: RunRecord }) {
  const keys = Object.keys(run.latestMetrics).sort();
  const preferred = keys.includes('train/loss') ? 'train/loss' : keys.find((k) => k.startsWith('valid/')) ?? keys[0];
  const [key, setKey] = useState(preferred);
  const [series, setSeries] = useState<LiveSeries | undefined>();
  const shown = key && keys.includes(key) ? key : preferred;
  const running = run.status === 'RUNNING';
  useEffect(() => {
    if (!shown) return;
    let live = true;
    setSeries(undefined);
    const s = new LiveSeries();
    const off = running ? services.api.on('run.progress', (e) => e.runId === run.id && s.receive(e.points.filter((p) => p.key === shown), e.emittedAt)) : undefined;
    void services.api.call('runs.series', { runIds: [run.id], keys: [shown], maxPoints: CHART_POINTS }).then(
      (r) => live && (s.load(r.series[run.id]?.[shown] ?? []), setSeries(s)),
      () => live && (s.load([]), setSeries(s)),
    );
    return () => {
      live = false;
      off?.();
    };
  }, [services, run.id, shown, run.endTime, running]);
  if (!shown) return <div className="muted">{running ? 'Waiting for the first metric…' : 'No series logged.'}</div>;
  return (
    <div className="series-chart">
      <select value={shown} onChange={(e) => setKey(e.target.value)} aria-label="Series">
        {keys.map((k) => (
          <option key={k}>{k}</option>
        ))}
      </select>
      {series ? (
        <LiveLineChart key={`${shown}:${run.endTime ?? 'running'}`} title="" xTitle="step" yTitle={shown} points={() => series.points} subscribe={(append) => series.subscribe(append)} color="--chart-1" theme={services.theme} height={200} emptyText="No points yet." />
      ) : (
        <div className="muted chart-placeholder">Reading {shown}…</div>
      )}
    </div>
  );
}

/** A series read from the store, then grown by the points of progress events past its last step. */
class LiveSeries {
  readonly points: ChartPoint[] = [];
  private lastStep = -Infinity;
  private loaded = false;
  private early: { points: RunMetricPoint[]; emittedAt?: number }[] = [];
  private sink: ((points: readonly ChartPoint[], times?: EventTimes) => void) | undefined;

  load(points: readonly SeriesPoint[]): void {
    for (const p of points) this.points.push({ x: p.step, y: p.value });
    if (points.length) this.lastStep = points[points.length - 1].step;
    this.loaded = true;
    // What came while the store was read: only what its answer did not have.
    for (const e of this.early.splice(0)) this.receive(e.points, e.emittedAt);
  }

  receive(points: readonly RunMetricPoint[], emittedAt?: number): void {
    if (points.length === 0) return;
    if (!this.loaded) {
      this.early.push({ points: [...points], emittedAt });
      return;
    }
    const fresh: ChartPoint[] = [];
    for (const p of points) {
      if (p.step <= this.lastStep) continue;
      this.lastStep = p.step;
      fresh.push({ x: p.step, y: p.value });
    }
    if (fresh.length === 0) return;
    this.points.push(...fresh);
    this.sink?.(fresh, { emittedAt, receivedAt: Date.now() });
  }

  subscribe(append: (points: readonly ChartPoint[], times?: EventTimes) => void): Disposable {
    this.sink = append;
    return { dispose: () => (this.sink = undefined) };
  }
}

function RunName({ services, run, editing, setEditing }: { services: WorkbenchServices; run: RunRecord; editing: boolean; setEditing(on: boolean): void }) {
  if (!editing)
    return (
      <h2 className="run-name" title="Double-click to rename" onDoubleClick={() => setEditing(true)}>
        {run.name}
        <ActionButton icon="edit" title="Rename (F2)" onClick={() => setEditing(true)} />
      </h2>
    );
  return <RenameInput className="run-name-input" services={services} run={run} onDone={() => setEditing(false)} />;
}

function TagsEditor({ services, run }: { services: WorkbenchServices; run: RunRecord }) {
  const [typed, setTyped] = useState('');
  const tags = Object.entries(run.tags).filter(([k]) => !k.startsWith(SYSTEM_TAG_PREFIX));
  const m = /^([^=]+?)\s*(?:=\s*(.*))?$/.exec(typed.trim());
  const add = async () => {
    if (!m) return;
    try {
      await services.api.call('runs.setTags', { runId: run.id, tags: { [m[1].trim()]: (m[2] ?? '').trim() } });
      setTyped('');
    } catch (e) {
      services.notify({ severity: 'error', message: `Could not tag the run: ${(e as Error).message}` });
    }
  };
  const remove = (key: string) => void services.api.call('runs.deleteTag', { runId: run.id, key }).catch((e: Error) => services.notify({ severity: 'error', message: `Could not remove the tag: ${e.message}` }));
  return (
    <div className="tags-editor">
      {tags.map(([k, v]) => (
        <span key={k} className="runs-tag" data-tag={k}>
          {v ? `${k}=${v}` : k}
          <button type="button" className="tag-remove" title={`Remove the tag ${k}`} aria-label={`Remove the tag ${k}`} onClick={() => remove(k)}>
            <Icon name="close" />
          </button>
        </span>
      ))}
      <input type="text" placeholder="Add a tag: key=value, then Enter" aria-label="Add a tag" value={typed} onChange={(e) => setTyped(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && void add()} />
    </div>
  );
}

function NotesEditor({ services, run }: { services: WorkbenchServices; run: RunRecord }) {
  const [value, setValue] = useState(run.notes ?? '');
  const [saved, setSaved] = useState(run.notes ?? '');
  useEffect(() => {
    setValue(run.notes ?? '');
    setSaved(run.notes ?? '');
  }, [run.notes]);
  const save = async () => {
    if (value === saved) return;
    try {
      await services.api.call('runs.setNotes', { runId: run.id, notes: value });
      setSaved(value);
    } catch (e) {
      services.notify({ severity: 'error', message: `Could not save the notes: ${(e as Error).message}` });
    }
  };
  return (
    <label className="notes-editor">
      <span className="muted">Notes {value !== saved ? '(unsaved: leave the box to save)' : ''}</span>
      <textarea value={value} rows={4} placeholder="What this run tried, what it showed…" onChange={(e) => setValue(e.target.value)} onBlur={() => void save()} aria-label="Notes" />
    </label>
  );
}
