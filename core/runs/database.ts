import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { appVersion, BugIndicatingError } from '../util';
import { RunStoreError } from './errors';
import { APPLICATION_ID, MIGRATIONS, type Migration } from './migrations';
import { guarded, inTransaction } from './transaction';

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');
/** How long a write waits for another process's write lock before giving up. */
const BUSY_TIMEOUT_MS = 5000;

function notAStore(file: string, why: string): RunStoreError {
  return new RunStoreError(
    `Run store ${file} ${why}. RecLab left it unchanged. Move it aside (e.g. rename it to ${path.basename(file)}.broken), then run \`reclab runs recover\`: it rebuilds the runs from their artifact folders (.reclab/artifacts). Or restore the file from a backup.`,
    'NOT_A_DATABASE',
    { file },
  );
}

/**
 * Looks at the first bytes before SQLite ever touches the file: a file that is not a
 * SQLite database must stay exactly as it is, and no -wal/-shm files may appear beside it.
 */
function checkHeader(file: string): void {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new RunStoreError(`Run store ${file} cannot be read (${(e as Error).message}). Check the file's permissions.`, 'READ_ONLY', { file });
  }
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) throw new RunStoreError(`Run store ${file} is a folder, not a file. Move it aside, or give the path of a .sqlite file.`, 'NOT_A_DATABASE', { file });
    const size = stat.size;
    if (size === 0) return; // a new database: SQLite writes the header
    const head = Buffer.alloc(SQLITE_HEADER.length);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    if (n < head.length || !head.equals(SQLITE_HEADER)) throw notAStore(file, 'is not a SQLite database (damaged, or another kind of file)');
  } finally {
    fs.closeSync(fd);
  }
}

function readVersion(db: Database.Database): { version: number; applicationId: number; tables: number } {
  return {
    version: db.pragma('user_version', { simple: true }) as number,
    applicationId: db.pragma('application_id', { simple: true }) as number,
    tables: (db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as { n: number }).n,
  };
}

function checkVersion(file: string, v: { version: number; applicationId: number; tables: number }, supported: number): void {
  if (v.version === 0 && v.tables > 0) throw notAStore(file, 'is a SQLite database of another program (it has tables but no RecLab schema)');
  if (v.version > 0 && v.applicationId !== APPLICATION_ID) throw notAStore(file, `is a SQLite database of another program (application id ${v.applicationId})`);
  if (v.version > supported)
    throw new RunStoreError(
      `Run store ${file} has schema version ${v.version}, but this RecLab (${appVersion()}) knows versions up to ${supported}: a newer RecLab wrote it. Upgrade RecLab to open it; the file was left unchanged.`,
      'SCHEMA_TOO_NEW',
      { file, version: v.version, supported },
    );
}

/**
 * Opens (creating the folder and file if needed) a run store database: checks it is one,
 * that its schema is not newer than this RecLab, then sets WAL, foreign keys and the busy
 * timeout and applies the missing migrations in one transaction. `migrations` is for
 * tests of the migration machinery; the app always uses MIGRATIONS.
 */
export function openDatabase(file: string, migrations: readonly Migration[] = MIGRATIONS): Database.Database {
  checkHeader(file);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
  } catch (e) {
    throw new RunStoreError(`Run store folder ${path.dirname(file)} cannot be created (${(e as Error).message}). Check the workspace folder's permissions.`, 'READ_ONLY', { file });
  }
  const db = guarded(file, 'open the database', () => new Database(file));
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // Checked before anything writes (journal_mode=WAL does), so a refused file stays as it was.
    checkVersion(file, guarded(file, 'read the schema version', () => readVersion(db)), migrations.length);
    guarded(file, 'switch to WAL mode', () => {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL'); // durable across app crashes in WAL; only an OS crash may lose the last commits
      db.pragma('foreign_keys = ON');
    });
    migrate(db, file, migrations);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

function migrate(db: Database.Database, file: string, migrations: readonly Migration[]): void {
  inTransaction(db, file, 'migrate the schema', () => {
    // Read again under the write lock: another process may have migrated meanwhile.
    const v = readVersion(db);
    checkVersion(file, v, migrations.length);
    if (v.version === migrations.length) return;
    if (v.version === 0) db.pragma(`application_id = ${APPLICATION_ID}`);
    migrations.forEach((m, i) => {
      if (m.version !== i + 1) throw new BugIndicatingError(`Migration at index ${i} has version ${m.version}; versions must be 1, 2, 3, ... in order.`);
    });
    for (const m of migrations.slice(v.version)) {
      db.exec(m.sql);
      m.fill?.(db);
    }
    db.pragma(`user_version = ${migrations.length}`);
  });
}
