import { Emitter, toDisposable, type Event } from '../../../core/util';
import type { LiveRunInfo, RunFinishedEvent } from '../../../core/workspace';
import type { ApiClient } from '../../common/api';
import { ChangeModel } from './model';

/** Finished runs remembered so a late `runs.live` reply does not bring one back. */
const FINISHED_MEMORY = 200;

/**
 * The runs going on now, oldest first, kept current from the host's events
 * (`run.started`, `run.progress`, `run.finished`) and from `runs.live` when the
 * workbench starts or its connection comes back (events may have been missed).
 */
export class LiveRunsModel extends ChangeModel {
  private readonly live = new Map<string, LiveRunInfo>();
  private readonly finished: string[] = [];
  private readonly _onDidFinish = new Emitter<RunFinishedEvent>();
  readonly onDidFinish: Event<RunFinishedEvent> = this._onDidFinish.event;
  private readonly _onDidStart = new Emitter<LiveRunInfo>();
  readonly onDidStart: Event<LiveRunInfo> = this._onDidStart.event;
  private refreshing: Promise<void> | undefined;

  constructor(private readonly api: ApiClient) {
    super();
    const subs = [
      api.on('run.started', (info) => {
        if (this.finished.includes(info.runId)) return;
        this.live.set(info.runId, info);
        this.changed();
        this._onDidStart.fire(info);
      }),
      api.on('run.progress', (progress) => {
        const info = this.live.get(progress.runId);
        if (info) {
          this.live.set(progress.runId, { ...info, progress });
          this.changed();
        } else if (!this.finished.includes(progress.runId)) {
          // Started before we listened: its name and notebook come from the host.
          void this.refresh();
        }
      }),
      api.on('run.finished', (e) => {
        this.rememberFinished(e.runId);
        if (this.live.delete(e.runId)) this.changed();
        this._onDidFinish.fire(e);
      }),
    ];
    this.disposables.push(toDisposable(() => subs.forEach((off) => off())));
  }

  /** Live runs, oldest first. */
  get runs(): LiveRunInfo[] {
    return [...this.live.values()].sort((a, b) => a.progress.startedAt - b.progress.startedAt);
  }

  /** Recorded runs only (previews of a cell record nothing). */
  get recordedRuns(): LiveRunInfo[] {
    return this.runs.filter((r) => !r.preview);
  }

  get(runId: string): LiveRunInfo | undefined {
    return this.live.get(runId);
  }

  /** The most recently started live run that is recorded, if any. */
  get newest(): LiveRunInfo | undefined {
    return this.recordedRuns.at(-1);
  }

  /** Reads the live runs from the host (at start, after a reconnect); concurrent calls share one request. */
  refresh(): Promise<void> {
    this.refreshing ??= this.api
      .call('runs.live', {})
      .then((list) => {
        const next = new Map<string, LiveRunInfo>();
        for (const info of list) {
          if (this.finished.includes(info.runId)) continue;
          const mine = this.live.get(info.runId);
          // An event newer than the reply keeps its progress.
          next.set(info.runId, mine && mine.progress.elapsedMs > info.progress.elapsedMs ? { ...info, progress: mine.progress } : info);
        }
        this.live.clear();
        for (const [k, v] of next) this.live.set(k, v);
        this.changed();
      })
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private rememberFinished(runId: string): void {
    this.finished.push(runId);
    if (this.finished.length > FINISHED_MEMORY) this.finished.splice(0, this.finished.length - FINISHED_MEMORY);
  }

  override dispose(): void {
    this._onDidFinish.dispose();
    this._onDidStart.dispose();
    super.dispose();
  }
}
