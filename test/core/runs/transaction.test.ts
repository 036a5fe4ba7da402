import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { isRunStoreError, RunStoreError } from '../../../core/runs';
import { inTransaction, toRunStoreError } from '../../../core/runs/transaction';
import { tempDirs } from './helpers';

const tmp = tempDirs();
afterEach(() => tmp.cleanup());

function setup(): { file: string; db: Database.Database } {
  const file = path.join(tmp.make(), 't.sqlite');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (x INTEGER PRIMARY KEY)');
  return { file, db };
}

describe('inTransaction', () => {
  it('commits what fn wrote and returns its result', () => {
    const { file, db } = setup();
    expect(inTransaction(db, file, 'write', () => db.prepare('INSERT INTO t VALUES (1)').run().changes)).toBe(1);
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(1);
    db.close();
  });

  it('rolls back everything on a driver error and turns it into a RunStoreError naming the file', () => {
    const { file, db } = setup();
    let err: unknown;
    try {
      inTransaction(db, file, 'write two rows', () => {
        db.prepare('INSERT INTO t VALUES (1)').run();
        db.prepare('INSERT INTO t VALUES (1)').run();
      });
    } catch (e) {
      err = e;
    }
    expect(isRunStoreError(err)).toBe(true);
    expect((err as RunStoreError).code).toBe('CONSTRAINT');
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toContain('write two rows');
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(0);
    db.close();
  });

  it('passes other errors through unchanged, after rolling back', () => {
    const { file, db } = setup();
    const bug = new TypeError('boom');
    expect(() =>
      inTransaction(db, file, 'x', () => {
        db.prepare('INSERT INTO t VALUES (2)').run();
        throw bug;
      }),
    ).toThrow(bug);
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(0);
    db.close();
  });

  it('reports a write lock held by another connection as BUSY', () => {
    const { file, db } = setup();
    const other = new Database(file);
    other.pragma('busy_timeout = 0');
    db.exec('BEGIN IMMEDIATE');
    try {
      let err: unknown;
      try {
        inTransaction(other, file, 'write', () => other.prepare('INSERT INTO t VALUES (3)').run());
      } catch (e) {
        err = e;
      }
      expect((err as RunStoreError).code).toBe('BUSY');
      expect((err as Error).message).toContain('another process');
    } finally {
      db.exec('ROLLBACK');
      other.close();
      db.close();
    }
  });
});

describe('toRunStoreError', () => {
  it('leaves non-driver errors alone', () => {
    const e = new Error('plain');
    expect(toRunStoreError(e, 'f', 'x')).toBe(e);
  });
});
