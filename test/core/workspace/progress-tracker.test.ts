import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fitFraction, ProgressTracker, type RunProgressEvent } from '../../../core/workspace';

describe('fitFraction', () => {
  it('counts whole epochs plus the share of the current one', () => {
    // Epoch 3 of 10, 25 of 100 steps done: 2.25 / 10.
    expect(fitFraction({ epoch: 3, epochs: 10, stepInEpoch: 25, stepsPerEpoch: 100 })).toBeCloseTo(0.225, 12);
    expect(fitFraction({ fraction: 0.4 })).toBe(0.4);
    expect(fitFraction({ fraction: 1.7 })).toBe(1);
    expect(fitFraction({ epoch: 1 })).toBeUndefined();
  });
});

describe('ProgressTracker', () => {
  let now = 0;
  let events: RunProgressEvent[] = [];
  beforeEach(() => {
    vi.useFakeTimers();
    now = 1_000_000;
    events = [];
  });
  afterEach(() => vi.useRealTimers());
  const make = () => new ProgressTracker('r1', false, (e) => events.push(e), 100, () => now, now);
  // The tracker's clock and the timers move together, 10 ms at a time.
  const advance = (ms: number) => {
    for (let t = 0; t < ms; t += 10) {
      now += 10;
      vi.advanceTimersByTime(10);
    }
  };

  it('sends the first change at once, then at most one event per interval, losing no point', () => {
    const t = make();
    t.setPhase('load');
    expect(events).toHaveLength(1);
    for (let s = 1; s <= 5; s++) {
      advance(10);
      t.addPoint({ key: 'train/loss', value: 1 / s, step: s, time: now });
    }
    // 50 ms after the first event: nothing new has been sent yet.
    expect(events).toHaveLength(1);
    advance(50);
    expect(events).toHaveLength(2);
    expect(events[1].points.map((p) => p.step)).toEqual([1, 2, 3, 4, 5]);
    expect(events[1].loss).toBeCloseTo(0.2, 12);
    expect(events[1].elapsedMs).toBe(100);
    // Stamped when sent, not when the first point of the batch arrived.
    expect(events[1].emittedAt).toBe(1_000_100);
    // A quiet spell: nothing is sent for nothing.
    advance(500);
    expect(events).toHaveLength(2);
    t.dispose();
  });

  it('estimates the ETA of the fit from its share done over the time it took', () => {
    const t = make();
    t.setPhase('train');
    t.setFit({ epoch: 1, epochs: 4, stepInEpoch: 0, stepsPerEpoch: 10 });
    advance(2000);
    // 1.5 epochs of 4 in 2 s: 0.375 done, 0.625 left at 5.333 s per unit -> 3.333 s.
    t.setFit({ epoch: 2, epochs: 4, stepInEpoch: 5, stepsPerEpoch: 10 });
    const last = events[events.length - 1];
    expect(last.fraction).toBeCloseTo(0.375, 12);
    expect(last.etaSeconds).toBeCloseTo((2 / 0.375) * 0.625, 9);
    t.dispose();
  });

  it('shows no ETA before 1 % of the fit or a second has passed, and a new phase restarts the clock', () => {
    const t = make();
    t.setPhase('tune');
    t.setFit({ fraction: 0 });
    advance(500);
    t.setFit({ fraction: 0.5 });
    advance(200);
    expect(events[events.length - 1].etaSeconds).toBeUndefined();
    t.setPhase('train');
    advance(200);
    expect(events[events.length - 1].fit).toBeUndefined();
    expect(events[events.length - 1].fraction).toBeUndefined();
    t.dispose();
  });

  it('flush sends what is pending at once', () => {
    const t = make();
    t.setPhase('load');
    advance(10);
    t.setPhase('split');
    expect(events).toHaveLength(1);
    t.flush();
    expect(events.map((e) => e.phase)).toEqual(['load', 'split']);
    t.dispose();
  });
});
