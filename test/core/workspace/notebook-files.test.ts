import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { etagOf, listNotebookFiles, readNotebookFile, saveNotebookFile } from '../../../core/workspace';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-nbfiles-'));
const backups = path.join(root, '.reclab', 'backups');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('notebook files', () => {
  it('lists notebooks by path, skipping state, dependencies and hidden folders', () => {
    for (const f of ['a.recnb', 'sub/b.recnb', 'node_modules/x.recnb', '.reclab/y.recnb', '.hidden/z.recnb', 'notes.txt']) {
      fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
      fs.writeFileSync(path.join(root, f), '{}');
    }
    expect(listNotebookFiles(root).map((e) => [e.path, e.name])).toEqual([
      ['a.recnb', 'a'],
      ['sub/b.recnb', 'b'],
    ]);
  });

  it('saves atomically, keeps the previous version as a backup, and refuses a change made on disk since it was read', () => {
    const first = saveNotebookFile(root, backups, 'n.recnb', 'one', { create: true });
    expect(first.etag).toBe(etagOf('one'));
    const second = saveNotebookFile(root, backups, 'n.recnb', 'two', { baseEtag: first.etag });
    expect(readNotebookFile(root, 'n.recnb').text).toBe('two');
    expect(fs.readFileSync(path.join(backups, 'n.recnb.bak'), 'utf8')).toBe('one');
    // No temp file is left next to it.
    expect(fs.readdirSync(root).filter((f) => f.includes('.tmp'))).toEqual([]);
    // Another program writes the file: a save based on the old version is refused, the file untouched.
    fs.writeFileSync(path.join(root, 'n.recnb'), 'theirs');
    expect(() => saveNotebookFile(root, backups, 'n.recnb', 'mine', { baseEtag: second.etag })).toThrow(/changed on disk/);
    expect(fs.readFileSync(path.join(root, 'n.recnb'), 'utf8')).toBe('theirs');
    expect(() => saveNotebookFile(root, backups, 'n.recnb', 'again', { create: true })).toThrow(/exists already/);
  });

  it('refuses paths outside the workspace and files that are not notebooks', () => {
    expect(() => readNotebookFile(root, '../outside.recnb')).toThrow(/outside the workspace/);
    expect(() => saveNotebookFile(root, backups, '/etc/passwd.recnb', 'x')).toThrow(/outside the workspace/);
    expect(() => readNotebookFile(root, 'notes.txt')).toThrow(/not a notebook/);
    expect(() => readNotebookFile(root, 'missing.recnb')).toThrow(/Cannot read/);
  });
});
