import fs from 'node:fs';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { etagOf } from '../../core/workspace';
import type { Disposable } from '../../core/util';

const DEBOUNCE_MS = 150;

/**
 * Tells when a notebook file changes on disk by another program (an editor, git), so the
 * app can offer to reload it instead of overwriting it. The host's own saves are noted
 * and not reported.
 */
export class NotebookWatcher implements Disposable {
  private watcher: FSWatcher | undefined;
  private readonly known = new Map<string, string>();
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  /** Resolves once the initial scan is done and changes are seen (tests wait for it). */
  readonly ready: Promise<void>;

  constructor(
    private readonly root: string,
    private readonly onChange: (e: { path: string; etag: string | undefined }) => void,
  ) {
    // chokidar, not fs.watch(recursive): Node 20 watches each file on Linux, and an atomic
    // save (write a temporary file, rename it over) replaces the inode it watched, so every
    // change after the first save went unseen. Dot folders (.reclab, .git) and node_modules
    // are not watched at all: runs write there constantly.
    this.watcher = watch(root, {
      ignoreInitial: true,
      ignored: (p: string) => {
        const rel = path.relative(root, p);
        return rel !== '' && rel.split(path.sep).some((part) => part.startsWith('.') || part === 'node_modules');
      },
    });
    const w = this.watcher;
    this.ready = new Promise((resolve) => {
      w.once('ready', () => resolve());
      w.once('error', () => resolve());
    });
    for (const event of ['add', 'change', 'unlink'] as const) this.watcher.on(event, (file: string) => this.changed(path.relative(root, file)));
    // A file system without watching (some network drives): saves still refuse to overwrite a change.
    this.watcher.on('error', () => void this.close());
  }

  /** A save by this app: the version it wrote is not news. */
  noteOwnWrite(rel: string, etag: string): void {
    this.known.set(rel, etag);
  }

  private changed(file: string): void {
    const rel = file.split(path.sep).join('/');
    if (!rel.endsWith('.recnb') || rel.split('/').some((part) => part.startsWith('.') || part === 'node_modules')) return;
    clearTimeout(this.pending.get(rel));
    this.pending.set(
      rel,
      setTimeout(() => {
        this.pending.delete(rel);
        let etag: string | undefined;
        try {
          etag = etagOf(fs.readFileSync(path.join(this.root, rel), 'utf8'));
        } catch {
          etag = undefined;
        }
        if (this.known.get(rel) === etag) return;
        if (etag !== undefined) this.known.set(rel, etag);
        else this.known.delete(rel);
        this.onChange({ path: rel, etag });
      }, DEBOUNCE_MS),
    );
  }

  private close(): Promise<void> {
    const w = this.watcher;
    this.watcher = undefined;
    return w ? w.close() : Promise.resolve();
  }

  dispose(): void {
    void this.close();
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
  }
}
