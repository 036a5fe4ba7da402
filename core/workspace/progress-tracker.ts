import type { FitProgress, RunMetricPoint, RunPhase } from '../experiment';

/** A live run's state as the UI shows it: sent at most every `intervalMs` per run. */
export interface RunProgressEvent {
  runId: string;
  /** A preview (the stages before training) records nothing in the store. */
  preview: boolean;
  phase: RunPhase;
  /** Milliseconds since the Unix epoch. */
  startedAt: number;
  elapsedMs: number;
  /**
   * When the tracker sent this event (or, for `current`, took the snapshot), ms since the
   * Unix epoch: the UI measures the delay from the worker's report to its chart with it.
   */
  emittedAt: number;
  /** The latest progress of the fit (epoch and step of total, best so far). */
  fit?: FitProgress;
  /** Share of the fit done, in [0, 1], when known. */
  fraction?: number;
  /** Seconds left in the fit, once enough of it is done to tell. */
  etaSeconds?: number;
  /** The latest `train/loss`. */
  loss?: number;
  /** Metric points logged since the previous event, in order. */
  points: RunMetricPoint[];
}

/** Share of the fit done: epochs and steps when the model has them, else its own fraction. */
export function fitFraction(p: FitProgress): number | undefined {
  if (p.epochs && p.epoch && p.stepsPerEpoch) return Math.min(1, (p.epoch - 1 + (p.stepInEpoch ?? 0) / p.stepsPerEpoch) / p.epochs);
  if (p.fraction !== undefined) return Math.min(1, Math.max(0, p.fraction));
  return undefined;
}

/** Below this share done, or this time spent, an ETA is a guess: none is shown. */
const ETA_MIN_FRACTION = 0.01;
const ETA_MIN_MS = 1000;

/**
 * Folds a worker's messages into throttled progress events: at most one per
 * `intervalMs` (the first at once, the latest state after a quiet spell, never a lost
 * point), with the ETA of the fit from its share done over the time it took.
 */
export class ProgressTracker {
  private phase: RunPhase = 'starting';
  private fit: FitProgress | undefined;
  private loss: number | undefined;
  private points: RunMetricPoint[] = [];
  private fitStart: number | undefined;
  private fitStartFraction = 0;
  private lastEmit = -Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private dirty = false;
  private last: RunProgressEvent;

  constructor(
    private readonly runId: string,
    private readonly preview: boolean,
    private readonly emit: (e: RunProgressEvent) => void,
    private readonly intervalMs = 100,
    private readonly now: () => number = Date.now,
    readonly startedAt = now(),
  ) {
    this.last = this.snapshot();
  }

  /** The latest state, whether or not it has been sent yet. */
  get current(): RunProgressEvent {
    return this.dirty ? this.snapshot() : this.last;
  }

  setPhase(phase: RunPhase): void {
    if (phase === this.phase) return;
    this.phase = phase;
    // A new fit (the final one after tuning) starts its own clock and progress.
    if (phase === 'train' || phase === 'tune') {
      this.fit = undefined;
      this.fitStart = undefined;
    }
    this.touch();
  }

  addPoint(point: RunMetricPoint): void {
    this.points.push(point);
    if (point.key === 'train/loss') this.loss = point.value;
    this.touch();
  }

  setFit(p: FitProgress): void {
    this.fit = p;
    const f = fitFraction(p);
    if (f !== undefined && this.fitStart === undefined) {
      this.fitStart = this.now();
      this.fitStartFraction = f;
    }
    this.touch();
  }

  /** Sends what is pending now (before a run's end is announced). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.dirty) this.send();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private touch(): void {
    this.dirty = true;
    if (this.timer) return;
    const wait = this.lastEmit + this.intervalMs - this.now();
    if (wait <= 0) this.send();
    else this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.dirty) this.send();
    }, wait);
  }

  private send(): void {
    this.last = this.snapshot();
    this.points = [];
    this.dirty = false;
    this.lastEmit = this.now();
    this.emit(this.last);
  }

  private snapshot(): RunProgressEvent {
    const now = this.now();
    const e: RunProgressEvent = { runId: this.runId, preview: this.preview, phase: this.phase, startedAt: this.startedAt, elapsedMs: now - this.startedAt, emittedAt: now, points: this.points };
    if (this.fit) e.fit = this.fit;
    if (this.loss !== undefined) e.loss = this.loss;
    const f = this.fit ? fitFraction(this.fit) : undefined;
    if (f !== undefined) {
      e.fraction = f;
      const spent = this.fitStart === undefined ? 0 : now - this.fitStart;
      const done = f - this.fitStartFraction;
      if (done >= ETA_MIN_FRACTION && spent >= ETA_MIN_MS) e.etaSeconds = ((spent / done) * (1 - f)) / 1000;
    }
    return e;
  }
}
