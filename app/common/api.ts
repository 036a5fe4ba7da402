import { z } from 'zod';
import type { LiveRunInfo, NotebookEntry, NotebookFile, RunFinishedEvent, RunLogEvent, RunOutputEvent, RunProgressEvent } from '../../core/workspace';
import type { RunOutputs } from '../../core/experiment';
import type { RunRecord, SeriesPoint } from '../../core/runs';
import type { DatasetStats } from '../../core/data';

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
}

// ---- argument schemas

const runId = z.string().regex(/^(?:[0-9a-f]{4,16}|preview-[0-9a-f]+)$/, 'a run id: 16 hex digits (or a unique prefix)');
const relPath = z.string().min(1).max(1024).describe('a path relative to the workspace folder');
const previewStage = z.enum(['data', 'split', 'features', 'model']);

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
    limit: z.number().int().min(1).max(1000).default(100),
    experiment: z.string().optional(),
    status: z.enum(['RUNNING', 'FINISHED', 'FAILED', 'KILLED']).optional(),
  }),
  'runs.get': z.strictObject({ runId }),
  'runs.outputs': z.strictObject({ runId }),
  'runs.log': z.strictObject({ runId }),
  'runs.series': z.strictObject({
    runIds: z.array(runId).min(1).max(1000),
    keys: z.array(z.string().min(1)).min(1).max(100),
    /** Downsample each series to about this many points (min and max per bucket, first and last kept). */
    maxPoints: z.number().int().min(2).max(100_000).optional(),
    /** Only points after this step (live charts ask for what is new). */
    afterStep: z.number().int().optional(),
  }),
  'notebooks.lastRun': z.strictObject({ path: relPath }),
  'datasets.list': z.strictObject({}),
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
  'runs.get': RunRecord;
  'runs.outputs': RunOutputs;
  'runs.log': string[];
  'runs.series': SeriesRequestResult;
  'notebooks.lastRun': NotebookRunState | null;
  'datasets.list': DatasetInfo[];
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
  'run.started': LiveRunInfo;
  /** At most 10 a second per run. */
  'run.progress': RunProgressEvent;
  'run.log': RunLogEvent;
  'run.output': RunOutputEvent;
  'run.finished': RunFinishedEvent;
  /** A notebook file changed on disk, not by a save of this app. */
  'notebook.changed': { path: string; etag: string | undefined };
}

export type EventName = keyof ApiEvents;
export const API_EVENTS: readonly EventName[] = ['run.started', 'run.progress', 'run.log', 'run.output', 'run.finished', 'notebook.changed'];

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
