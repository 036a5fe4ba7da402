import { describe, expect, it } from 'vitest';
import type { RunProgressEvent } from '../../../../core/workspace';
import { formatCount, formatDensity, formatDuration, formatMetric, formatRelativeTime, percentOf, phaseText, progressText } from '../../../../app/renderer/workbench/run-format';

const progress = (p: Partial<RunProgressEvent>): RunProgressEvent => ({ runId: 'r', preview: false, phase: 'train', startedAt: 0, elapsedMs: 0, emittedAt: 0, points: [], ...p });

describe('run-format', () => {
  it('writes a training run as the status bar shows it', () => {
    // Epoch 3 of 8, 3 of 8 steps into it: (2 + 3/8) / 8 = 29.7%, floored.
    const p = progress({ fit: { epoch: 3, epochs: 8, stepInEpoch: 3, stepsPerEpoch: 8 }, fraction: (2 + 3 / 8) / 8, etaSeconds: 41.4 });
    expect(progressText('hybrid-gate-sample', p)).toBe('hybrid-gate-sample: train epoch 3/8 · 29% · ETA 41 s');
    expect(progressText('x', progress({ phase: 'load' }))).toBe('x: loading data');
    expect(progressText('x', progress({ phase: 'features', preview: true }))).toBe('x (preview): fitting features');
    // No ETA without a share done.
    expect(progressText('x', progress({ phase: 'train', etaSeconds: 12 }))).toBe('x: train');
    expect(phaseText(progress({ phase: 'tune', fit: { epoch: 1, epochs: 4 } }))).toBe('tuning epoch 1/4');
    expect(percentOf(progress({ phase: 'evaluate', fraction: 1 }))).toBeUndefined();
    expect(percentOf(progress({ fraction: 0.999 }))).toBe(99);
  });

  it('writes durations, relative times, metrics and dataset sizes', () => {
    expect(formatDuration(41.4)).toBe('41 s');
    expect(formatDuration(125)).toBe('2 min 5 s');
    expect(formatDuration(120)).toBe('2 min');
    expect(formatDuration(3 * 3600 + 1800)).toBe('3 h 30 min');
    const now = new Date(2025, 2, 14, 12, 0, 0).getTime();
    expect(formatRelativeTime(now - 10_000, now)).toBe('just now');
    expect(formatRelativeTime(now - 5 * 60_000, now)).toBe('5 min ago');
    expect(formatRelativeTime(now - 3 * 3600_000, now)).toBe('3 h ago');
    expect(formatRelativeTime(now - 30 * 3600_000, now)).toBe('yesterday');
    expect(formatRelativeTime(new Date(2025, 2, 1).getTime(), now)).toBe('1 Mar');
    expect(formatRelativeTime(new Date(2024, 11, 24).getTime(), now)).toBe('24 Dec 2024');
    expect(formatMetric(0.304783)).toBe('0.3048');
    expect(formatMetric(undefined)).toBe('–');
    expect(formatCount(100000)).toBe('100,000');
    // 100,000 interactions over 943 users x 1,682 items (MovieLens 100K): 6.3%.
    expect(formatDensity(100000 / (943 * 1682))).toBe('6.3%');
    expect(formatDensity(0.0063)).toBe('0.63%');
    expect(formatDensity(0)).toBe('0%');
  });
});
