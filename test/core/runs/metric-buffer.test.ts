import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MetricBuffer, openRunStore } from '../../../core/runs';
import { tempDirs } from './helpers';

const tmp = tempDirs();
afterEach(() => tmp.cleanup());

describe('MetricBuffer', () => {
  it('writes when full, on flush, and when the oldest point is too old', () => {
    const store = openRunStore(path.join(tmp.make(), 'runs.sqlite'));
    try {
      const run = store.createRun({ spec: {} });
      const buf = new MetricBuffer(store, run.id, { maxPoints: 3, maxDelayMs: 60_000 });
      const written = () => store.getMetricSeries(run.id, 'loss').length;
      buf.add({ key: 'loss', value: 1, step: 0 });
      buf.add({ key: 'loss', value: 2, step: 1 });
      expect(written()).toBe(0);
      expect(buf.size).toBe(2);
      buf.add({ key: 'loss', value: 3, step: 2 });
      expect(written()).toBe(3);
      buf.add({ key: 'loss', value: 4, step: 3 });
      buf.flush();
      expect(written()).toBe(4);
      expect(buf.size).toBe(0);

      const eager = new MetricBuffer(store, run.id, { maxPoints: 100, maxDelayMs: 0 });
      eager.add({ key: 'loss', value: 5, step: 4 });
      expect(written()).toBe(5);
    } finally {
      store.close();
    }
  });

  it('keeps the points queued when a write fails', () => {
    const store = openRunStore(path.join(tmp.make(), 'runs.sqlite'));
    try {
      const buf = new MetricBuffer(store, 'deadbeefdeadbeef', { maxPoints: 10 });
      buf.add({ key: 'loss', value: 1, step: 0 });
      expect(() => buf.flush()).toThrow(/No run/);
      expect(buf.size).toBe(1);
    } finally {
      store.close();
    }
  });
});
