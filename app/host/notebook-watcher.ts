import fs from 'node:fs';
import path from 'node:path';
import { etagOf } from '../../core/workspace';
import type { Disposable } from '../../core/util';

const DEBOUNCE_MS = 150;

/**
 * Tells when a notebook file changes on disk by another program (an editor, git), so the
 * app can offer to reload it instead of overwriting it. The host's own saves are noted
 * and not reported.
 */
export class NotebookWatcher implements Disposable {
  private watcher: fs.FSWatcher | undefined;
  private readonly known = new Map<string, string>();
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly root: string,
    private readonly onChange: (e: { path: string; etag: string | undefined }) => void,
  ) {
    try {
      this.watcher = fs.watch(root, { recursive: true }, (_event, file) => file && this.changed(file.toString()));
      this.watcher.on('error', () => this.dispose());
    } catch {
      // A file system without watching (some network drives): saves still refuse to overwrite a change.
      this.watcher = undefined;
    }
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

  dispose(): void {
    this.watcher?.close();
    this.watcher = undefined;
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
  }
}
