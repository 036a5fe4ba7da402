import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { downsampleSeries, openRunStore, type MetricPoint } from '../../../core/runs';
import { openDatabase } from '../../../core/runs/database';
import { MIGRATIONS } from '../../../core/runs/migrations';
import { blockAlignedDownsample, rangeBlockAligned, tempDirs } from './helpers';

const tmp = tempDirs();
afterEach(() => tmp.cleanup());

/** A seeded generator (LCG): the same values on every run. */
function values(n: number, seed: number, nanEvery = 0): number[] {
  let x = seed;
  return Array.from({ length: n }, (_, i) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    if (nanEvery && i % nanEvery === 3) return NaN;
    // Few distinct values: many ties, which must go to the earlier point.
    return Math.floor((x / 2147483648) * 50) / 10;
  });
}

type BlockRowObject = Record<string, number | null>;

/** The stored blocks of a series, unpacked (11 float64s a block, 64 blocks a row), NaN as null. */
function blockRows(file: string, seriesKey: string): BlockRowObject[] {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare('SELECT b.size, b.chunk, b.blocks FROM metric_blocks b JOIN metric_series s ON s.id = b.series_id WHERE s.key = ? ORDER BY b.size, b.chunk').raw().all(seriesKey) as [number, number, Buffer][];
    const out: BlockRowObject[] = [];
    const v = (x: number) => (Number.isNaN(x) ? null : x);
    for (const [size, chunk, blob] of rows) {
      const d = new Float64Array(new Uint8Array(blob).buffer);
      for (let i = 0; i * 11 < d.length; i++) {
        const f = d.subarray(i * 11, i * 11 + 11);
        const point = (prefix: string, o: number) => ({ [`${prefix}_step`]: f[o], [`${prefix}_seq`]: f[o + 1], [`${prefix}_epoch`]: v(f[o + 2]), [`${prefix}_time`]: f[o + 3], [`${prefix}_value`]: v(f[o + 4]) });
        out.push({ size, block: chunk * 64 + i, points: f[0], ...point('min', 1), ...point('max', 6) });
      }
    }
    return out;
  } finally {
    db.close();
  }
}

/** The blocks of `size` of points 0..n-1 of `vals`, from their definition (NaN stored as null). */
function expectedBlocks(vals: number[], size: number): BlockRowObject[] {
  const out: BlockRowObject[] = [];
  for (let block = 0; block * size < vals.length; block++) {
    const idx = Array.from({ length: Math.min(size, vals.length - block * size) }, (_, i) => block * size + i);
    const finite = idx.filter((i) => !Number.isNaN(vals[i]));
    const pick = (better: (a: number, b: number) => boolean) => finite.reduce((best, i) => (best < 0 || better(vals[i], vals[best]) ? i : best), -1);
    const lo = finite.length ? pick((a, b) => a < b) : idx[0];
    const hi = finite.length ? pick((a, b) => a > b) : idx[0];
    const point = (prefix: string, i: number) => ({ [`${prefix}_step`]: i, [`${prefix}_seq`]: i, [`${prefix}_epoch`]: null, [`${prefix}_time`]: 1000 + i, [`${prefix}_value`]: Number.isNaN(vals[i]) ? null : vals[i] });
    out.push({ size, block, points: idx.length, ...point('min', lo), ...point('max', hi) });
  }
  return out;
}

const pointsOf = (key: string, vals: number[]): MetricPoint[] => vals.map((value, step) => ({ key, value, step, time: 1000 + step }));

describe('metric blocks', () => {
  it('hold each block’s count, lowest and highest point, whether the points came in one batch, in small batches or one by one', () => {
    const file = path.join(tmp.make(), 'runs.sqlite');
    const store = openRunStore(file);
    // 2,000 points: 125 blocks of 16, two stored rows of 64 blocks.
    const vals = values(2000, 7, 11);
    const run = store.createRun({ spec: {} }).id;
    store.logMetrics(run, pointsOf('whole', vals));
    const batches = pointsOf('batches', vals);
    for (let i = 0; i < batches.length; i += 7) store.logMetrics(run, batches.slice(i, i + 7));
    for (const p of pointsOf('single', vals)) store.logMetric(run, p);
    store.close();
    const want = [16, 256, 4096, 65536].flatMap((size) => expectedBlocks(vals, size));
    expect(blockRows(file, 'whole')).toEqual(want);
    expect(blockRows(file, 'batches')).toEqual(want);
    expect(blockRows(file, 'single')).toEqual(want);
  });

  it('are filled from the points already stored when an older store is opened', () => {
    const file = path.join(tmp.make(), 'runs.sqlite');
    // A store as RecLab wrote it before blocks existed (schema 2), with a spike, NaN and ties.
    const old = openDatabase(file, MIGRATIONS.slice(0, 2));
    old.prepare("INSERT INTO experiments (id, name, created) VALUES (1, 'Default', 0)").run();
    old.prepare("INSERT INTO runs (id, experiment_id, name, status, start_time, spec) VALUES ('0123456789abcdef', 1, 'old', 'FINISHED', 0, '{}')").run();
    const n = 5000;
    const vals = Array.from({ length: n }, (_, i) => (i % 97 === 5 ? NaN : Math.round(Math.sin(i / 40) * 4) / 4 + (i === 3210 ? 50 : 0)));
    old.prepare("INSERT INTO metric_series (id, run_id, key, points, ordered, step, time, value) VALUES (1, '0123456789abcdef', 'loss', ?, 1, ?, ?, ?)").run(n, n - 1, 1000 + n - 1, vals[n - 1]);
    // A series that went back in steps: never read from blocks, so none are made for it.
    old.prepare("INSERT INTO metric_series (id, run_id, key, points, ordered, step, time, value) VALUES (2, '0123456789abcdef', 'back', 2, 0, 1, 1001, 0)").run();
    const insert = old.prepare('INSERT INTO metrics (series_id, step, seq, epoch, time, value) VALUES (?, ?, ?, NULL, ?, ?)');
    old.transaction(() => {
      vals.forEach((v, i) => insert.run(1, i, i, 1000 + i, Number.isNaN(v) ? null : v));
      insert.run(2, 1, 0, 1001, 0);
      insert.run(2, 0, 1, 1002, 1);
    })();
    old.close();

    const store = openRunStore(file);
    const full = store.getMetricSeries('0123456789abcdef', 'loss');
    expect(full).toHaveLength(n);
    expect(blockRows(file, 'loss')).toEqual([16, 256, 4096, 65536].flatMap((size) => expectedBlocks(vals, size)));
    expect(blockRows(file, 'back')).toEqual([]);
    const got = store.getMetricSeries('0123456789abcdef', 'loss', { maxPoints: 300 });
    expect(got).toEqual(blockAlignedDownsample(full, 300));
    expect(got.find((p) => p.step === 3210)?.value).toBe(vals[3210]);
    // Points logged after the migration continue the last, partial block.
    store.logMetrics('0123456789abcdef', [{ key: 'loss', value: -99, step: n, time: 1000 + n }]);
    store.close();
    const all = [...vals, -99];
    expect(blockRows(file, 'loss')).toEqual([16, 256, 4096, 65536].flatMap((size) => expectedBlocks(all, size)));
  });

  it('draw a long series from few rows and keep its spikes; a series that went back in steps is read point by point', () => {
    const store = openRunStore(path.join(tmp.make(), 'runs.sqlite'));
    const run = store.createRun({ spec: {} }).id;
    const n = 100_000;
    const vals = Array.from({ length: n }, (_, i) => (i === 77_777 ? 1e6 : i === 12_345 ? -1e6 : Math.cos(i / 300)));
    store.logMetrics(run, pointsOf('long', vals));
    const full = store.getMetricSeries(run, 'long');
    for (const maxPoints of [20, 500, 5000]) {
      const got = store.getMetricSeries(run, 'long', { maxPoints });
      expect(got).toEqual(blockAlignedDownsample(full, maxPoints));
      expect(got.length).toBeLessThanOrEqual(maxPoints);
      expect(got.find((p) => p.step === 77_777)?.value).toBe(1e6);
      expect(got.find((p) => p.step === 12_345)?.value).toBe(-1e6);
      expect([got[0].step, got[got.length - 1].step]).toEqual([0, n - 1]);
    }
    // A step range (a zoom) that fits is read point by point; a long one from its blocks of 16 and its two ragged ends.
    expect(store.getMetricSeries(run, 'long', { fromStep: 77_000, toStep: 78_000, maxPoints: 2000 })).toEqual(full.slice(77_000, 78_001));
    for (const [from, to, maxPoints] of [
      [12_345, 87_654, 2000],
      [3, 40_000, 500],
      [0, 99_999, 2000],
      [50_000, 99_998, 1000],
    ]) {
      const zoom = store.getMetricSeries(run, 'long', { fromStep: from, toStep: to, maxPoints });
      expect(zoom).toEqual(rangeBlockAligned(full, from, to, maxPoints));
      expect(zoom.length).toBeLessThanOrEqual(maxPoints);
      expect([zoom[0].step, zoom[zoom.length - 1].step]).toEqual([from, to]);
      if (from <= 77_777 && 77_777 <= to) expect(zoom.find((p) => p.step === 77_777)?.value).toBe(1e6);
    }
    // One point back in steps: the series is no longer ordered, and blocks no longer follow step order.
    const back = pointsOf('back', values(3000, 3));
    store.logMetrics(run, back.slice(100));
    store.logMetrics(run, back.slice(0, 100));
    const sorted = store.getMetricSeries(run, 'back');
    expect(store.getMetricSeries(run, 'back', { maxPoints: 100 })).toEqual(downsampleSeries(sorted, 100));
    store.close();
  });

  it('go with their run', () => {
    const file = path.join(tmp.make(), 'runs.sqlite');
    const store = openRunStore(file);
    const run = store.createRun({ spec: {} }).id;
    store.logMetrics(run, pointsOf('loss', values(100, 1)));
    store.deleteRun(run);
    store.close();
    expect(blockRows(file, 'loss')).toEqual([]);
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT count(*) FROM metric_blocks').pluck().get()).toBe(0);
    db.close();
  });
});
