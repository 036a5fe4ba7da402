import type { MetricPoint, RunStore } from './types';

export interface MetricBufferOptions {
  /** Flush when this many points are waiting. Default 1000. */
  maxPoints?: number;
  /** Flush on the next `add` once the oldest waiting point is this old. Default 1000 ms. */
  maxDelayMs?: number;
}

/**
 * Collects metric points of one run and writes them in batches: one transaction per
 * point costs a commit each (~100x slower than batched). A training loop calls `add`
 * per step and `flush` at epoch ends and when it stops; live charts then lag at most
 * `maxDelayMs` behind while steps keep coming.
 */
export class MetricBuffer {
  private pending: MetricPoint[] = [];
  private oldest = 0;
  private readonly maxPoints: number;
  private readonly maxDelayMs: number;

  constructor(
    private readonly store: RunStore,
    readonly runId: string,
    options: MetricBufferOptions = {},
  ) {
    this.maxPoints = options.maxPoints ?? 1000;
    this.maxDelayMs = options.maxDelayMs ?? 1000;
  }

  /** Queues a point (its time is taken now unless given). */
  add(point: MetricPoint): void {
    const now = Date.now();
    if (this.pending.length === 0) this.oldest = now;
    this.pending.push(point.time === undefined ? { ...point, time: now } : point);
    if (this.pending.length >= this.maxPoints || now - this.oldest >= this.maxDelayMs) this.flush();
  }

  /** Writes what is waiting, in one transaction. On failure the points stay queued. */
  flush(): void {
    if (this.pending.length === 0) return;
    this.store.logMetrics(this.runId, this.pending);
    this.pending = [];
  }

  get size(): number {
    return this.pending.length;
  }
}
