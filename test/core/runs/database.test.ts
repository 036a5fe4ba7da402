import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../core/runs/database';
import { isRunStoreError, openRunStore, RunStoreError, SCHEMA_VERSION, type Migration } from '../../../core/runs';
import { APPLICATION_ID } from '../../../core/runs/migrations';
import { tempDirs } from './helpers';

const tmp = tempDirs();
afterEach(() => tmp.cleanup());

function catchError(fn: () => unknown): RunStoreError {
  try {
    fn();
  } catch (e) {
    expect(isRunStoreError(e)).toBe(true);
    return e as RunStoreError;
  }
  throw new Error('expected a RunStoreError, nothing was thrown');
}

function raw(file: string): Database.Database {
  return new Database(file);
}

describe('opening a run store', () => {
  it('creates the folder and migrates an empty file to the current schema', () => {
    const file = path.join(tmp.make(), 'nested', 'ws', '.reclab', 'runs.sqlite');
    openRunStore(file).close();
    const db = raw(file);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(['artifacts', 'experiments', 'final_metrics', 'metric_blocks', 'metric_series', 'metrics', 'params', 'runs', 'tags']);
    db.close();
  });

  it('opens its own store again without migrating twice', () => {
    const file = path.join(tmp.make(), 'runs.sqlite');
    const a = openRunStore(file);
    const run = a.createRun({ spec: { x: 1 } });
    a.close();
    const b = openRunStore(file);
    expect(b.getRun(run.id)?.spec).toEqual({ x: 1 });
    b.close();
  });

  it('applies only the missing steps, in order, and rolls a failing step back whole', () => {
    const file = path.join(tmp.make(), 'runs.sqlite');
    const m1: Migration = { version: 1, description: 'a', sql: 'CREATE TABLE a (x INTEGER);' };
    const m2: Migration = { version: 2, description: 'b', sql: 'CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (7);' };
    const broken: Migration = { version: 2, description: 'broken', sql: 'CREATE TABLE b (y INTEGER); CREATE TABLE oops (' };
    openDatabase(file, [m1]).close();

    const err = catchError(() => openDatabase(file, [m1, broken]));
    expect(err.message).toContain(file);
    let db = raw(file);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'b'").pluck().get()).toBe(0);
    db.close();

    openDatabase(file, [m1, m2]).close();
    db = raw(file);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    // m1 ran once: had it run again, CREATE TABLE a would have failed.
    expect(db.prepare('SELECT x FROM a').pluck().all()).toEqual([7]);
    db.close();
  });

  it('refuses a store written by a newer RecLab, says which version, and leaves it unchanged', () => {
    const file = path.join(tmp.make(), 'runs.sqlite');
    openRunStore(file).close();
    const db = raw(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 98}`);
    db.close();
    const before = fs.readFileSync(file);

    const err = catchError(() => openRunStore(file));
    expect(err.code).toBe('SCHEMA_TOO_NEW');
    expect(err.message).toContain(`schema version ${SCHEMA_VERSION + 98}`);
    expect(err.message).toContain(`up to ${SCHEMA_VERSION}`);
    expect(err.message).toContain('Upgrade RecLab');
    expect(err.message).toContain(file);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it.each([
    ['random bytes', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256))],
    ['a short text file', Buffer.from('not a database\n')],
  ])('refuses a file of %s, names it, says what to do, and does not touch it', (_what, bytes) => {
    const dir = tmp.make();
    const file = path.join(dir, 'runs.sqlite');
    fs.writeFileSync(file, bytes);

    const err = catchError(() => openRunStore(file));
    expect(err.code).toBe('NOT_A_DATABASE');
    expect(err.message).toContain(file);
    expect(err.message).toContain('Move it aside');
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['runs.sqlite']);
  });

  it('refuses a damaged database (valid header, garbage after) without changing it', () => {
    const dir = tmp.make();
    const file = path.join(dir, 'runs.sqlite');
    const bytes = Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(8192, 0xa5)]);
    fs.writeFileSync(file, bytes);

    const err = catchError(() => openRunStore(file));
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/Move (it|the file) aside/);
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
  });

  it('refuses a folder where the file should be', () => {
    const file = path.join(tmp.make(), 'runs.sqlite');
    fs.mkdirSync(file);
    const err = catchError(() => openRunStore(file));
    expect(err.code).toBe('NOT_A_DATABASE');
    expect(err.message).toContain(file);
  });

  it("refuses another program's SQLite database instead of adding tables to it", () => {
    const file = path.join(tmp.make(), 'other.sqlite');
    const db = raw(file);
    db.exec('CREATE TABLE contacts (name TEXT)');
    db.close();
    const err = catchError(() => openRunStore(file));
    expect(err.code).toBe('NOT_A_DATABASE');
    expect(err.message).toContain('another program');
    const again = raw(file);
    expect(again.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all()).toEqual(['contacts']);
    again.close();
  });
});
