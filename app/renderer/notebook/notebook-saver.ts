import { ApiCallError, type ApiClient } from '../../common/api';
import { parseNotebook } from '../../../core/notebook';
import { DisposableStore, Emitter, toDisposable, type Disposable, type Event } from '../../../core/util';
import type { NotebookModel } from './notebook-model';

export type SaveState =
  | { kind: 'saved' }
  | { kind: 'pending' }
  | { kind: 'saving' }
  /** The file changed (or went) on disk since it was read: nothing is written until the user chooses. */
  | { kind: 'conflict'; deleted: boolean }
  | { kind: 'error'; message: string };

export interface SaverOptions {
  /** Quiet time after the last edit before saving. */
  delayMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
}

/**
 * Autosave of one notebook: a save a second after typing stops, through `notebooks.save`
 * with the version it read (the host writes atomically and keeps a backup). A file changed
 * on disk by another program (the `notebook.changed` event, or CHANGED_ON_DISK on save) is
 * never overwritten silently: the saver stops and waits for Reload or Keep mine.
 */
export class NotebookSaver implements Disposable {
  private etag: string;
  private status: SaveState = { kind: 'saved' };
  private timer: unknown;
  private inFlight: Promise<void> | undefined;
  private readonly disposables = new DisposableStore();
  private readonly delayMs: number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (t: unknown) => void;

  private readonly _onDidChangeState = new Emitter<SaveState>();
  readonly onDidChangeState: Event<SaveState> = this._onDidChangeState.event;

  constructor(
    private readonly api: ApiClient,
    readonly path: string,
    private readonly model: NotebookModel,
    etag: string,
    opts: SaverOptions = {},
  ) {
    this.etag = etag;
    this.delayMs = opts.delayMs ?? 1000;
    this.setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = opts.clearTimer ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>));
    this.disposables.add(model.onDidChange((c) => c.reason !== 'reset' && this.schedule()));
    this.disposables.add(toDisposable(api.on('notebook.changed', (e) => e.path === path && this.changedOnDisk(e.etag))));
  }

  get state(): SaveState {
    return this.status;
  }

  /** The version of the file this editor last read or wrote. */
  get baseEtag(): string {
    return this.etag;
  }

  /** Saves now what is pending (Ctrl+S, closing the tab). */
  async flush(): Promise<void> {
    if (this.timer !== undefined) {
      this.clearTimer(this.timer);
      this.timer = undefined;
    }
    await this.inFlight;
    if (this.model.dirty && this.status.kind !== 'conflict') await this.save(false);
  }

  /** Keep mine: overwrite the file on disk with the editor's version. */
  async keepMine(): Promise<void> {
    await this.save(true);
  }

  /** Reload: the file on disk replaces the editor's version (the caller confirms when it is dirty). */
  async reload(): Promise<void> {
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
    await this.inFlight;
    try {
      const file = await this.api.call('notebooks.read', { path: this.path });
      this.model.reset(parseNotebook(file.text, this.path));
      this.etag = file.etag;
      this.setState({ kind: 'saved' });
    } catch (e) {
      this.setState({ kind: 'error', message: `Cannot reload ${this.path}: ${(e as Error).message}` });
    }
  }

  dispose(): void {
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
    this.disposables.dispose();
    this._onDidChangeState.dispose();
  }

  private schedule(): void {
    if (this.status.kind === 'conflict') return;
    if (this.timer !== undefined) this.clearTimer(this.timer);
    if (!this.model.dirty) {
      // Undone back to what is on disk: nothing to write.
      this.timer = undefined;
      if (this.status.kind === 'pending') this.setState({ kind: 'saved' });
      return;
    }
    this.setState({ kind: 'pending' });
    this.timer = this.setTimer(() => {
      this.timer = undefined;
      void this.save(false);
    }, this.delayMs);
  }

  private async save(overwrite: boolean): Promise<void> {
    // One save at a time: the next one starts from the version the previous one wrote.
    while (this.inFlight) await this.inFlight;
    if (!overwrite && this.status.kind === 'conflict') return;
    const version = this.model.version;
    const text = this.model.serialize();
    this.setState({ kind: 'saving' });
    let done!: () => void;
    this.inFlight = new Promise<void>((r) => (done = r));
    try {
      const saved = await this.api.call('notebooks.save', { path: this.path, text, ...(overwrite ? {} : { baseEtag: this.etag }) });
      this.etag = saved.etag;
      this.model.markSaved(version);
      this.setState(this.model.dirty ? { kind: 'pending' } : { kind: 'saved' });
      if (this.model.dirty) this.schedule();
    } catch (e) {
      if (e instanceof ApiCallError && e.code === 'CHANGED_ON_DISK') this.setState({ kind: 'conflict', deleted: /deleted/.test(e.message) });
      else this.setState({ kind: 'error', message: `Cannot save ${this.path}: ${(e as Error).message}` });
    } finally {
      this.inFlight = undefined;
      done();
    }
  }

  private changedOnDisk(etag: string | undefined): void {
    if (etag === this.etag) return;
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
    this.setState({ kind: 'conflict', deleted: etag === undefined });
  }

  private setState(s: SaveState): void {
    this.status = s;
    this._onDidChangeState.fire(s);
  }
}
