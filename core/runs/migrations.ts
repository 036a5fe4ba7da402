/**
 * The run store's schema as numbered steps. Step i (1-based) brings a database from
 * `user_version` i-1 to i. Steps are only ever appended: a released step never changes,
 * since databases in the field have already run it.
 */
import type Database from 'better-sqlite3';
import { BlockBuilder, mergeIntoChunks } from './series-blocks';

export interface Migration {
  version: number;
  description: string;
  sql: string;
  /** Fills what the step created from the data already there, in the same transaction (after `sql`). */
  fill?: (db: Database.Database) => void;
}

/** `PRAGMA application_id` of a RecLab run store ('RCLB'), so a foreign SQLite file is recognised. */
export const APPLICATION_ID = 0x52434c42;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'experiments, runs, params, tags, metric series with their latest points, final metrics per segment, artifacts',
    sql: `
      CREATE TABLE experiments (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created INTEGER NOT NULL
      );
      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('RUNNING', 'FINISHED', 'FAILED', 'KILLED')),
        start_time INTEGER NOT NULL,
        end_time INTEGER,
        error TEXT,
        spec TEXT NOT NULL,
        seed INTEGER,
        app_version TEXT,
        backend TEXT,
        fingerprint TEXT,
        dataset_stats TEXT,
        notes TEXT,
        pid INTEGER,
        host TEXT
      );
      CREATE INDEX runs_by_experiment ON runs(experiment_id, start_time);
      CREATE INDEX runs_by_status ON runs(status);
      CREATE TABLE params (
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (run_id, key)
      ) WITHOUT ROWID;
      CREATE TABLE tags (
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (run_id, key)
      ) WITHOUT ROWID;
      CREATE INDEX tags_by_key ON tags(key, value);
      -- One row per (run, key): the series id the points refer to, how many points it has
      -- (the next point's seq), and its latest point (highest step, then time). A NULL value
      -- encodes NaN in every metric column: SQLite stores a bound NaN as NULL, and a metric
      -- always has a number.
      CREATE TABLE metric_series (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        points INTEGER NOT NULL DEFAULT 0,
        -- 1 while every point arrived with a step >= all before it: then a point's seq is
        -- its position in step order, which lets downsampling skip a window function.
        ordered INTEGER NOT NULL DEFAULT 1,
        step INTEGER NOT NULL,
        epoch REAL,
        time INTEGER NOT NULL,
        value REAL,
        UNIQUE (run_id, key)
      );
      -- Points are clustered by series then step (seq: order of arrival, which makes a key
      -- unique when a step repeats), so reading or aggregating a series is one sequential
      -- range scan; an integer series id keeps rows small, which keeps ingest fast.
      CREATE TABLE metrics (
        series_id INTEGER NOT NULL REFERENCES metric_series(id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        epoch REAL,
        time INTEGER NOT NULL,
        value REAL,
        PRIMARY KEY (series_id, step, seq)
      ) WITHOUT ROWID;
      CREATE TABLE final_metrics (
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        segment TEXT NOT NULL,
        key TEXT NOT NULL,
        value REAL,
        PRIMARY KEY (run_id, segment, key)
      ) WITHOUT ROWID;
      CREATE TABLE artifacts (
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        kind TEXT NOT NULL,
        size INTEGER NOT NULL,
        created INTEGER NOT NULL,
        PRIMARY KEY (run_id, path)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    description: 'the trash: a deleted run keeps everything until the trash is emptied',
    sql: `
      ALTER TABLE runs ADD COLUMN deleted_at INTEGER;
      CREATE INDEX runs_by_deleted ON runs(deleted_at);
    `,
  },
  {
    version: 3,
    description: "metric blocks: each series' min and max point per 16, 256, 4096 and 65536 points, packed 64 blocks a row, so a long series is charted from a few rows",
    sql: `
      -- See series-blocks.ts: per series and block size (16, 256, 4096, 65536 points), rows
      -- of 64 consecutive blocks (chunk = seq / size / 64), each block packed as 11 float64s.
      CREATE TABLE metric_blocks (
        series_id INTEGER NOT NULL REFERENCES metric_series(id) ON DELETE CASCADE,
        size INTEGER NOT NULL,
        chunk INTEGER NOT NULL,
        blocks BLOB NOT NULL,
        PRIMARY KEY (series_id, size, chunk)
      ) WITHOUT ROWID;
    `,
    fill: fillBlocks,
  },
];

/**
 * Fills metric_blocks from the points already stored, a series at a time in step order
 * (the primary key's order: no sort), through the builder logMetrics uses. Series that went
 * back in steps are skipped: their blocks are never read. One pass over the points, where
 * a GROUP BY per block size sorted them eight times (2 million points: 10 s).
 */
function fillBlocks(db: Database.Database): void {
  const ordered = db.prepare('SELECT id FROM metric_series WHERE ordered = 1').pluck().all() as number[];
  const points = db.prepare('SELECT step, seq, epoch, time, value FROM metrics WHERE series_id = ? ORDER BY step, seq').raw();
  const insert = db.prepare('INSERT INTO metric_blocks (series_id, size, chunk, blocks) VALUES (?, ?, ?, ?)');
  for (const id of ordered) {
    const blocks = new BlockBuilder();
    for (const [step, seq, epoch, time, value] of points.iterate(id) as IterableIterator<[number, number, number | null, number, number | null]>) blocks.add(id, step, seq, epoch, time, value ?? NaN);
    for (const c of mergeIntoChunks(blocks.blocks(), () => undefined)) insert.run(c.seriesId, c.size, c.chunk, Buffer.from(c.data.buffer, c.data.byteOffset, c.data.byteLength));
  }
}

/** The schema version this RecLab writes and the newest it can open. */
export const SCHEMA_VERSION = MIGRATIONS.length;
