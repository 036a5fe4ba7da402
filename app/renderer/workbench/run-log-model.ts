import { toDisposable } from '../../../core/util';
import type { ApiClient } from '../../common/api';
import { ChangeModel } from './model';

/**
 * The worker log of one chosen run, for the panel: its history (`runs.log`) followed by
 * the lines that arrive live (`run.log`). Lines that come while the history is on its
 * way are held, and those the history already has are not shown twice. At most
 * `maxLines` are kept (the oldest go first); the run's log file keeps them all.
 */
export class RunLogModel extends ChangeModel {
  private _runId: string | undefined;
  private _lines: string[] = [];
  private _dropped = 0;
  private _loading = false;
  private _error: string | undefined;
  /** Whether the user chose the run (the panel then stops following new runs). */
  private _pinned = false;
  /** Live lines that arrived before the history. */
  private held: string[] | undefined;
  private generation = 0;

  constructor(
    private readonly api: ApiClient,
    private readonly maxLines = 20_000,
  ) {
    super();
    const off = api.on('run.log', ({ runId, line }) => {
      if (runId !== this._runId) return;
      if (this.held) this.held.push(line);
      else {
        this.append([line]);
        this.changed();
      }
    });
    this.disposables.push(toDisposable(off));
  }

  get runId(): string | undefined {
    return this._runId;
  }

  /** The lines shown; the array grows in place (read it again after a change). */
  get lines(): readonly string[] {
    return this._lines;
  }

  /** Lines dropped from the start to stay within the limit. */
  get dropped(): number {
    return this._dropped;
  }

  get loading(): boolean {
    return this._loading;
  }

  get error(): string | undefined {
    return this._error;
  }

  get pinned(): boolean {
    return this._pinned;
  }

  /** Shows a run's log (`pinned`: the user chose it). Selecting the shown run again reloads nothing. */
  select(runId: string | undefined, opts: { pinned?: boolean } = {}): Promise<void> {
    if (opts.pinned !== undefined) this._pinned = opts.pinned;
    if (runId === this._runId) {
      this.changed();
      return Promise.resolve();
    }
    this._runId = runId;
    this._lines = [];
    this._dropped = 0;
    this._error = undefined;
    const gen = ++this.generation;
    if (!runId) {
      this.held = undefined;
      this._loading = false;
      this.changed();
      return Promise.resolve();
    }
    this.held = [];
    this._loading = true;
    this.changed();
    return this.api.call('runs.log', { runId }).then(
      (history) => {
        if (gen !== this.generation) return;
        this.append(history);
        this.append(notIn(history, this.held ?? []));
        this.held = undefined;
        this._loading = false;
        this.changed();
      },
      (e: Error) => {
        if (gen !== this.generation) return;
        this.append(this.held ?? []);
        this.held = undefined;
        this._loading = false;
        this._error = e.message;
        this.changed();
      },
    );
  }

  private append(lines: readonly string[]): void {
    for (const l of lines) this._lines.push(l);
    const over = this._lines.length - this.maxLines;
    if (over > 0) {
      this._lines.splice(0, over);
      this._dropped += over;
    }
  }
}

/**
 * The held live lines the history does not end with: the longest run of held lines that
 * the history's tail already shows is skipped (the reply was made after they were logged).
 */
export function notIn(history: readonly string[], held: readonly string[]): string[] {
  for (let k = Math.min(history.length, held.length); k > 0; k--) {
    let same = true;
    for (let i = 0; i < k && same; i++) same = history[history.length - k + i] === held[i];
    if (same) return held.slice(k);
  }
  return [...held];
}
