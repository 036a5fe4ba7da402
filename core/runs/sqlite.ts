import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { openDatabase } from './database';
import { RunStoreError } from './errors';
import { BLOCK_SIZES, BlockBuilder, blockOfPoints, blockSizeFor, CHUNK, concatChunks, FIELDS, mergeIntoChunks, pointsFromBlocks, type BlockPoint, type PointRow } from './series-blocks';

/** The finest block size: a range's blocks (its ends read point by point stay under it). */
const BLOCK = BLOCK_SIZES[0];
import { runFilterSql } from './filters';
import { summarySql, toSummary } from './summaries';
import { guarded, inReadTransaction, inTransaction } from './transaction';
import {
  RUN_STATUSES,
  type ArtifactRecord,
  type ExperimentRecord,
  type FinalRunStatus,
  type LatestMetric,
  type ListRunsQuery,
  type MetricPoint,
  type NewRun,
  type ParamValue,
  type RunRecord,
  type RunStatus,
  type RunStore,
  type RunSnapshot,
  type RunSummaryPage,
  type RunSummaryQuery,
  type RunUpdate,
  type SegmentMetrics,
  type SeriesOptions,
  type SeriesPoint,
  type SeriesQuery,
  type SeriesSlice,
  type StaleRunOptions,
} from './types';

const DEFAULT_EXPERIMENT = 'Default';
/** Points per INSERT statement: one native call per row is what limits ingest, not SQLite. */
const ROWS_PER_INSERT = 100;
const POINT_COLUMNS = 6;

/**
 * Opens the run store in `file` (folder and file created if missing, schema migrated).
 * Throws RunStoreError `NOT_A_DATABASE` for a file that is not a run store (left
 * untouched) and `SCHEMA_TOO_NEW` for one written by a newer RecLab.
 */
export function openRunStore(file: string): SqliteRunStore {
  return new SqliteRunStore(path.resolve(file));
}

interface RunRow {
  id: string;
  experiment_id: number;
  experiment: string;
  name: string;
  status: RunStatus;
  start_time: number;
  end_time: number | null;
  error: string | null;
  spec: string;
  seed: number | null;
  app_version: string | null;
  backend: string | null;
  fingerprint: string | null;
  dataset_stats: string | null;
  notes: string | null;
  pid: number | null;
  host: string | null;
  deleted_at: number | null;
}

/** SQLite stores a NaN as NULL; a metric value is never absent, so NULL reads back as NaN. */
/** A series' row; while a batch is written, updated point by point and saved at the end. */
interface SeriesRow {
  id: number;
  /** Points the series has, counting those of this batch so far: the next point's seq. */
  points: number;
  ordered: 0 | 1;
  step: number;
  epoch: number | null;
  time: number;
  value: number;
}

function fromDb(v: number | null): number {
  return v === null ? NaN : v;
}

/** The points of series @id within the step range [@from, @to]. */
const IN_RANGE = 'series_id = @id AND step >= @from AND step <= @to';

/** Min and max per bucket of the points `numbered` gives (with their position `i`). */
function bucketQuery(numbered: string): string {
  return `WITH p AS (${numbered}),
    q AS (SELECT step, seq, epoch, time, value, (i * CAST(@buckets AS INTEGER)) / CAST(@inner AS INTEGER) AS b FROM p WHERE i >= 0 AND i < @inner)
  SELECT b, step, seq, epoch, time, min(value) FROM q GROUP BY b
  UNION ALL
  SELECT b, step, seq, epoch, time, max(value) FROM q GROUP BY b`;
}

/** A bucket's min or max: bucket, step, seq, epoch, time, value. */
type BucketRow = [number, number, number, number | null, number, number | null];

/** A step range as bounds for SQL (steps are safe integers), and whether it is the whole series. */
interface SeriesRange {
  from: number;
  to: number;
  whole: boolean;
  maxPoints?: number;
}

function seriesRange(options: SeriesOptions): SeriesRange {
  const { maxPoints, afterStep, fromStep, toStep } = options;
  if (maxPoints !== undefined && (!Number.isInteger(maxPoints) || maxPoints < 2)) throw invalid(`maxPoints must be an integer of at least 2, got ${maxPoints}.`);
  for (const [name, v] of [['afterStep', afterStep], ['fromStep', fromStep], ['toStep', toStep]] as const) {
    if (v !== undefined && (typeof v !== 'number' || Number.isNaN(v))) throw invalid(`${name} must be a number, got ${JSON.stringify(v)}.`);
  }
  let from = Number.MIN_SAFE_INTEGER;
  let to = Number.MAX_SAFE_INTEGER;
  // Steps are integers: "after 2.5" is "from 3", "up to 2.5" is "up to 2".
  if (afterStep !== undefined) from = Math.max(from, Math.floor(afterStep) + 1);
  if (fromStep !== undefined) from = Math.max(from, Math.ceil(fromStep));
  if (toStep !== undefined) to = Math.min(to, Math.floor(toStep));
  from = Math.min(Math.max(from, Number.MIN_SAFE_INTEGER), Number.MAX_SAFE_INTEGER);
  to = Math.min(Math.max(to, Number.MIN_SAFE_INTEGER), Number.MAX_SAFE_INTEGER);
  return { from, to, whole: afterStep === undefined && fromStep === undefined && toStep === undefined, maxPoints };
}

function toPoint([step, epoch, time, value]: [number, number | null, number, number | null]): SeriesPoint {
  return epoch === null ? { step, time, value: fromDb(value) } : { step, epoch, time, value: fromDb(value) };
}

function opt<T>(v: T | null): T | undefined {
  return v === null ? undefined : v;
}

function paramText(v: ParamValue): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function invalid(message: string): RunStoreError {
  return new RunStoreError(message, 'INVALID_ARGUMENT');
}

const RUN_COLUMNS = `r.id, r.experiment_id, e.name AS experiment, r.name, r.status, r.start_time, r.end_time, r.error, r.spec,
  r.seed, r.app_version, r.backend, r.fingerprint, r.dataset_stats, r.notes, r.pid, r.host, r.deleted_at`;

/** The run store in one SQLite file (WAL, so the UI reads while a worker writes). */
export class SqliteRunStore implements RunStore {
  private readonly db: Database.Database;
  private readonly stmts: ReturnType<SqliteRunStore['prepare']>;

  constructor(readonly file: string) {
    this.db = openDatabase(file);
    try {
      this.stmts = guarded(file, 'prepare its queries', () => this.prepare());
    } catch (e) {
      this.db.close();
      throw e;
    }
  }

  private prepare() {
    const db = this.db;
    return {
      insertExperiment: db.prepare('INSERT INTO experiments (name, created) VALUES (?, ?)'),
      experimentByName: db.prepare('SELECT id, name, created, (SELECT count(*) FROM runs WHERE experiment_id = experiments.id) AS runCount FROM experiments WHERE name = ?'),
      listExperiments: db.prepare('SELECT id, name, created, (SELECT count(*) FROM runs WHERE experiment_id = experiments.id) AS runCount FROM experiments ORDER BY created, id'),
      insertRun: db.prepare(`INSERT INTO runs (id, experiment_id, name, status, start_time, spec, seed, app_version, backend, fingerprint, dataset_stats, notes, pid, host)
        VALUES (@id, @experimentId, @name, 'RUNNING', @startTime, @spec, @seed, @appVersion, @backend, @fingerprint, @datasetStats, @notes, @pid, @host)`),
      runExists: db.prepare('SELECT 1 FROM runs WHERE id = ?').pluck(),
      runById: db.prepare(`SELECT ${RUN_COLUMNS} FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.id = ?`),
      runIdsByPrefix: db.prepare("SELECT id FROM runs WHERE id GLOB ? || '*' ORDER BY id LIMIT 6").pluck(),
      insertPoint: db.prepare('INSERT INTO metrics (series_id, step, seq, epoch, time, value) VALUES (?, ?, ?, ?, ?, ?)'),
      insertPoints: db.prepare(`INSERT INTO metrics (series_id, step, seq, epoch, time, value) VALUES ${Array(ROWS_PER_INSERT).fill('(?, ?, ?, ?, ?, ?)').join(', ')}`),
      seriesByKey: db.prepare('SELECT id, points, ordered, step, epoch, time, value FROM metric_series WHERE run_id = ? AND key = ?'),
      insertSeries: db.prepare('INSERT INTO metric_series (run_id, key, step, epoch, time, value) VALUES (?, ?, ?, ?, ?, ?)'),
      updateSeries: db.prepare('UPDATE metric_series SET points = @points, ordered = @ordered, step = @step, epoch = @epoch, time = @time, value = @value WHERE id = @id'),
      paramValue: db.prepare('SELECT value FROM params WHERE run_id = ? AND key = ?').pluck(),
      insertParam: db.prepare('INSERT INTO params (run_id, key, value) VALUES (?, ?, ?)'),
      upsertTag: db.prepare('INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?) ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value'),
      deleteTag: db.prepare('DELETE FROM tags WHERE run_id = ? AND key = ?'),
      setNotes: db.prepare('UPDATE runs SET notes = ? WHERE id = ?'),
      upsertFinal: db.prepare('INSERT INTO final_metrics (run_id, segment, key, value) VALUES (?, ?, ?, ?) ON CONFLICT (run_id, segment, key) DO UPDATE SET value = excluded.value'),
      upsertArtifact: db.prepare(`INSERT INTO artifacts (run_id, path, kind, size, created) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (run_id, path) DO UPDATE SET kind = excluded.kind, size = excluded.size, created = excluded.created`),
      finishRun: db.prepare('UPDATE runs SET status = ?, end_time = ?, error = ? WHERE id = ?'),
      deleteRun: db.prepare('DELETE FROM runs WHERE id = ?'),
      params: db.prepare('SELECT key, value FROM params WHERE run_id = ? ORDER BY key').raw(),
      tags: db.prepare('SELECT key, value FROM tags WHERE run_id = ? ORDER BY key').raw(),
      latest: db.prepare('SELECT key, step, epoch, time, value FROM metric_series WHERE run_id = ? ORDER BY key'),
      finals: db.prepare('SELECT segment, key, value FROM final_metrics WHERE run_id = ? ORDER BY segment, key').raw(),
      artifacts: db.prepare('SELECT path, kind, size FROM artifacts WHERE run_id = ? ORDER BY path'),
      metricKeys: db.prepare('SELECT key FROM metric_series WHERE run_id = ? ORDER BY key').pluck(),
      series: db.prepare(`SELECT step, epoch, time, value FROM metrics WHERE ${IN_RANGE} ORDER BY step, seq`).raw(),
      seriesEnd: db.prepare(
        `SELECT * FROM (SELECT step, epoch, time, value, seq FROM metrics WHERE ${IN_RANGE} ORDER BY step, seq LIMIT 1) UNION ALL SELECT * FROM (SELECT step, epoch, time, value, seq FROM metrics WHERE ${IN_RANGE} ORDER BY step DESC, seq DESC LIMIT 1)`,
      ).raw(),
      chunkRow: db.prepare('SELECT blocks FROM metric_blocks WHERE series_id = ? AND size = ? AND chunk = ?').pluck(),
      putChunk: db.prepare('INSERT OR REPLACE INTO metric_blocks (series_id, size, chunk, blocks) VALUES (?, ?, ?, ?)'),
      seriesChunks: db.prepare('SELECT blocks FROM metric_blocks WHERE series_id = ? AND size = ? ORDER BY chunk').pluck(),
      seriesChunkRange: db.prepare('SELECT blocks FROM metric_blocks WHERE series_id = ? AND size = ? AND chunk BETWEEN ? AND ? ORDER BY chunk').pluck(),
      // The first and the last n points of a step range (an ordered series' range is a run of seqs).
      rangeHead: db.prepare(`SELECT step, seq, epoch, time, value FROM metrics WHERE ${IN_RANGE} ORDER BY step, seq LIMIT @n`).raw(),
      rangeTail: db.prepare(`SELECT step, seq, epoch, time, value FROM metrics WHERE ${IN_RANGE} ORDER BY step DESC, seq DESC LIMIT @n`).raw(),
      seriesCount: db.prepare(`SELECT count(*) FROM metrics WHERE ${IN_RANGE}`).pluck(),
      // Bucket of inner point i (0-based, first point excluded) is floor(i * buckets / inner),
      // as in downsampleSeries. With one min() or max() per query, SQLite takes the bare
      // columns from the row holding it; NULL (NaN) values lose, as NaN does there.
      // In an ordered series, seq is the position in step order, so i = seq - (first seq) - 1;
      // otherwise a window function numbers the points.
      seriesBucketsOrdered: db.prepare(bucketQuery(`SELECT step, seq, epoch, time, value, seq - CAST(@firstSeq AS INTEGER) - 1 AS i FROM metrics WHERE ${IN_RANGE}`)).raw(),
      seriesBuckets: db.prepare(bucketQuery(`SELECT step, seq, epoch, time, value, row_number() OVER (ORDER BY step, seq) - 2 AS i FROM metrics WHERE ${IN_RANGE}`)).raw(),
      seriesInArrivalOrder: db.prepare('SELECT s.key, m.step, m.epoch, m.time, m.value FROM metric_series s JOIN metrics m ON m.series_id = s.id WHERE s.run_id = ? ORDER BY s.id, m.seq').raw(),
      restoreRun: db.prepare(`INSERT INTO runs (id, experiment_id, name, status, start_time, end_time, error, spec, seed, app_version, backend, fingerprint, dataset_stats, notes, pid, host)
        VALUES (@id, @experimentId, @name, @status, @startTime, @endTime, @error, @spec, @seed, @appVersion, @backend, @fingerprint, @datasetStats, @notes, @pid, @host)`),
      runningRuns: db.prepare("SELECT id, pid, host FROM runs WHERE status = 'RUNNING'"),
      killStale: db.prepare("UPDATE runs SET status = 'KILLED', end_time = ?, error = ? WHERE id = ? AND status = 'RUNNING'"),
    };
  }

  // ---- experiments

  createExperiment(name: string): ExperimentRecord {
    const n = this.experimentName(name);
    return inTransaction(this.db, this.file, `create experiment "${n}"`, () => {
      if (this.stmts.experimentByName.get(n)) throw new RunStoreError(`Experiment "${n}" already exists in ${this.file}. Pick another name, or use it as it is.`, 'EXPERIMENT_EXISTS');
      return this.insertExperiment(n);
    });
  }

  getOrCreateExperiment(name: string): ExperimentRecord {
    const n = this.experimentName(name);
    return inTransaction(this.db, this.file, `create experiment "${n}"`, () => (this.stmts.experimentByName.get(n) as ExperimentRecord | undefined) ?? this.insertExperiment(n));
  }

  listExperiments(): ExperimentRecord[] {
    return guarded(this.file, 'list experiments', () => this.stmts.listExperiments.all() as ExperimentRecord[]);
  }

  private experimentName(name: string): string {
    if (typeof name !== 'string' || name.trim() === '') throw invalid(`An experiment needs a non-empty name, got ${JSON.stringify(name)}.`);
    return name.trim();
  }

  private insertExperiment(name: string, created = Date.now()): ExperimentRecord {
    const id = Number(this.stmts.insertExperiment.run(name, created).lastInsertRowid);
    return { id, name, created, runCount: 0 };
  }

  // ---- writes

  createRun(run: NewRun): RunRecord {
    if (run.spec === undefined) throw invalid('createRun needs the run spec (the full experiment spec, stored so the run can be repeated).');
    const experiment = this.experimentName(run.experiment ?? DEFAULT_EXPERIMENT);
    const id = inTransaction(this.db, this.file, 'create a run', () => {
      const exp = (this.stmts.experimentByName.get(experiment) as ExperimentRecord | undefined) ?? this.insertExperiment(experiment);
      let runId = crypto.randomBytes(8).toString('hex');
      while (this.stmts.runExists.get(runId)) runId = crypto.randomBytes(8).toString('hex');
      this.stmts.insertRun.run({
        id: runId,
        experimentId: exp.id,
        name: run.name ?? 'run',
        startTime: Date.now(),
        spec: JSON.stringify(run.spec),
        seed: run.seed ?? null,
        appVersion: run.appVersion ?? null,
        backend: run.backend ?? null,
        fingerprint: run.fingerprint ?? null,
        datasetStats: run.datasetStats === undefined ? null : JSON.stringify(run.datasetStats),
        notes: run.notes ?? null,
        pid: run.pid ?? process.pid,
        host: os.hostname(),
      });
      if (run.params) this.writeParams(runId, run.params);
      if (run.tags) this.writeTags(runId, run.tags);
      return runId;
    });
    return this.getRun(id)!;
  }

  updateRun(runId: string, fields: RunUpdate): RunRecord {
    const columns: Record<keyof RunUpdate, string> = { name: 'name', seed: 'seed', appVersion: 'app_version', backend: 'backend', fingerprint: 'fingerprint', datasetStats: 'dataset_stats', pid: 'pid' };
    const sets: string[] = [];
    const args: unknown[] = [];
    for (const [field, column] of Object.entries(columns) as [keyof RunUpdate, string][]) {
      const v = fields[field];
      if (v === undefined) continue;
      sets.push(`${column} = ?`);
      args.push(field === 'datasetStats' ? JSON.stringify(v) : v);
    }
    this.inRunTransaction(runId, `update run ${runId}`, () => {
      if (sets.length) this.db.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE id = ?`).run(...args, runId);
    });
    return this.getRun(runId)!;
  }

  logMetrics(runId: string, points: readonly MetricPoint[]): void {
    if (points.length === 0) return;
    this.inRunTransaction(runId, `log ${points.length} metric points for run ${runId}`, () => {
      const now = Date.now();
      const { insertPoints, insertPoint } = this.stmts;
      // Series ids and latest points are resolved per key once per batch, not per point.
      const series = new Map<string, SeriesRow>();
      const blocks = new BlockBuilder();
      const args: (number | null)[] = new Array(ROWS_PER_INSERT * POINT_COLUMNS);
      let filled = 0;
      for (let i = 0; i < points.length; i++) {
        const p = points[i];
        if (typeof p.key !== 'string' || p.key === '' || typeof p.value !== 'number' || !Number.isSafeInteger(p.step) || (p.epoch !== undefined && typeof p.epoch !== 'number') || (p.time !== undefined && !Number.isFinite(p.time)))
          throw invalid(`Metric point ${i} of the batch is invalid (key ${JSON.stringify(p.key)}, value ${String(p.value)}, step ${String(p.step)}): a point needs a non-empty key, a number value and an integer step. Nothing of this batch was written.`);
        const time = p.time ?? now;
        const epoch = p.epoch ?? null;
        let s = series.get(p.key);
        if (!s) {
          s = this.stmts.seriesByKey.get(runId, p.key) as SeriesRow | undefined;
          if (!s) {
            const id = Number(this.stmts.insertSeries.run(runId, p.key, p.step, epoch, time, p.value).lastInsertRowid);
            s = { id, points: 0, ordered: 1, step: p.step, epoch, time, value: p.value };
          }
          series.set(p.key, s);
        }
        if (p.step < s.step) s.ordered = 0;
        else if (p.step > s.step || time >= s.time) {
          s.step = p.step;
          s.epoch = epoch;
          s.time = time;
          s.value = p.value;
        }
        blocks.add(s.id, p.step, s.points, epoch, time, p.value);
        const o = filled * POINT_COLUMNS;
        args[o] = s.id;
        args[o + 1] = p.step;
        args[o + 2] = s.points++;
        args[o + 3] = epoch;
        args[o + 4] = time;
        args[o + 5] = p.value;
        if (++filled === ROWS_PER_INSERT) {
          insertPoints.run(args);
          filled = 0;
        }
      }
      for (let r = 0; r < filled; r++) insertPoint.run(args.slice(r * POINT_COLUMNS, (r + 1) * POINT_COLUMNS));
      for (const s of series.values()) this.stmts.updateSeries.run(s);
      const { chunkRow, putChunk } = this.stmts;
      for (const c of mergeIntoChunks(blocks.blocks(), (id, size, chunk) => chunkRow.get(id, size, chunk) as Buffer | undefined)) putChunk.run(c.seriesId, c.size, c.chunk, Buffer.from(c.data.buffer, c.data.byteOffset, c.data.byteLength));
    });
  }

  logMetric(runId: string, point: MetricPoint): void {
    this.logMetrics(runId, [point]);
  }

  logParams(runId: string, params: Record<string, ParamValue>): void {
    this.inRunTransaction(runId, `log params for run ${runId}`, () => {
      this.writeParams(runId, params);
    });
  }

  private writeParams(runId: string, params: Record<string, ParamValue>): void {
    for (const [key, raw] of Object.entries(params)) {
      if (!['string', 'number', 'boolean'].includes(typeof raw)) throw invalid(`Param "${key}" must be a string, number or boolean, got ${typeof raw}. Nothing of this batch was written.`);
      const value = paramText(raw);
      const old = this.stmts.paramValue.get(runId, key) as string | undefined;
      if (old === undefined) this.stmts.insertParam.run(runId, key, value);
      else if (old !== value)
        throw new RunStoreError(`Param "${key}" of run ${runId} is already ${JSON.stringify(old)}; params describe how a run was made and cannot change (got ${JSON.stringify(value)}). Use a tag or a new param key.`, 'PARAM_CHANGED');
    }
  }

  setTags(runId: string, tags: Record<string, string>): void {
    this.inRunTransaction(runId, `set tags of run ${runId}`, () => {
      this.writeTags(runId, tags);
    });
  }

  private writeTags(runId: string, tags: Record<string, string>): void {
    for (const [key, value] of Object.entries(tags)) {
      if (typeof value !== 'string') throw invalid(`Tag "${key}" must be a string, got ${typeof value}. Nothing of this batch was written.`);
      this.stmts.upsertTag.run(runId, key, value);
    }
  }

  deleteTag(runId: string, key: string): void {
    this.inRunTransaction(runId, `delete tag "${key}" of run ${runId}`, () => {
      this.stmts.deleteTag.run(runId, key);
    });
  }

  setNotes(runId: string, notes: string): void {
    this.inRunTransaction(runId, `set notes of run ${runId}`, () => {
      this.stmts.setNotes.run(notes, runId);
    });
  }

  logFinalMetrics(runId: string, segments: SegmentMetrics): void {
    this.inRunTransaction(runId, `log final metrics of run ${runId}`, () => {
      for (const [segment, metrics] of Object.entries(segments)) {
        for (const [key, value] of Object.entries(metrics)) {
          if (typeof value !== 'number') throw invalid(`Final metric ${segment}/${key} must be a number, got ${typeof value}. Nothing of this batch was written.`);
          this.stmts.upsertFinal.run(runId, segment, key, value);
        }
      }
    });
  }

  addArtifact(runId: string, artifact: ArtifactRecord): void {
    if (typeof artifact.path !== 'string' || artifact.path === '' || !Number.isFinite(artifact.size)) throw invalid(`An artifact needs a path and a size in bytes, got ${JSON.stringify(artifact)}.`);
    this.inRunTransaction(runId, `add artifact ${artifact.path} to run ${runId}`, () => {
      this.stmts.upsertArtifact.run(runId, artifact.path, artifact.kind, artifact.size, Date.now());
    });
  }

  finishRun(runId: string, status: FinalRunStatus, error?: string): void {
    if (!RUN_STATUSES.includes(status) || status === ('RUNNING' as RunStatus)) throw invalid(`finishRun needs FINISHED, FAILED or KILLED, got ${JSON.stringify(status)}.`);
    this.inRunTransaction(runId, `finish run ${runId}`, () => {
      this.stmts.finishRun.run(status, Date.now(), error ?? null, runId);
    });
  }

  deleteRun(runId: string): void {
    this.inRunTransaction(runId, `delete run ${runId}`, () => {
      this.stmts.deleteRun.run(runId);
    });
  }

  moveToTrash(runIds: readonly string[]): void {
    inTransaction(this.db, this.file, `move ${runIds.length} runs to the trash`, () => {
      const now = Date.now();
      for (const id of runIds) {
        this.requireRun(id);
        const status = this.db.prepare('SELECT status FROM runs WHERE id = ?').pluck().get(id);
        if (status === 'RUNNING') throw new RunStoreError(`Run ${id} is still running: cancel it before deleting it. Nothing was moved to the trash.`, 'RUN_LIVE');
        this.db.prepare('UPDATE runs SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL').run(now, id);
      }
    });
  }

  restoreFromTrash(runIds: readonly string[]): void {
    inTransaction(this.db, this.file, `restore ${runIds.length} runs from the trash`, () => {
      for (const id of runIds) {
        this.requireRun(id);
        this.db.prepare('UPDATE runs SET deleted_at = NULL WHERE id = ?').run(id);
      }
    });
  }

  emptyTrash(): string[] {
    return inTransaction(this.db, this.file, 'empty the trash', () => {
      const ids = this.db.prepare('SELECT id FROM runs WHERE deleted_at IS NOT NULL ORDER BY deleted_at').pluck().all() as string[];
      this.db.prepare('DELETE FROM runs WHERE deleted_at IS NOT NULL').run();
      return ids;
    });
  }

  restoreRuns(runs: readonly RunSnapshot[]): void {
    for (const r of runs) {
      if (typeof r.id !== 'string' || !/^[0-9a-f]+$/.test(r.id)) throw invalid(`A restored run needs its id (lower-case hex digits), got ${JSON.stringify(r.id)}. Nothing was restored.`);
      if (!RUN_STATUSES.includes(r.status)) throw invalid(`Run ${r.id} has status ${JSON.stringify(r.status)}; a run is one of ${RUN_STATUSES.join(', ')}. Nothing was restored.`);
      if (!Number.isFinite(r.startTime)) throw invalid(`Run ${r.id} needs a start time in milliseconds, got ${JSON.stringify(r.startTime)}. Nothing was restored.`);
      if (r.spec === undefined) throw invalid(`Run ${r.id} has no spec. Nothing was restored.`);
    }
    inTransaction(this.db, this.file, `restore ${runs.length} runs`, () => {
      for (const r of runs) {
        if (this.stmts.runExists.get(r.id)) throw new RunStoreError(`Run ${r.id} is already in ${this.file}; a restore never overwrites a run. Nothing was restored.`, 'RUN_EXISTS');
        const name = this.experimentName(r.experiment);
        const exp = (this.stmts.experimentByName.get(name) as ExperimentRecord | undefined) ?? this.insertExperiment(name, r.startTime);
        this.stmts.restoreRun.run({
          id: r.id,
          experimentId: exp.id,
          name: r.name,
          status: r.status,
          startTime: r.startTime,
          endTime: r.endTime ?? null,
          error: r.error ?? null,
          spec: JSON.stringify(r.spec),
          seed: r.seed ?? null,
          appVersion: r.appVersion ?? null,
          backend: r.backend ?? null,
          fingerprint: r.fingerprint ?? null,
          datasetStats: r.datasetStats === undefined ? null : JSON.stringify(r.datasetStats),
          notes: r.notes ?? null,
          pid: r.pid ?? null,
          host: r.host ?? null,
        });
        this.writeParams(r.id, r.params);
        this.writeTags(r.id, r.tags);
        this.logFinalMetrics(r.id, r.finalMetrics);
        for (const a of r.artifacts) this.stmts.upsertArtifact.run(r.id, a.path, a.kind, a.size, r.endTime ?? r.startTime);
        if (r.series?.length) this.logMetrics(r.id, r.series);
      }
    });
  }

  markStaleRunsKilled(options: StaleRunOptions = {}): string[] {
    const live = new Set(options.liveRunIds ?? []);
    const alive = options.isProcessAlive ?? isProcessAlive;
    const host = os.hostname();
    return inTransaction(this.db, this.file, 'end stale runs', () => {
      const ended: string[] = [];
      const now = Date.now();
      for (const r of this.stmts.runningRuns.all() as { id: string; pid: number | null; host: string | null }[]) {
        if (live.has(r.id)) continue;
        // A pid means nothing on another machine (a workspace on a shared drive).
        if (r.host !== null && r.host !== host) continue;
        if (r.pid !== null && alive(r.pid)) continue;
        const who = r.pid === null ? 'the process that ran it' : `the process that ran it (pid ${r.pid})`;
        this.stmts.killStale.run(now, `${who} ended without finishing the run (crash, kill, or shutdown); the metrics logged before are kept.`, r.id);
        ended.push(r.id);
      }
      return ended;
    });
  }

  /** A write transaction on one existing run: RUN_NOT_FOUND (nothing written) when the run is not there. */
  private inRunTransaction(runId: string, action: string, fn: () => void): void {
    inTransaction(this.db, this.file, action, () => {
      this.requireRun(runId);
      fn();
    });
  }

  private requireRun(runId: string): void {
    if (!this.stmts.runExists.get(runId)) throw new RunStoreError(`No run ${JSON.stringify(runId)} in ${this.file}. It may have been deleted; list runs to see the ids.`, 'RUN_NOT_FOUND');
  }

  // ---- reads

  getRun(idOrPrefix: string): RunRecord | undefined {
    return inReadTransaction(this.db, this.file, `read run ${idOrPrefix}`, () => {
      const row = this.stmts.runById.get(idOrPrefix) as RunRow | undefined;
      if (row) return this.toRecord(row);
      if (!/^[0-9a-f]+$/i.test(idOrPrefix)) return undefined;
      const ids = this.stmts.runIdsByPrefix.all(idOrPrefix.toLowerCase()) as string[];
      if (ids.length === 0) return undefined;
      if (ids.length > 1)
        throw new RunStoreError(`Run id prefix "${idOrPrefix}" matches several runs (${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', ...' : ''}). Give more digits.`, 'AMBIGUOUS_RUN_ID');
      return this.toRecord(this.stmts.runById.get(ids[0]) as RunRow);
    });
  }

  listRuns(query: ListRunsQuery = {}): RunRecord[] {
    const { where, args } = runFilterSql(query);
    let join = '';
    let order = 'r.start_time DESC, r.rowid DESC';
    const joinArgs: unknown[] = [];
    if (query.orderBy !== undefined) {
      const o = typeof query.orderBy === 'string' ? { metric: query.orderBy } : query.orderBy;
      const segment = o.segment ?? 'overall';
      // A run still training has no final metrics yet: for `overall`, its series' latest value stands in.
      const fallback = segment === 'overall';
      join = `LEFT JOIN final_metrics fm ON fm.run_id = r.id AND fm.segment = ? AND fm.key = ?${fallback ? ' LEFT JOIN metric_series lm ON lm.run_id = r.id AND lm.key = ?' : ''}`;
      joinArgs.push(segment, o.metric, ...(fallback ? [o.metric] : []));
      const v = fallback ? 'COALESCE(fm.value, lm.value)' : 'fm.value';
      order = `${v} IS NULL, ${v} ${o.ascending ? 'ASC' : 'DESC'}, ${order}`;
    }
    let sql = `SELECT ${RUN_COLUMNS} FROM runs r JOIN experiments e ON e.id = r.experiment_id ${join}`;
    if (where.length) sql += ` WHERE ${where.join(' AND ')}`;
    sql += ` ORDER BY ${order}`;
    if (query.limit !== undefined) {
      if (!Number.isInteger(query.limit) || query.limit < 0) throw invalid(`limit must be a non-negative integer, got ${query.limit}.`);
      sql += ' LIMIT ?';
      args.push(query.limit);
    }
    return inReadTransaction(this.db, this.file, 'list runs', () => (this.db.prepare(sql).all(...joinArgs, ...args) as RunRow[]).map((row) => this.toRecord(row)));
  }

  listMetricKeys(runId: string): string[] {
    return guarded(this.file, `list metrics of run ${runId}`, () => this.stmts.metricKeys.all(runId) as string[]);
  }

  getMetricSeries(runId: string, key: string, options: SeriesOptions = {}): SeriesPoint[] {
    const range = seriesRange(options);
    return inReadTransaction(this.db, this.file, `read metric ${key} of run ${runId}`, () => {
      const series = this.stmts.seriesByKey.get(runId, key) as SeriesRow | undefined;
      return series ? this.readSeries(series, range).points : [];
    });
  }

  getMetricSeriesBatch(query: SeriesQuery): SeriesSlice[] {
    const range = seriesRange(query);
    return inReadTransaction(this.db, this.file, `read ${query.keys.length} metrics of ${query.runIds.length} runs`, () => {
      const out: SeriesSlice[] = [];
      for (const runId of query.runIds) {
        for (const key of query.keys) {
          const series = this.stmts.seriesByKey.get(runId, key) as SeriesRow | undefined;
          if (series) out.push({ runId, key, ...this.readSeries(series, range), lastStep: series.step });
        }
      }
      return out;
    });
  }

  /** The points of one series in a step range, downsampled inside SQLite when there are more than `maxPoints`. */
  private readSeries(series: SeriesRow, range: SeriesRange): { points: SeriesPoint[]; count: number } {
    const { maxPoints, from, to, whole } = range;
    const at = { id: series.id, from, to };
    type Row = [number, number | null, number, number | null];
    if (whole && (maxPoints === undefined || series.points <= maxPoints)) return { points: (this.stmts.series.all(at) as Row[]).map(toPoint), count: series.points };
    const ends = this.stmts.seriesEnd.all(at) as [number, number | null, number, number | null, number][];
    if (ends.length === 0) return { points: [], count: 0 };
    const [first, last] = ends;
    // An ordered series' range is a run of consecutive seqs; otherwise the points are counted.
    const count = whole ? series.points : series.ordered ? last[4] - first[4] + 1 : (this.stmts.seriesCount.get(at) as number);
    if (maxPoints === undefined || count <= maxPoints) return { points: (this.stmts.series.all(at) as Row[]).map(toPoint), count };
    const buckets = Math.floor((maxPoints - 2) / 2);
    if (buckets === 0) return { points: [toPoint(first as unknown as Row), toPoint(last as unknown as Row)], count };
    const asBlockPoint = ([step, epoch, time, value, seq]: (typeof ends)[number]): BlockPoint => [step, seq, epoch ?? NaN, time, fromDb(value)];
    // A whole long ordered series: from its summary blocks (series-blocks.ts), a few rows per bucket.
    const size = whole && series.ordered ? blockSizeFor(count, buckets) : undefined;
    if (size !== undefined) {
      const blocks = concatChunks(this.stmts.seriesChunks.all(series.id, size) as Buffer[]);
      return { points: pointsFromBlocks(blocks, buckets, asBlockPoint(first), asBlockPoint(last)), count };
    }
    // A long range of an ordered series (a zoom): the blocks of 16 inside it, and the points of
    // the partial blocks at its two ends (under 16 each) as a block each.
    if (!whole && series.ordered && blockSizeFor(count, buckets) !== undefined) {
      const [s0, s1] = [first[4], last[4]];
      const [j0, j1] = [Math.ceil(s0 / BLOCK), Math.floor((s1 + 1) / BLOCK)];
      const c0 = Math.floor(j0 / CHUNK);
      const inner = concatChunks(this.stmts.seriesChunkRange.all(series.id, BLOCK, c0, Math.floor((j1 - 1) / CHUNK)) as Buffer[]).subarray((j0 - c0 * CHUNK) * FIELDS, (j1 - c0 * CHUNK) * FIELDS);
      const head = j0 * BLOCK - s0;
      const tail = s1 + 1 - j1 * BLOCK;
      const headBlock = head ? blockOfPoints(this.stmts.rangeHead.all({ ...at, n: head }) as PointRow[]) : new Float64Array(0);
      const tailBlock = tail ? blockOfPoints((this.stmts.rangeTail.all({ ...at, n: tail }) as PointRow[]).reverse()) : new Float64Array(0);
      const blocks = new Float64Array(headBlock.length + inner.length + tailBlock.length);
      blocks.set(headBlock);
      blocks.set(inner, headBlock.length);
      blocks.set(tailBlock, headBlock.length + inner.length);
      return { points: pointsFromBlocks(blocks, buckets, asBlockPoint(first), asBlockPoint(last)), count };
    }
    // Aggregated inside SQLite: a million-point series never becomes a million JS objects.
    const rows = series.ordered
      ? (this.stmts.seriesBucketsOrdered.all({ ...at, buckets, inner: count - 2, firstSeq: first[4] }) as BucketRow[])
      : (this.stmts.seriesBuckets.all({ ...at, buckets, inner: count - 2 }) as BucketRow[]);
    // Per bucket, min and max in series order; one point when they are the same row.
    rows.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
    const out: SeriesPoint[] = [toPoint(first as unknown as Row)];
    for (let r = 0; r < rows.length; r++) {
      const [b, step, seq, epoch, time, value] = rows[r];
      const prev = rows[r - 1];
      if (prev && prev[0] === b && prev[1] === step && prev[2] === seq) continue;
      out.push(toPoint([step, epoch, time, value]));
    }
    out.push(toPoint(last as unknown as Row));
    return { points: out, count };
  }

  listRunSummaries(query: RunSummaryQuery = {}): RunSummaryPage {
    const { sql, args, metrics, params } = summarySql(query);
    return inReadTransaction(this.db, this.file, 'list run summaries', () => {
      const rows = this.db.prepare(sql).raw().all(...args) as unknown[][];
      if (rows.length === 0) {
        // An empty page (past the end, or limit 0 to ask only the total) has no row to carry the total.
        const { where, args: whereArgs } = runFilterSql(query);
        const total = this.db.prepare(`SELECT count(*) FROM runs r JOIN experiments e ON e.id = r.experiment_id ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`).pluck().get(...whereArgs) as number;
        return { total, runs: [] };
      }
      const runs = rows.map((row) => toSummary(row, metrics, params));
      return { total: runs[0].total, runs: runs.map((r) => r.summary) };
    });
  }

  getRunSnapshot(runId: string): RunSnapshot | undefined {
    return inReadTransaction(this.db, this.file, `read run ${runId} whole`, () => {
      const row = this.stmts.runById.get(runId) as RunRow | undefined;
      if (!row) return undefined;
      const { experimentId: _experimentId, latestMetrics: _latest, ...run } = this.toRecord(row);
      const series = (this.stmts.seriesInArrivalOrder.all(runId) as [string, number, number | null, number, number | null][]).map(
        ([key, step, epoch, time, value]): MetricPoint => (epoch === null ? { key, step, time, value: fromDb(value) } : { key, step, epoch, time, value: fromDb(value) }),
      );
      return { ...run, series };
    });
  }

  private toRecord(row: RunRow): RunRecord {
    const id = row.id;
    const params: Record<string, string> = {};
    for (const [k, v] of this.stmts.params.all(id) as [string, string][]) params[k] = v;
    const tags: Record<string, string> = {};
    for (const [k, v] of this.stmts.tags.all(id) as [string, string][]) tags[k] = v;
    const latestMetrics: Record<string, LatestMetric> = {};
    for (const m of this.stmts.latest.all(id) as { key: string; step: number; epoch: number | null; time: number; value: number | null }[]) {
      latestMetrics[m.key] = { key: m.key, step: m.step, ...(m.epoch === null ? {} : { epoch: m.epoch }), time: m.time, value: fromDb(m.value) };
    }
    const finalMetrics: SegmentMetrics = {};
    for (const [segment, key, value] of this.stmts.finals.all(id) as [string, string, number | null][]) (finalMetrics[segment] ??= {})[key] = fromDb(value);
    return {
      id,
      experimentId: row.experiment_id,
      experiment: row.experiment,
      name: row.name,
      status: row.status,
      startTime: row.start_time,
      endTime: opt(row.end_time),
      error: opt(row.error),
      spec: JSON.parse(row.spec),
      seed: opt(row.seed),
      appVersion: opt(row.app_version),
      backend: opt(row.backend),
      fingerprint: opt(row.fingerprint),
      datasetStats: row.dataset_stats === null ? undefined : JSON.parse(row.dataset_stats),
      notes: opt(row.notes),
      pid: opt(row.pid),
      host: opt(row.host),
      deletedAt: opt(row.deleted_at),
      params,
      tags,
      latestMetrics,
      finalMetrics,
      artifacts: this.stmts.artifacts.all(id) as ArtifactRecord[],
    };
  }

  /** Closes the database; the store cannot be used afterwards. Safe to call twice. */
  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** `kill(pid, 0)` sends nothing: it only asks whether the process exists (EPERM: it does, as another user). */
function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

