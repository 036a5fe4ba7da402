import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { checkDataSpecFiles, readWorkspaceDatasets, resolveDataSpec, type WorkspaceDatasets } from '../data';
import { createRunRecord, SYSTEM_TAGS, type OutputSection, type PreviewStage, type RunOutputs } from '../experiment';
import { notebookToSpec, parseNotebook, type Notebook } from '../notebook';
import { parseSpec, type ExperimentSpec } from '../spec';
import { openRunStore, writeRunFiles, type SqliteRunStore } from '../runs';
import { Emitter, InputError, serializeError, type Disposable, type Event } from '../util';
import { startWorker, type WorkerLauncher, type WorkerProcess } from '../worker';
import { seedExampleNotebooks } from './examples';
import { workspaceLayout, type WorkspaceLayout } from './layout';
import { listNotebookFiles, readNotebookFile, resolveInside, saveNotebookFile, type NotebookEntry, type NotebookFile } from './notebook-files';
import { ProgressTracker, type RunProgressEvent } from './progress-tracker';

/**
 * What to run: an experiment spec (raw JSON), or a notebook (text or parsed) with its
 * workspace-relative `path` (recorded as the run's `reclab.notebook` tag). `baseDir` is the
 * folder relative data paths resolve against: default the notebook's folder, else the root.
 */
export type RunInput = { spec: unknown; baseDir?: string; label?: string } | { notebook: string | Notebook; path?: string; baseDir?: string };

export interface StartRunOptions {
  /** Stop after this stage and record nothing (a notebook cell run before training). */
  until?: PreviewStage;
}

export interface RunLogEvent {
  runId: string;
  line: string;
}

export interface RunOutputEvent {
  runId: string;
  preview: boolean;
  section: OutputSection;
  value: NonNullable<RunOutputs[OutputSection]>;
}

export interface RunFinishedEvent {
  runId: string;
  preview: boolean;
  status: 'FINISHED' | 'FAILED' | 'KILLED';
  error?: { code: string; message: string };
  /** Final overall metrics of a finished run. */
  metrics?: Record<string, number>;
  /** Everything the stages reported (previews keep nothing else). */
  outputs: RunOutputs;
}

/** A run that is going on now. */
export interface LiveRunInfo {
  runId: string;
  preview: boolean;
  name: string;
  experiment: string;
  /** Workspace-relative path of the notebook it came from. */
  notebook?: string;
  until?: PreviewStage;
  progress: RunProgressEvent;
}

export interface LiveRun {
  readonly runId: string;
  readonly preview: boolean;
  /** Settles when the worker has exited and the run row (if any) is final. Never rejects. */
  readonly finished: Promise<RunFinishedEvent>;
}

export interface WorkspaceOptions {
  /** On a first launch (a folder RecLab never used, with no notebook), copy in the example notebooks. */
  seedExamples?: boolean;
  /** Starts worker processes; default `child_process.fork`. */
  launch?: WorkerLauncher;
  /** Least time between two progress events of one run. Default 100 ms (10 a second). */
  progressIntervalMs?: number;
}

interface LiveEntry {
  info: Omit<LiveRunInfo, 'progress'>;
  tracker: ProgressTracker;
  worker: WorkerProcess;
  outputs: RunOutputs;
  logFile?: string;
}

/** Lines of a run's worker log kept in memory while it runs (the file keeps them all). */
const LIVE_LOG_LINES = 500;

/**
 * A folder as the app and the CLI see it: its run store, datasets, notebooks and
 * artifacts, and the runs going on in it. Every run is executed by a worker process; the
 * workspace creates the run row first (so nothing is lost if the worker dies), relays the
 * worker's messages as typed events (progress at most every `progressIntervalMs` per run),
 * and makes sure the row ends FINISHED, FAILED or KILLED.
 */
export class Workspace implements Disposable {
  readonly layout: WorkspaceLayout;
  readonly store: SqliteRunStore;
  private readonly live = new Map<string, LiveEntry>();
  private readonly logs = new Map<string, string[]>();
  private disposed = false;

  private readonly _onDidProgress = new Emitter<RunProgressEvent>();
  /** A live run's progress, throttled per run. */
  readonly onDidProgress: Event<RunProgressEvent> = this._onDidProgress.event;
  private readonly _onDidLog = new Emitter<RunLogEvent>();
  readonly onDidLog: Event<RunLogEvent> = this._onDidLog.event;
  private readonly _onDidOutput = new Emitter<RunOutputEvent>();
  /** A stage's cell output, as soon as the stage ends. */
  readonly onDidOutput: Event<RunOutputEvent> = this._onDidOutput.event;
  private readonly _onDidStart = new Emitter<LiveRunInfo>();
  readonly onDidStart: Event<LiveRunInfo> = this._onDidStart.event;
  private readonly _onDidFinish = new Emitter<RunFinishedEvent>();
  readonly onDidFinish: Event<RunFinishedEvent> = this._onDidFinish.event;

  private constructor(
    layout: WorkspaceLayout,
    store: SqliteRunStore,
    private readonly options: WorkspaceOptions,
  ) {
    this.layout = layout;
    this.store = store;
  }

  /**
   * Opens the workspace at `dir` (created if missing): its store (migrated; a damaged one
   * is refused untouched) and its state folder. Runs left RUNNING by a process that died
   * end KILLED.
   */
  static open(dir?: string, options: WorkspaceOptions = {}): Workspace {
    const layout = workspaceLayout(dir);
    fs.mkdirSync(layout.root, { recursive: true });
    if (options.seedExamples) seedExampleNotebooks(layout.root);
    fs.mkdirSync(layout.stateDir, { recursive: true });
    const store = openRunStore(layout.storeFile);
    store.markStaleRunsKilled();
    return new Workspace(layout, store, options);
  }

  get root(): string {
    return this.layout.root;
  }

  // ---- notebooks

  listNotebooks(): NotebookEntry[] {
    return listNotebookFiles(this.root);
  }

  readNotebook(rel: string): NotebookFile {
    return readNotebookFile(this.root, rel);
  }

  /** Saves atomically with a backup; refuses to overwrite a change on disk made since `baseEtag`. */
  saveNotebook(rel: string, text: string, opts: { baseEtag?: string; create?: boolean } = {}): NotebookFile {
    return saveNotebookFile(this.root, this.layout.backupsDir, rel, text, opts);
  }

  // ---- datasets

  importedDatasets(): WorkspaceDatasets {
    return readWorkspaceDatasets(this.layout.datasetsFile);
  }

  // ---- runs

  /**
   * Starts a run (or, with `until`, a preview of the stages before training) in a worker
   * process. The spec is validated first: a bad one throws an InputError and nothing is
   * loaded or recorded.
   */
  startRun(input: RunInput, opts: StartRunOptions = {}): LiveRun {
    if (this.disposed) throw new InputError('The workspace is closed.', 'CLOSED');
    const { spec, baseDir, notebookPath, notebookText } = this.resolveInput(input);
    checkDataSpecFiles(resolveDataSpec(spec.data, this.layout.datasetsFile), baseDir);
    const preview = opts.until !== undefined;
    const tags: Record<string, string> = notebookPath ? { [SYSTEM_TAGS.notebook]: notebookPath } : {};
    const runId = preview ? `preview-${crypto.randomBytes(6).toString('hex')}` : createRunRecord(this.store, spec, { tags });
    let logFile: string | undefined;
    if (!preview) {
      const dir = path.join(this.layout.artifactsRoot, runId);
      fs.mkdirSync(dir, { recursive: true });
      if (notebookText !== undefined) {
        // The notebook as it was run: "Open as notebook" restores it even after the file changed.
        const snapshot = path.join(dir, 'notebook.recnb');
        fs.writeFileSync(snapshot, notebookText);
        this.store.addArtifact(runId, { path: snapshot, kind: 'notebook', size: Buffer.byteLength(notebookText) });
      }
      logFile = path.join(dir, 'worker.log');
    }
    const worker = startWorker({
      spec,
      baseDir,
      datasetsFile: this.layout.datasetsFile,
      job: preview ? { kind: 'preview', until: opts.until! } : { kind: 'run', runId, storeFile: this.layout.storeFile, artifactsRoot: this.layout.artifactsRoot },
      launch: this.options.launch,
    });
    const tracker = new ProgressTracker(runId, preview, (e) => this._onDidProgress.fire(e), this.options.progressIntervalMs ?? 100);
    const entry: LiveEntry = {
      info: { runId, preview, name: spec.name, experiment: spec.experiment, notebook: notebookPath, until: opts.until },
      tracker,
      worker,
      outputs: {},
      logFile,
    };
    this.live.set(runId, entry);
    this.logs.set(runId, []);
    const sub = worker.onMessage((m) => {
      switch (m.type) {
        case 'phase':
          tracker.setPhase(m.phase);
          break;
        case 'metric':
          tracker.addPoint(m.point);
          break;
        case 'progress':
          tracker.setFit(m.progress);
          break;
        case 'output':
          (entry.outputs as Record<string, unknown>)[m.section] = m.value;
          this._onDidOutput.fire({ runId, preview, section: m.section, value: m.value });
          break;
        case 'log':
          this.appendLog(entry, m.line);
          break;
      }
    });
    this._onDidStart.fire({ ...entry.info, progress: tracker.current });
    const finished = worker.exited.then((outcome) => {
      sub.dispose();
      tracker.flush();
      tracker.dispose();
      if (!preview) {
        // The worker finishes its own row when it can; this covers crashes and kills.
        const row = this.store.getRun(runId);
        if (row && row.status === 'RUNNING') this.store.finishRun(runId, outcome.status, outcome.error?.message);
        if (logFile && fs.existsSync(logFile)) this.store.addArtifact(runId, { path: logFile, kind: 'log', size: fs.statSync(logFile).size });
        // The row is final only now (a crash ended here, the log artifact added): refresh the copy `reclab runs recover` reads.
        writeRunFiles(this.store, runId, path.join(this.layout.artifactsRoot, runId));
      }
      if (outcome.error && outcome.status !== 'FINISHED') this.appendLog(entry, `${outcome.status}: ${outcome.error.message}`);
      const error = outcome.error ? serializeError(outcome.error) : undefined;
      const event: RunFinishedEvent = {
        runId,
        preview,
        status: outcome.status,
        ...(error ? { error: { code: error.code ?? 'ERROR', message: error.message } } : {}),
        ...(outcome.done?.metrics ? { metrics: outcome.done.metrics } : {}),
        outputs: outcome.done?.outputs ?? entry.outputs,
      };
      this.live.delete(runId);
      // A run's log lives on in its artifact file; a preview's only here, so keep the last few.
      if (logFile) this.logs.delete(runId);
      else this.trimPreviewLogs();
      this._onDidFinish.fire(event);
      return event;
    });
    return { runId, preview, finished };
  }

  /** Kills a live run's worker; the run ends KILLED with what it had logged. False when it is not live. */
  cancel(runId: string): boolean {
    const entry = this.live.get(runId);
    if (!entry) return false;
    entry.worker.cancel();
    return true;
  }

  liveRuns(): LiveRunInfo[] {
    return [...this.live.values()].map((e) => ({ ...e.info, progress: e.tracker.current }));
  }

  /** The worker log of a run: live lines from memory, a finished run's from its artifact file. */
  runLog(runId: string): string[] {
    const mem = this.logs.get(runId);
    if (mem && this.live.has(runId)) return [...mem];
    const file = path.join(this.layout.artifactsRoot, runId, 'worker.log');
    if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
    return mem ? [...mem] : [];
  }

  /** The cell outputs a run recorded (`outputs.json` in its artifacts); live runs: what they reported so far. */
  runOutputs(runId: string): RunOutputs {
    const entry = this.live.get(runId);
    if (entry) return { ...entry.outputs };
    const file = path.join(this.layout.artifactsRoot, runId, 'outputs.json');
    if (!fs.existsSync(file)) return {};
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8')) as RunOutputs;
    } catch {
      return {};
    }
  }

  /**
   * Closes the store after ending every live run (KILLED). Waits for the workers to exit
   * so no row is left RUNNING.
   */
  async close(): Promise<void> {
    if (this.disposed) return;
    const pending = [...this.live.keys()].map((id) => {
      this.cancel(id);
      return this.live.get(id)!.worker.exited;
    });
    await Promise.all(pending);
    // Let the `exited` handlers above finish their rows.
    await new Promise((r) => setImmediate(r));
    this.dispose();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const e of this.live.values()) e.worker.cancel();
    for (const em of [this._onDidProgress, this._onDidLog, this._onDidOutput, this._onDidStart, this._onDidFinish]) em.dispose();
    this.store.close();
  }

  private trimPreviewLogs(): void {
    const finishedPreviews = [...this.logs.keys()].filter((id) => !this.live.has(id));
    for (const id of finishedPreviews.slice(0, Math.max(0, finishedPreviews.length - 20))) this.logs.delete(id);
  }

  private appendLog(entry: LiveEntry, line: string): void {
    const runId = entry.info.runId;
    const lines = this.logs.get(runId) ?? [];
    lines.push(line);
    if (lines.length > LIVE_LOG_LINES) lines.splice(0, lines.length - LIVE_LOG_LINES);
    this.logs.set(runId, lines);
    if (entry.logFile) fs.appendFileSync(entry.logFile, line + '\n');
    this._onDidLog.fire({ runId, line });
  }

  private resolveInput(input: RunInput): { spec: ExperimentSpec; baseDir: string; notebookPath?: string; notebookText?: string } {
    if ('notebook' in input) {
      const label = input.path ?? 'notebook';
      const nb = typeof input.notebook === 'string' ? parseNotebook(input.notebook, label) : parseNotebook(JSON.stringify(input.notebook), label);
      const spec = notebookToSpec(nb, label);
      const abs = input.path ? resolveInside(this.root, input.path) : undefined;
      const rel = abs ? path.relative(this.root, abs).split(path.sep).join('/') : undefined;
      const text = typeof input.notebook === 'string' ? input.notebook : JSON.stringify(input.notebook, null, 2) + '\n';
      return { spec, baseDir: input.baseDir ?? (abs ? path.dirname(abs) : this.root), notebookPath: rel, notebookText: text };
    }
    return { spec: parseSpec(input.spec, input.label), baseDir: input.baseDir ?? this.root };
  }
}
