import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NotebookWatcher } from '../../../app/host/notebook-watcher';
import { etagOf } from '../../../core/workspace';

/** Writes as the host's atomic save does: a temporary file renamed over the notebook (a new inode each time). */
function atomicWrite(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.hrtime.bigint()}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('NotebookWatcher', () => {
  let root: string;
  let watcher: NotebookWatcher | undefined;
  afterEach(() => {
    watcher?.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('reports every change after atomic saves, not only the first; its own writes are not news; dot folders are ignored', async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-watch-'));
    fs.mkdirSync(path.join(root, 'examples'));
    fs.mkdirSync(path.join(root, '.reclab'));
    const file = path.join(root, 'examples', 'a.recnb');
    fs.writeFileSync(file, 'v0');
    const events: { path: string; etag: string | undefined }[] = [];
    watcher = new NotebookWatcher(root, (e) => events.push(e));
    await watcher.ready;

    // The app's own save: noted, not reported.
    watcher.noteOwnWrite('examples/a.recnb', etagOf('mine'));
    atomicWrite(file, 'mine');
    // Another program's saves, twice (Node 20's recursive fs.watch lost the file after the first rename).
    await new Promise((r) => setTimeout(r, 400));
    atomicWrite(file, 'theirs 1');
    await until(() => events.length === 1);
    atomicWrite(file, 'theirs 2');
    await until(() => events.length === 2);
    // Runs write under .reclab all the time: never reported.
    fs.writeFileSync(path.join(root, '.reclab', 'b.recnb'), 'x');
    fs.unlinkSync(file);
    await until(() => events.length === 3);
    expect(events).toEqual([
      { path: 'examples/a.recnb', etag: etagOf('theirs 1') },
      { path: 'examples/a.recnb', etag: etagOf('theirs 2') },
      { path: 'examples/a.recnb', etag: undefined },
    ]);
  });
});
