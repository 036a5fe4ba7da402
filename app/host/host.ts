import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { datasetStats, generateSampleDataset, type DatasetStats } from '../../core/data';
import { SYSTEM_TAGS } from '../../core/experiment';
import { NOTEBOOK_TEMPLATES, notebookTemplate, serializeNotebook } from '../../core/notebook';
import { writeRunFiles, type RunRecord, type SeriesPoint } from '../../core/runs';
import { appVersion, DisposableStore, Emitter, InputError, isRecLabError, type Disposable } from '../../core/util';
import { Workspace, type WorkspaceOptions } from '../../core/workspace';
import {
  isCallName,
  parseCallArgs,
  type ApiEvents,
  type ApiResult,
  type CallName,
  type CallResult,
  type DatasetInfo,
  type EventName,
  type NotebookRunState,
  type ParsedArgs,
} from '../common/api';
import { InspectCalls } from './inspect-calls';
import { NotebookWatcher } from './notebook-watcher';

export interface HostOptions extends WorkspaceOptions {
  /** The workspace folder (created if missing). */
  workspace: string;
  mode: 'desktop' | 'browser';
}

type Handlers = { [K in CallName]: (args: ParsedArgs<K>) => CallResult<K> | Promise<CallResult<K>> };

/** Points of a train cell's chart: enough for a smooth curve, few enough to send at once. */
const NOTEBOOK_CHART_POINTS = 2000;
const UI_STATE_BYTES = 1_000_000;

/**
 * The API contract implemented over core/workspace: one host serves both transports
 * (Electron's IPC via a utility process, and browser mode's HTTP + WebSocket). Every
 * call's arguments are validated against its schema first; every reply is a result
 * (`{ok, value}` or `{ok: false, error: {code, message}}`), never a throw or a stack.
 */
export class Host implements Disposable {
  private readonly disposables = new DisposableStore();
  private readonly _onEvent = new Emitter<{ name: EventName; payload: unknown }>();
  private readonly watcher: NotebookWatcher;
  private readonly inspect: InspectCalls;
  private sampleStats: DatasetInfo['stats'] | undefined;
  private readonly handlers: Handlers;

  /** Resolves when changes to notebooks on disk are being watched (the first scan of the folder is done). */
  get watchingNotebooks(): Promise<void> {
    return this.watcher.ready;
  }

  private constructor(
    readonly workspace: Workspace,
    private readonly options: HostOptions,
  ) {
    const fire = <E extends EventName>(name: E) => (payload: ApiEvents[E]) => this._onEvent.fire({ name, payload });
    this.disposables.add(workspace.onDidStart(fire('run.started')));
    this.disposables.add(workspace.onDidProgress(fire('run.progress')));
    this.disposables.add(workspace.onDidLog(fire('run.log')));
    this.disposables.add(workspace.onDidOutput(fire('run.output')));
    this.disposables.add(workspace.onDidFinish(fire('run.finished')));
    this.watcher = this.disposables.add(new NotebookWatcher(workspace.root, fire('notebook.changed')));
    this.inspect = this.disposables.add(new InspectCalls(workspace, (name, payload) => this._onEvent.fire({ name, payload })));
    // A trashed, restored or deleted run: its cached artifacts and model are dropped.
    this.disposables.add(this.onEvent((e) => e.name === 'runs.changed' && this.inspect.forget((e.payload as ApiEvents['runs.changed']).runIds)));
    this.handlers = this.createHandlers();
  }

  /** Opens the workspace folder and serves the API over it. */
  static open(options: HostOptions): Host {
    return new Host(Workspace.open(options.workspace, options), options);
  }

  /** Every event for the transports to forward, as `{name, payload}`. */
  onEvent(listener: (e: { name: EventName; payload: unknown }) => void): Disposable {
    return this._onEvent.event(listener);
  }

  /** Handles one call from any transport. Never rejects. */
  async handle(name: unknown, rawArgs: unknown): Promise<ApiResult<unknown>> {
    if (!isCallName(name)) return { ok: false, error: { code: 'UNKNOWN_CALL', message: `There is no call ${JSON.stringify(name)} in the API.` } };
    const parsed = parseCallArgs(name, rawArgs);
    if (!parsed.ok) return parsed;
    try {
      const handler = this.handlers[name] as (args: unknown) => unknown;
      return { ok: true, value: await handler(parsed.value) };
    } catch (e) {
      if (isRecLabError(e)) {
        const details = (e as { details?: Record<string, unknown> }).details;
        return { ok: false, error: { code: (e as { code: string }).code, message: e.message, ...(details ? { details } : {}) } };
      }
      // A bug: the message helps a bug report; the stack stays in the host's log.
      console.error(`reclab host: ${name} failed:`, e);
      return { ok: false, error: { code: 'INTERNAL', message: `Internal error in ${name}: ${e instanceof Error ? e.message : String(e)}` } };
    }
  }

  /** Ends live runs (KILLED), stops watching, closes the store. */
  async close(): Promise<void> {
    this.disposables.dispose();
    await this.workspace.close();
    this._onEvent.dispose();
  }

  dispose(): void {
    void this.close();
  }

  private createHandlers(): Handlers {
    const ws = this.workspace;
    return {
      'app.info': () => ({
        appVersion: appVersion(),
        workspace: ws.root,
        workspaceName: path.basename(ws.root),
        backend: expectedBackend(),
        mode: this.options.mode,
        platform: `${os.platform()} ${os.arch()}`,
      }),
      'notebooks.list': () => ws.listNotebooks(),
      'notebooks.read': ({ path: p }) => ws.readNotebook(p),
      'notebooks.save': ({ path: p, text, baseEtag }) => {
        const saved = ws.saveNotebook(p, text, { baseEtag });
        this.watcher.noteOwnWrite(saved.path, saved.etag);
        const { text: _text, ...rest } = saved;
        return rest;
      },
      'notebooks.create': ({ name, template }) => {
        const t = notebookTemplate(template);
        if (!t) throw new InputError(`No notebook template '${template}'; choose one of ${NOTEBOOK_TEMPLATES.map((x) => x.id).join(', ')}.`, 'NOT_FOUND');
        const file = name.endsWith('.recnb') ? name : `${name}.recnb`;
        const saved = ws.saveNotebook(file, serializeNotebook(t.build(file.replace(/\.recnb$/, ''))), { create: true });
        this.watcher.noteOwnWrite(saved.path, saved.etag);
        return saved;
      },
      'notebooks.templates': () => NOTEBOOK_TEMPLATES.map(({ id, title, description }) => ({ id, title, description })),
      'notebooks.lastRun': ({ path: p }) => this.lastRun(p),
      'runs.start': ({ notebook, path: p, until }) => {
        const run = ws.startRun({ notebook, path: p }, { until });
        return { runId: run.runId, preview: run.preview };
      },
      'runs.cancel': ({ runId }) => ({ cancelled: ws.cancel(runId) }),
      'runs.live': () => ws.liveRuns(),
      'runs.list': ({ offset, limit, experiment, status, query, metrics, params, orderBy, ascending, trashed }) => {
        const page = ws.store.listRunSummaries({ experiment, status, query, offset, limit, metrics, params, orderBy, ascending, trashed });
        return {
          total: page.total,
          runs: page.runs.map((r) => ({
            id: r.id,
            name: r.name,
            experiment: r.experiment,
            status: r.status,
            startTime: r.startTime,
            endTime: r.endTime,
            modelType: r.modelType,
            dataset: r.dataset,
            fingerprint: r.fingerprint,
            notebook: r.tags[SYSTEM_TAGS.notebook],
            error: r.error,
            metrics: r.metrics.overall ?? {},
            params: r.params,
            tags: r.tags,
          })),
        };
      },
      'runs.get': ({ runId }) => this.requireRun(runId),
      'runs.getMany': ({ runIds }) => {
        const runs: RunRecord[] = [];
        const missing: { id: string; message: string }[] = [];
        for (const id of runIds) {
          try {
            runs.push(this.requireRun(id));
          } catch (e) {
            // One unknown or ambiguous id does not hide the others.
            missing.push({ id, message: (e as Error).message });
          }
        }
        return { runs, missing };
      },
      'runs.rename': ({ runId, name }) => this.editRun(runId, (id) => ws.store.updateRun(id, { name })),
      'runs.setNotes': ({ runId, notes }) => this.editRun(runId, (id) => ws.store.setNotes(id, notes)),
      'runs.setTags': ({ runId, tags }) => this.editRun(runId, (id) => ws.store.setTags(id, tags)),
      'runs.deleteTag': ({ runId, key }) => this.editRun(runId, (id) => ws.store.deleteTag(id, key)),
      'runs.trash': ({ runIds }) => {
        const ids = runIds.map((id) => this.requireRun(id).id);
        ws.store.moveToTrash(ids);
        this._onEvent.fire({ name: 'runs.changed', payload: { runIds: ids } });
        return { trashed: ids.length };
      },
      'runs.restore': ({ runIds }) => {
        const ids = runIds.map((id) => this.requireRun(id).id);
        ws.store.restoreFromTrash(ids);
        this._onEvent.fire({ name: 'runs.changed', payload: { runIds: ids } });
        return { restored: ids.length };
      },
      'runs.emptyTrash': () => {
        const ids = ws.store.emptyTrash();
        for (const id of ids) fs.rmSync(path.join(ws.layout.artifactsRoot, id), { recursive: true, force: true });
        this._onEvent.fire({ name: 'runs.changed', payload: { runIds: ids } });
        return { deleted: ids.length };
      },
      'runs.outputs': ({ runId }) => ws.runOutputs(runId),
      'runs.log': ({ runId }) => ws.runLog(runId),
      'runs.series': ({ runIds, keys, maxPoints, afterStep, fromStep, toStep }) => {
        const ids = runIds.map((id) => this.requireRun(id).id);
        const series: Record<string, Record<string, SeriesPoint[]>> = {};
        const lastStep: Record<string, Record<string, number>> = {};
        for (const slice of ws.store.getMetricSeriesBatch({ runIds: ids, keys, maxPoints, afterStep, fromStep, toStep })) {
          (series[slice.runId] ??= {})[slice.key] = slice.points;
          (lastStep[slice.runId] ??= {})[slice.key] = slice.lastStep;
        }
        return { series, lastStep };
      },
      'datasets.list': () => this.datasets(),
      ...this.inspect.handlers(),
      'ui.getState': () => {
        const file = this.uiStateFile();
        if (!fs.existsSync(file)) return {};
        try {
          return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
        } catch {
          return {};
        }
      },
      'ui.setState': ({ state }) => {
        const text = JSON.stringify(state);
        if (text.length > UI_STATE_BYTES) throw new InputError(`The UI state is ${text.length} bytes; at most ${UI_STATE_BYTES} are kept.`, 'INVALID_ARGUMENT');
        const file = this.uiStateFile();
        fs.writeFileSync(file + '.tmp', text);
        fs.renameSync(file + '.tmp', file);
        return {};
      },
    };
  }

  private uiStateFile(): string {
    return path.join(this.workspace.layout.stateDir, 'ui-state.json');
  }

  /** An edit of a recorded run: then its recovery copy (run.json) is refreshed and lists are told. */
  private editRun(runId: string, edit: (id: string) => void): Record<string, never> {
    const id = this.requireRun(runId).id;
    edit(id);
    writeRunFiles(this.workspace.store, id, path.join(this.workspace.layout.artifactsRoot, id));
    this._onEvent.fire({ name: 'runs.changed', payload: { runIds: [id] } });
    return {};
  }

  private requireRun(runId: string): RunRecord {
    const run = this.workspace.store.getRun(runId);
    if (!run) throw new InputError(`No run ${runId} in this workspace.`, 'NOT_FOUND');
    return run;
  }

  private lastRun(notebookPath: string): NotebookRunState | null {
    const ws = this.workspace;
    const [run] = ws.store.listRuns({ tag: { key: SYSTEM_TAGS.notebook, value: notebookPath }, limit: 1 });
    if (!run) return null;
    const keys = ws.store.listMetricKeys(run.id).filter((k) => k === 'train/loss' || k === 'train/epoch_loss' || k.startsWith('valid/'));
    const series: Record<string, SeriesPoint[]> = {};
    for (const k of keys) series[k] = ws.store.getMetricSeries(run.id, k, { maxPoints: NOTEBOOK_CHART_POINTS });
    return { runId: run.id, status: run.status, startTime: run.startTime, endTime: run.endTime, error: run.error, outputs: ws.runOutputs(run.id), series };
  }

  private datasets(): DatasetInfo[] {
    if (!this.sampleStats) {
      const s = datasetStats(generateSampleDataset({}));
      this.sampleStats = { users: s.users, items: s.items, interactions: s.interactions, density: s.density };
    }
    const out: DatasetInfo[] = [{ name: 'sample', source: 'sample', description: 'Embedded synthetic catalogue (seeded generator): always available, offline', stats: this.sampleStats }];
    for (const [name, e] of Object.entries(this.workspace.importedDatasets())) {
      const st = e.stats as DatasetInfo['stats'] | undefined;
      out.push({
        name,
        source: e.spec.source,
        description: e.spec.path ?? e.spec.csv?.interactions.path ?? '',
        imported: e.imported,
        ...(st ? { stats: { users: st.users, items: st.items, interactions: st.interactions, density: st.density }, summary: e.stats as unknown as DatasetStats } : {}),
      });
    }
    return out;
  }
}

/** The backend a worker will pick (core/train initBackend's order), without loading tfjs here. */
function expectedBackend(): string {
  for (const [pkg, name] of [
    ['@tensorflow/tfjs-node', 'tensorflow'],
    ['@tensorflow/tfjs-backend-wasm', 'wasm'],
  ] as const) {
    try {
      require.resolve(pkg);
      return name;
    } catch {
      // not installed: try the next
    }
  }
  return 'cpu';
}
