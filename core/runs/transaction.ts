import type Database from 'better-sqlite3';
import { RunStoreError, isRunStoreError } from './errors';

/** better-sqlite3's error: a message and SQLite's extended result code (`SQLITE_BUSY`, ...). */
function sqliteCode(e: unknown): string | undefined {
  return e instanceof Error && e.name === 'SqliteError' ? (e as Error & { code?: string }).code : undefined;
}

/**
 * Turns a driver error into a RunStoreError that names the store file and says what to
 * do; RunStoreErrors pass through unchanged, other errors (bugs) too.
 */
export function toRunStoreError(e: unknown, file: string, action: string): unknown {
  if (isRunStoreError(e)) return e;
  const code = sqliteCode(e);
  if (!code) return e;
  const reason = (e as Error).message;
  const where = `Run store ${file}: could not ${action}`;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return new RunStoreError(`${where}: the database stayed locked by another process (${reason}). Retry; if it persists, close other RecLab windows or commands using this workspace.`, 'BUSY', { sqlite: code });
  if (code.startsWith('SQLITE_FULL')) return new RunStoreError(`${where}: the disk is full. Free some space and retry.`, 'DISK_FULL', { sqlite: code });
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_PERM'))
    return new RunStoreError(`${where}: the file or its folder cannot be written (${reason}). Check its permissions.`, 'READ_ONLY', { sqlite: code });
  if (code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB'))
    return new RunStoreError(`${where}: the database is damaged (${reason}). Move the file aside, then run \`reclab runs recover\`: it rebuilds the runs from their artifact folders.`, 'CORRUPT', { sqlite: code });
  if (code.startsWith('SQLITE_CONSTRAINT')) return new RunStoreError(`${where}: ${reason}.`, 'CONSTRAINT', { sqlite: code });
  return new RunStoreError(`${where}: ${reason} (${code}).`, 'DATABASE', { sqlite: code });
}

/**
 * The one place that owns commit and rollback: runs `fn` in an IMMEDIATE transaction
 * (the write lock is taken up front, so a concurrent writer waits on busy_timeout instead
 * of failing at commit), commits if it returns, rolls back whatever it wrote if it throws.
 * Driver errors come out as RunStoreError. Nested calls become savepoints.
 */
export function inTransaction<T>(db: Database.Database, file: string, action: string, fn: () => T): T {
  try {
    return db.transaction(fn).immediate();
  } catch (e) {
    throw toRunStoreError(e, file, action);
  }
}

/**
 * Reads of several statements that must agree (a run and its metrics, a series' count and
 * its points) while another process writes: a deferred transaction is one WAL snapshot
 * and takes no write lock.
 */
export function inReadTransaction<T>(db: Database.Database, file: string, action: string, fn: () => T): T {
  try {
    return db.transaction(fn).deferred();
  } catch (e) {
    throw toRunStoreError(e, file, action);
  }
}

/** Single-statement reads: one statement sees one snapshot; same error translation. */
export function guarded<T>(file: string, action: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw toRunStoreError(e, file, action);
  }
}
