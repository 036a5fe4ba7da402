/** Lifecycle of a run: RUNNING until `finishRun` gives it one of the final states. */
export type RunStatus = 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED';

/** The states `finishRun` accepts. */
export type FinalRunStatus = Exclude<RunStatus, 'RUNNING'>;

export const RUN_STATUSES: readonly RunStatus[] = ['RUNNING', 'FINISHED', 'FAILED', 'KILLED'];

/** A named group of runs (one notebook or one study). Names are unique. */
export interface ExperimentRecord {
  id: number;
  name: string;
  /** Milliseconds since the Unix epoch. */
  created: number;
  runCount: number;
}

/** What `createRun` records. Everything but `spec` is optional. */
export interface NewRun {
  /** Experiment name; created when missing. Default `Default`. */
  experiment?: string;
  /** Display name of the run; default `run`. */
  name?: string;
  /** The full experiment spec, stored as JSON: enough to run it again. */
  spec: unknown;
  seed?: number;
  appVersion?: string;
  /** TF.js backend or `none` for non-neural models. */
  backend?: string;
  /** Fingerprint of the evaluation protocol (dataset, split, candidates): runs compare only when equal. */
  fingerprint?: string;
  datasetStats?: Record<string, unknown>;
  params?: Record<string, ParamValue>;
  tags?: Record<string, string>;
  notes?: string;
  /**
   * Process that owns the run; default this process. `markStaleRunsKilled` ends RUNNING
   * runs whose owner process is gone.
   */
  pid?: number;
}

/** What `updateRun` can change. */
export type RunUpdate = Partial<Pick<NewRun, 'name' | 'seed' | 'appVersion' | 'backend' | 'fingerprint' | 'datasetStats' | 'pid'>>;

/** Params are stored as text; numbers and booleans are turned into their JSON text. */
export type ParamValue = string | number | boolean;

/** One point of a metric series. NaN and ±Infinity are kept as they are. */
export interface MetricPoint {
  key: string;
  value: number;
  /** Integer step (batch, iteration, tuning trial). */
  step: number;
  epoch?: number;
  /** Milliseconds since the Unix epoch; default the time of the batch. */
  time?: number;
}

/** A point as read back from a series. */
export interface SeriesPoint {
  step: number;
  epoch?: number;
  time: number;
  value: number;
}

/** The point with the highest step (then time) logged for a key. */
export interface LatestMetric extends SeriesPoint {
  key: string;
}

/** A file a run produced. */
export interface ArtifactRecord {
  path: string;
  /** e.g. `csv`, `json`, `model`, `bundle`. */
  kind: string;
  /** Bytes. */
  size: number;
}

/** Final metrics by segment (`overall`, `items:cold`, `sampled`, ...), then by key (`ndcg@10`). */
export type SegmentMetrics = Record<string, Record<string, number>>;

/** The fields of NewRun that a run keeps as they were given (`updateRun` may change some). */
type RecordedRunFields = Pick<NewRun, 'spec' | 'seed' | 'appVersion' | 'backend' | 'fingerprint' | 'datasetStats' | 'notes' | 'pid'>;

/** Everything the store knows about a run. */
export interface RunRecord extends RecordedRunFields {
  /** 16 lower-case hex digits. */
  id: string;
  experimentId: number;
  experiment: string;
  name: string;
  status: RunStatus;
  /** Milliseconds since the Unix epoch. */
  startTime: number;
  endTime?: number;
  error?: string;
  host?: string;
  /** When the run was moved to the trash (milliseconds since the Unix epoch); absent when it is not there. */
  deletedAt?: number;
  params: Record<string, string>;
  tags: Record<string, string>;
  /** Last value of each metric series, by key. */
  latestMetrics: Record<string, LatestMetric>;
  finalMetrics: SegmentMetrics;
  artifacts: ArtifactRecord[];
}

/** Which runs `listRuns` returns, and in what order. */
export interface ListRunsQuery {
  /** Experiment name. */
  experiment?: string;
  status?: RunStatus;
  /** `key`, `key=value`, or an object: runs that have the tag (with that value). */
  tag?: string | { key: string; value?: string };
  /** Case-insensitive substring of the run name. */
  search?: string;
  /**
   * A filter in the runs query language (core/spec run-query: `metrics.ndcg@10 > 0.3 and
   * params.model.type = "hybrid" or ...`); a RunStoreError `QUERY` with the position when it
   * does not parse.
   */
  query?: string;
  /** List the runs in the trash (and only those); default: the runs not in it. */
  trashed?: boolean;
  /**
   * Order by a metric, best first (descending unless `ascending`): the final metric of
   * `segment` (default `overall`; for `overall` only, a run without final metrics is
   * ranked by the latest value of its series with that key). Runs without it (or with
   * NaN) come last. Without `orderBy`: newest first.
   */
  orderBy?: string | { metric: string; segment?: string; ascending?: boolean };
  limit?: number;
}

export interface SeriesOptions {
  /**
   * At most this many points (at least 2): min and max per bucket, first and last kept.
   * With a step range, the range is what is downsampled (a zoomed chart asks again).
   */
  maxPoints?: number;
  /** Only points with a step above this one: what a live chart lacks since its last read. */
  afterStep?: number;
  /** Only points with a step of at least this (inclusive). */
  fromStep?: number;
  /** Only points with a step of at most this (inclusive). */
  toStep?: number;
}

/** Several series at once: every listed key of every listed run, read from one snapshot. */
export interface SeriesQuery extends SeriesOptions {
  runIds: readonly string[];
  keys: readonly string[];
}

/** One series of a `getMetricSeriesBatch` answer. */
export interface SeriesSlice {
  runId: string;
  key: string;
  /** The points in the asked step range, downsampled to `maxPoints` when asked. */
  points: SeriesPoint[];
  /** Points in the asked step range before downsampling (more than `points.length` when downsampled). */
  count: number;
  /** Highest step the series has (whatever the range): the next `afterStep` of a live chart. */
  lastStep: number;
}

/** A final metric shown as a column of run summaries. */
export interface MetricColumn {
  key: string;
  /** Default `overall`. */
  segment?: string;
}

/** What a run list shows: one row per run, read in one query (no per-run queries). */
export interface RunSummary {
  id: string;
  name: string;
  experiment: string;
  status: RunStatus;
  startTime: number;
  endTime?: number;
  error?: string;
  /** `model.type` of the spec. */
  modelType?: string;
  /** Dataset name (from the dataset stats; else the spec's `data.name` or `data.source`). */
  dataset?: string;
  fingerprint?: string;
  /** The asked final metrics the run has, by segment then key (as `RunRecord.finalMetrics`). */
  metrics: SegmentMetrics;
  /** The asked params the run has. */
  params: Record<string, string>;
  /** Every tag of the run. */
  tags: Record<string, string>;
}

/** How a run list is sorted: a run field, a final metric, or a param (numbers by value). */
export type RunSummaryOrder =
  | { field: 'startTime' | 'endTime' | 'name' | 'experiment' | 'status' | 'modelType' }
  | { metric: string; segment?: string }
  | { param: string };

/** A page of run summaries: filters as `listRuns`, chosen columns, sort, offset and limit. */
export interface RunSummaryQuery extends Pick<ListRunsQuery, 'experiment' | 'status' | 'tag' | 'search' | 'query' | 'trashed'> {
  /** Final metrics to return as columns. */
  metrics?: readonly (string | MetricColumn)[];
  /** Param keys to return as columns. */
  params?: readonly string[];
  /** Default: newest first. Runs without the sort value come last, whichever the direction. */
  orderBy?: RunSummaryOrder;
  /** Default: descending for start/end time and metrics, ascending for text and params. */
  ascending?: boolean;
  offset?: number;
  /** Default 100. */
  limit?: number;
}

export interface RunSummaryPage {
  /** Runs that pass the filters, over all pages. */
  total: number;
  runs: RunSummary[];
}

/**
 * A whole run as recorded, in plain JSON: what `restoreRuns` writes back (ids, times and
 * status kept) and what every run's artifact folder keeps in `run.json`, so the store
 * can be rebuilt if its file is lost.
 */
export interface RunSnapshot extends RecordedRunFields {
  id: string;
  experiment: string;
  name: string;
  status: RunStatus;
  startTime: number;
  endTime?: number;
  error?: string;
  host?: string;
  params: Record<string, string>;
  tags: Record<string, string>;
  finalMetrics: SegmentMetrics;
  artifacts: ArtifactRecord[];
  /** Every point of every series, in the order logged. */
  series?: MetricPoint[];
}

export interface StaleRunOptions {
  /** Runs known to be alive (e.g. the ones a host is running now): never touched. */
  liveRunIds?: Iterable<string>;
  /** Whether a process is alive; default `process.kill(pid, 0)`. */
  isProcessAlive?: (pid: number) => boolean;
}

/**
 * The run store (MLflow's tracking store, plus what recommenders need: protocol
 * fingerprints, per-segment metrics). One implementation: `SqliteRunStore`.
 * Every write is one transaction: it lands whole or not at all.
 */
export interface RunStore {
  /** Creates an experiment; a RunStoreError `EXPERIMENT_EXISTS` if the name is taken. */
  createExperiment(name: string): ExperimentRecord;
  getOrCreateExperiment(name: string): ExperimentRecord;
  listExperiments(): ExperimentRecord[];

  /** Records a new RUNNING run with its spec, params and tags. */
  createRun(run: NewRun): RunRecord;
  /**
   * Fills in or corrects what is known only once work has started (the backend after
   * tfjs initialises, the fingerprint and stats after the dataset is loaded, the worker's
   * pid). Fields left out are unchanged.
   */
  updateRun(runId: string, fields: RunUpdate): RunRecord;
  /** Appends points to metric series, all in one transaction; updates the latest value per key. */
  logMetrics(runId: string, points: readonly MetricPoint[]): void;
  /** One point; goes through `logMetrics`. */
  logMetric(runId: string, point: MetricPoint): void;
  /** Params are write-once: logging the same value again is fine, a different one is `PARAM_CHANGED`. */
  logParams(runId: string, params: Record<string, ParamValue>): void;
  /** Sets (or overwrites) tags. */
  setTags(runId: string, tags: Record<string, string>): void;
  deleteTag(runId: string, key: string): void;
  setNotes(runId: string, notes: string): void;
  /** Sets (or overwrites) final metrics, by segment then key. */
  logFinalMetrics(runId: string, segments: SegmentMetrics): void;
  /** Records (or updates) an artifact by path. */
  addArtifact(runId: string, artifact: ArtifactRecord): void;
  /** Ends a run: status, end time, error message. */
  finishRun(runId: string, status: FinalRunStatus, error?: string): void;

  /** By full id or a unique prefix (as git does); `undefined` when none matches; `AMBIGUOUS_RUN_ID` when several do. */
  getRun(idOrPrefix: string): RunRecord | undefined;
  listRuns(query?: ListRunsQuery): RunRecord[];
  /** Keys of the metric series a run has, sorted. */
  listMetricKeys(runId: string): string[];
  /** A series in step order (within the step range when asked), downsampled to `maxPoints` when asked. */
  getMetricSeries(runId: string, key: string, options?: SeriesOptions): SeriesPoint[];
  /**
   * Every asked key of every asked run in one snapshot, each as `getMetricSeries` reads
   * it; series that do not exist are left out. For live charts: `afterStep` gives only
   * what came since the last read.
   */
  getMetricSeriesBatch(query: SeriesQuery): SeriesSlice[];
  /** A page of run summaries in one query: no per-run queries, fast on many runs. */
  listRunSummaries(query?: RunSummaryQuery): RunSummaryPage;
  /**
   * Writes whole runs back as they were recorded (ids, times, statuses kept; experiments
   * created when missing), all in one transaction. `RUN_EXISTS` (nothing written) when
   * an id is taken: a restore never overwrites a run.
   */
  restoreRuns(runs: readonly RunSnapshot[]): void;
  /** A run with every series point in the order logged (what `restoreRuns` takes); `undefined` when there is no such run. */
  getRunSnapshot(runId: string): RunSnapshot | undefined;
  /** Deletes a run and everything recorded for it (not its artifact files). */
  deleteRun(runId: string): void;
  /**
   * Moves runs to the trash: hidden from lists (unless `trashed` is asked), everything
   * kept, `restoreFromTrash` brings them back. A RUNNING run is refused (`RUN_LIVE`).
   */
  moveToTrash(runIds: readonly string[]): void;
  restoreFromTrash(runIds: readonly string[]): void;
  /** Deletes the runs in the trash for good; returns their ids (their artifact folders are the caller's). */
  emptyTrash(): string[];
  /**
   * Ends as KILLED the RUNNING runs whose owner process is gone (a crash, a kill -9, a
   * closed laptop), so they do not stay RUNNING forever. Call it at start-up. Runs in
   * `liveRunIds`, of a live pid, or created on another host are left alone. Returns the
   * ids it ended.
   */
  markStaleRunsKilled(options?: StaleRunOptions): string[];
  close(): void;
}
