import { z } from 'zod';
import type { LiveRunInfo, NotebookEntry, NotebookFile, RunFinishedEvent, RunLogEvent, RunOutputEvent, RunProgressEvent } from '../../core/workspace';
import type { RunOutputs } from '../../core/experiment';
import type { RunRecord, SeriesPoint } from '../../core/runs';
import type { DataPreview, DatasetStats, ImportProgress } from '../../core/data';
import type { EmbeddingView, ExportProgress, ExportResult, GateView, RunInspection, UserInspection, UserSearchResult } from '../../core/export';

/**
 * The app's one API contract: every call the renderer can make, with a zod schema for
 * its arguments and the type of its result, and every event the host pushes. The host
 * (app/host) implements it over core/workspace; the desktop app carries it over Electron
 * IPC, browser mode over HTTP (calls) and a WebSocket (events). The renderer cannot tell
 * which transport it has. Replies are results, never throws: `{ok: true, value}` or
 * `{ok: false, error: {code, message}}`.
 */

export interface ApiError {
  /** Stable, machine-readable: `INVALID_ARGUMENT`, `NOT_FOUND`, `CHANGED_ON_DISK`, `SPEC`, ... */
  code: string;
  message: string;
  /** For `INVALID_ARGUMENT`: the path of the argument that failed its schema, e.g. `path` or `args.offset`. */
  field?: string;
  /** More about the error, e.g. `{position, length}` of a filter query's syntax error. */
  details?: Record<string, unknown>;
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

// ---- result types (plain JSON)

export interface AppInfo {
  appVersion: string;
  /** The workspace folder. */
  workspace: string;
  workspaceName: string;
  /** TF.js backend the workers will use (`wasm`, `tensorflow`, `cpu`). */
  backend: string;
  /** `desktop` (Electron) or `browser` (reclab serve). */
  mode: 'desktop' | 'browser';
  platform: string;
}

export interface TemplateInfo {
  id: string;
  title: string;
  description: string;
}

export interface DatasetInfo {
  name: string;
  /** `sample` (embedded), or the source of an imported dataset. */
  source: string;
  description: string;
  stats?: Pick<DatasetStats, 'users' | 'items' | 'interactions' | 'density'>;
  /** Imported datasets: when (ISO time), and the whole summary recorded then. */
  imported?: string;
  summary?: DatasetStats;
}

/** What `export.run` wrote; every path is relative to the workspace folder (browser mode downloads it from `downloadPath(path)`). */
export interface ExportRunResult extends Omit<ExportResult, 'dir' | 'files'> {
  dir: string;
  files: (Omit<ExportResult['files'][number], 'path'> & { path: string })[];
}

/** A dataset just imported. */
export interface ImportDatasetResult {
  name: string;
  source: string;
  stats: DatasetStats;
}

/** One row of the runs table: what a list shows, read in one query. */
export interface RunSummary {
  id: string;
  name: string;
  experiment: string;
  status: RunRecord['status'];
  startTime: number;
  endTime?: number;
  modelType?: string;
  dataset?: string;
  fingerprint?: string;
  notebook?: string;
  error?: string;
  /** Overall final metrics (e.g. `ndcg@10`). */
  metrics: Record<string, number>;
  /** The asked params (`runs.list`'s `params`). */
  params: Record<string, string>;
  tags: Record<string, string>;
}

/** A notebook's latest run and what its cells showed. */
export interface NotebookRunState {
  runId: string;
  status: RunRecord['status'];
  startTime: number;
  endTime?: number;
  error?: string;
  outputs: RunOutputs;
  /** `train/loss` and `valid/*` series for the train cell's charts, downsampled. */
  series: Record<string, SeriesPoint[]>;
}

export interface SeriesRequestResult {
  /** By run id, then metric key: points in step order. */
  series: Record<string, Record<string, SeriesPoint[]>>;
  /** By run id, then key: the highest step each series has (the next `afterStep` of a live chart). */
  lastStep: Record<string, Record<string, number>>;
}

// ---- argument schemas

const runId = z.string().regex(/^(?:[0-9a-f]{4,16}|preview-[0-9a-f]+)$/, 'a run id: 16 hex digits (or a unique prefix)');
const relPath = z.string().min(1).max(1024).describe('a path relative to the workspace folder');
const previewStage = z.enum(['data', 'split', 'features', 'model']);
/** The host runs on the user's machine: a path there, absolute or relative to the workspace folder. */
const localPath = z.string().min(1).max(4096).describe('an absolute path, or one relative to the workspace folder');

/** Every call: its argument schema. Results are typed by `ApiResults` below. */
export const API_CALLS = {
  'app.info': z.strictObject({}),
  'notebooks.list': z.strictObject({}),
  'notebooks.read': z.strictObject({ path: relPath }),
  'notebooks.save': z.strictObject({
    path: relPath,
    text: z.string().max(10_000_000),
    /** The version the edit started from; a file changed on disk since then is refused (CHANGED_ON_DISK). Absent: overwrite. */
    baseEtag: z.string().optional(),
  }),
  'notebooks.create': z.strictObject({ name: z.string().min(1).max(120).regex(/^[^\\/:*?"<>|]+$/, 'a file name without / \\ : * ? " < > |'), template: z.string() }),
  'notebooks.templates': z.strictObject({}),
  'runs.start': z.strictObject({
    /** Notebook text as in the editor (it need not be saved). */
    notebook: z.string().max(10_000_000),
    /** Its workspace path: recorded with the run, and where relative data paths resolve. */
    path: relPath.optional(),
    /** Stop after this stage and record nothing (running a data, split, features or model cell). */
    until: previewStage.optional(),
  }),
  'runs.cancel': z.strictObject({ runId }),
  'runs.live': z.strictObject({}),
  'runs.list': z.strictObject({
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(0).max(1000).default(100),
    experiment: z.string().optional(),
    status: z.enum(['RUNNING', 'FINISHED', 'FAILED', 'KILLED']).optional(),
    /** A filter in the runs query language (core/spec run-query); a QUERY error gives its position in `details`. */
    query: z.string().max(10_000).optional(),
    /** Overall final metrics to return with each run. */
    metrics: z.array(z.string().min(1)).max(50).default(['ndcg@10', 'recall@10']),
    /** Params to return with each run (as columns). */
    params: z.array(z.string().min(1)).max(50).default([]),
    /** Sort by a run field, a final metric, or a param; default newest first. */
    orderBy: z
      .union([
        z.strictObject({ field: z.enum(['startTime', 'endTime', 'name', 'experiment', 'status', 'modelType']) }),
        z.strictObject({ metric: z.string().min(1), segment: z.string().optional() }),
        z.strictObject({ param: z.string().min(1) }),
      ])
      .optional(),
    ascending: z.boolean().optional(),
    /** The runs in the trash instead. */
    trashed: z.boolean().default(false),
  }),
  'runs.rename': z.strictObject({ runId, name: z.string().min(1).max(200) }),
  'runs.setNotes': z.strictObject({ runId, notes: z.string().max(100_000) }),
  'runs.setTags': z.strictObject({ runId, tags: z.record(z.string().min(1).max(250), z.string().max(5000)) }),
  'runs.deleteTag': z.strictObject({ runId, key: z.string().min(1) }),
  /** Moves runs to the trash (RUNNING ones are refused); everything is kept until the trash is emptied. */
  'runs.trash': z.strictObject({ runIds: z.array(runId).min(1).max(10_000) }),
  'runs.restore': z.strictObject({ runIds: z.array(runId).min(1).max(10_000) }),
  /** Deletes the trashed runs and their artifact folders for good; `confirm` must be true (the UI asks first). */
  'runs.emptyTrash': z.strictObject({ confirm: z.literal(true) }),
  'runs.get': z.strictObject({ runId }),
  /** Several runs in one call (a compare of 100 runs is one request, not 100); ids not found are listed with why. */
  'runs.getMany': z.strictObject({ runIds: z.array(runId).min(1).max(1000) }),
  'runs.outputs': z.strictObject({ runId }),
  'runs.log': z.strictObject({ runId }),
  'runs.series': z.strictObject({
    runIds: z.array(runId).min(1).max(1000),
    keys: z.array(z.string().min(1)).min(1).max(100),
    /** Downsample each series to about this many points (min and max per bucket, first and last kept). */
    maxPoints: z.number().int().min(2).max(100_000).optional(),
    /** Only points after this step (live charts ask for what is new). */
    afterStep: z.number().int().optional(),
    /** A step range (a zoomed chart asks again for what it shows, at full resolution). */
    fromStep: z.number().int().optional(),
    toStep: z.number().int().optional(),
  }),
  'notebooks.lastRun': z.strictObject({ path: relPath }),
  'datasets.list': z.strictObject({}),
  /** What an import form shows for a path: a CSV file's first rows (delimiter, header, columns with kinds, suggested roles), a MovieLens 100K folder or zip's summary, or a folder's CSV files. */
  'datasets.preview': z.strictObject({
    path: localPath,
    delimiter: z.string().length(1).optional(),
    header: z.boolean().optional(),
    listSeparator: z.string().min(1).max(5).optional(),
    rows: z.number().int().min(1).max(500).default(20),
  }),
  /**
   * Imports MovieLens 100K (folder or zip) or CSV files through a mapping (README "CSV import
   * mapping"; paths in it absolute or relative to `baseDir`, default the workspace folder).
   * Progress comes as `datasets.importProgress`; errors name file, line and column (`details`);
   * nothing is registered when it fails. An existing name is refused (EXISTS) unless `replace`.
   */
  'datasets.import': z.strictObject({
    name: z.string().min(1).max(120),
    source: z.union([z.strictObject({ movielens: localPath }), z.strictObject({ csv: z.unknown(), baseDir: localPath.optional() })]),
    replace: z.boolean().default(false),
  }),
  /**
   * Exports a finished run into `exports/<run name>-<id8>/`: its bundle (verified by loading it),
   * every user's top-K as topk.csv, metrics as CSV and JSON, item embeddings as TSV for projector
   * tools. Progress comes as `export.progress`.
   */
  'export.run': z.strictObject({
    runId,
    /** Length of each user's list; default the largest K the run evaluated. */
    k: z.number().int().min(1).max(1000).optional(),
    parts: z.strictObject({ bundle: z.boolean().optional(), topk: z.boolean().optional(), metrics: z.boolean().optional(), embeddings: z.boolean().optional() }).optional(),
  }),
  /** What a finished run offers the inspector (model, gate, embeddings, attributes), without loading its model. */
  'inspect.run': z.strictObject({ runId }),
  /** The run's users whose id contains `query` (ids starting with it first, natural order), a page at a time. */
  'inspect.users': z.strictObject({
    runId,
    query: z.string().max(200).default(''),
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(1000).default(50),
  }),
  /** One user of a run: training history with titles and attributes, held-out items, the top-K with scores, cold items marked, and the gate of a gated hybrid. */
  'inspect.user': z.strictObject({
    runId,
    user: z.string().min(1).max(500),
    k: z.number().int().min(1).max(1000).default(10),
    historyLimit: z.number().int().min(0).max(100_000).default(200),
  }),
  /** A gated hybrid's gate per item with popularity and cold flags: exact, or the mean over a seeded sample of users when the gate reads user features. */
  'inspect.gate': z.strictObject({
    runId,
    sampleUsers: z.number().int().min(1).max(10_000).default(200),
    seed: z.number().int().default(0),
  }),
  /** Item embeddings projected to 2-D (PCA, or seeded UMAP) with title, popularity, cold flag and an attribute per point. */
  'inspect.embeddings': z.strictObject({
    runId,
    method: z.enum(['pca', 'umap']).default('pca'),
    seed: z.number().int().default(0),
    /** An item attribute to colour by (a list attribute gives its first value). */
    attribute: z.string().min(1).optional(),
    /** Larger catalogues keep their most popular items. */
    maxPoints: z.number().int().min(2).max(200_000).default(20_000),
  }),
  'ui.getState': z.strictObject({}),
  'ui.setState': z.strictObject({ state: z.record(z.string(), z.unknown()) }),
} as const;

/** The result type of every call. */
export interface ApiResults {
  'app.info': AppInfo;
  'notebooks.list': NotebookEntry[];
  'notebooks.read': NotebookFile;
  'notebooks.save': Omit<NotebookFile, 'text'>;
  'notebooks.create': NotebookFile;
  'notebooks.templates': TemplateInfo[];
  'runs.start': { runId: string; preview: boolean };
  'runs.cancel': { cancelled: boolean };
  'runs.live': LiveRunInfo[];
  'runs.list': { total: number; runs: RunSummary[] };
  'runs.rename': Record<string, never>;
  'runs.setNotes': Record<string, never>;
  'runs.setTags': Record<string, never>;
  'runs.deleteTag': Record<string, never>;
  'runs.trash': { trashed: number };
  'runs.restore': { restored: number };
  'runs.emptyTrash': { deleted: number };
  'runs.get': RunRecord;
  'runs.getMany': { runs: RunRecord[]; missing: { id: string; message: string }[] };
  'runs.outputs': RunOutputs;
  'runs.log': string[];
  'runs.series': SeriesRequestResult;
  'notebooks.lastRun': NotebookRunState | null;
  'datasets.list': DatasetInfo[];
  'datasets.preview': DataPreview;
  'datasets.import': ImportDatasetResult;
  'export.run': ExportRunResult;
  'inspect.run': RunInspection;
  'inspect.users': UserSearchResult;
  'inspect.user': UserInspection;
  'inspect.gate': GateView;
  'inspect.embeddings': EmbeddingView;
  'ui.getState': Record<string, unknown>;
  'ui.setState': Record<string, never>;
}

export type CallName = keyof typeof API_CALLS;
/** What a caller passes (defaults may be left out). */
export type CallArgs<K extends CallName> = z.input<(typeof API_CALLS)[K]>;
/** What the host receives after validation (defaults filled in). */
export type ParsedArgs<K extends CallName> = z.output<(typeof API_CALLS)[K]>;
export type CallResult<K extends CallName> = ApiResults[K];

/** Every event the host pushes, with its payload. */
export interface ApiEvents {
  /** Runs were renamed, tagged, trashed, restored or deleted: lists should read again. */
  'runs.changed': { runIds: string[] };
  'run.started': LiveRunInfo;
  /** At most 10 a second per run. */
  'run.progress': RunProgressEvent;
  'run.log': RunLogEvent;
  'run.output': RunOutputEvent;
  'run.finished': RunFinishedEvent;
  /** A notebook file changed on disk, not by a save of this app. */
  'notebook.changed': { path: string; etag: string | undefined };
  /** An export's progress (`export.run`): stage and fraction. */
  'export.progress': ExportProgress;
  /** A dataset import's progress (`datasets.import`): one per file read, then checks and registering. */
  'datasets.importProgress': ImportProgress;
  /** Datasets were imported or replaced: lists should read again. */
  'datasets.changed': { names: string[] };
  /** Desktop only: the application menu asks the workbench to run one of its commands (by id). */
  'app.command': { command: string };
}

export type EventName = keyof ApiEvents;
export const API_EVENTS: readonly EventName[] = [
  'runs.changed',
  'run.started',
  'run.progress',
  'run.log',
  'run.output',
  'run.finished',
  'notebook.changed',
  'export.progress',
  'datasets.importProgress',
  'datasets.changed',
  'app.command',
];

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(API_CALLS, name);
}

/**
 * Validates a call's arguments: the parsed arguments, or an `INVALID_ARGUMENT` error naming
 * the first field that failed (never a stack).
 */
export function parseCallArgs<K extends CallName>(name: K, args: unknown): { ok: true; value: ParsedArgs<K> } | { ok: false; error: ApiError } {
  const r = API_CALLS[name].safeParse(args ?? {});
  if (r.success) return { ok: true, value: r.data as ParsedArgs<K> };
  const issue = r.error.issues[0];
  const field = issue.path.length ? issue.path.join('.') : undefined;
  const unknownKeys = issue.code === 'unrecognized_keys' ? (issue as { keys?: string[] }).keys : undefined;
  const where = unknownKeys?.length ? `unknown argument ${unknownKeys.map((k) => `'${k}'`).join(', ')}` : field ? `argument '${field}'` : 'arguments';
  return { ok: false, error: { code: 'INVALID_ARGUMENT', message: `${name}: ${where}: ${issue.message}`, field: unknownKeys?.[0] ?? field } };
}

/** The API as a client sees it, over whichever transport. */
export interface ApiClient {
  /** Calls the host; an `{ok: false}` reply rejects with an ApiCallError. */
  call<K extends CallName>(name: K, args: CallArgs<K>): Promise<CallResult<K>>;
  /** Subscribes to an event; call the result to unsubscribe. */
  on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
  /** Told when the event channel drops or comes back (browser mode's socket); absent where it cannot drop. */
  onConnection?(listener: (connected: boolean) => void): () => void;
}

// The renderer imports it from './api-error' so its first chunk does not carry zod's schemas.
export { ApiCallError } from './api-error';
