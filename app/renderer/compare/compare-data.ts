import type { RunRecord, SeriesPoint } from '../../../core/runs';

/**
 * What the compare view computes from runs, without the DOM: its resource, the x axis of
 * a curve, EMA smoothing, the params that differ, the protocol groups and what differs
 * between them, and CSV text. Tested in node (test/app/renderer/compare).
 */

export const COMPARE_PREFIX = 'reclab:compare/';

/** `reclab:compare/<id>,<id>,...` for these runs (each id once, in the given order). */
export function compareResource(runIds: readonly string[]): string {
  return COMPARE_PREFIX + [...new Set(runIds)].join(',');
}

/** The run ids of a compare resource (empty ones and repeats dropped). */
export function compareRunIds(resource: string): string[] {
  if (!resource.startsWith(COMPARE_PREFIX)) return [];
  return [...new Set(resource.slice(COMPARE_PREFIX.length).split(',').map((s) => s.trim()).filter(Boolean))];
}

export type XAxis = 'step' | 'epoch' | 'wall' | 'relative';

export const X_AXES: { id: XAxis; label: string }[] = [
  { id: 'step', label: 'Step' },
  { id: 'epoch', label: 'Epoch' },
  { id: 'wall', label: 'Wall time' },
  { id: 'relative', label: 'Relative time (s)' },
];

/**
 * A point's x on the chosen axis: its step, its epoch (the step when it has none), its
 * time (ms since the epoch: a date axis), or seconds since the run's first point.
 */
export function xOf(p: SeriesPoint, axis: XAxis, t0: number): number {
  switch (axis) {
    case 'step':
      return p.step;
    case 'epoch':
      return p.epoch ?? p.step;
    case 'wall':
      return p.time;
    case 'relative':
      return (p.time - t0) / 1000;
  }
}

/**
 * Exponential moving average as TensorBoard smooths (debiased, so the first points are
 * not pulled towards zero): weight 0 is the raw curve, 0.99 very smooth. Non-finite values
 * pass through and do not poison what follows.
 */
export function ema(values: readonly number[], weight: number): number[] {
  if (weight <= 0) return [...values];
  let last = 0;
  let n = 0;
  return values.map((v) => {
    if (!Number.isFinite(v)) return v;
    last = last * weight + (1 - weight) * v;
    n++;
    return last / (1 - Math.pow(weight, n));
  });
}

/** The step range (inclusive) whose points have x in [lo, hi] on `axis`, widened by one point each side so lines reach the edges. */
export function stepRange(points: readonly SeriesPoint[], axis: XAxis, lo: number, hi: number): [number, number] | undefined {
  if (axis === 'step') return [Math.floor(lo), Math.ceil(hi)];
  if (points.length === 0) return undefined;
  const t0 = points[0].time;
  let first = -1;
  let last = -1;
  points.forEach((p, i) => {
    const x = xOf(p, axis, t0);
    if (x >= lo && x <= hi) {
      if (first < 0) first = i;
      last = i;
    }
  });
  if (first < 0) {
    // Zoomed between two drawn points: the steps between them.
    const after = points.findIndex((p) => xOf(p, axis, t0) > hi);
    if (after <= 0) return undefined;
    return [points[after - 1].step, points[after].step];
  }
  return [points[Math.max(0, first - 1)].step, points[Math.min(points.length - 1, last + 1)].step];
}

export interface ParamRow {
  key: string;
  /** By run, in the runs' order; undefined when the run has no such param. */
  values: (string | undefined)[];
  differs: boolean;
}

/** Every param of the runs, sorted by key, marked where the runs disagree (a missing value differs from any value). */
export function paramRows(runs: readonly Pick<RunRecord, 'params'>[]): ParamRow[] {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
  return keys.map((key) => {
    const values = runs.map((r) => r.params[key]);
    return { key, values, differs: new Set(values).size > 1 };
  });
}

/** Nested objects as dotted keys (`split.ratios`: arrays stay whole, as JSON). */
export function flatten(value: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (value !== undefined && prefix) out[prefix] = typeof value === 'string' ? value : JSON.stringify(value);
  return out;
}

/** The spec fields the protocol fingerprint is made from: the data, the split (with the seed that draws it) and the evaluation. */
export function protocolFields(run: Pick<RunRecord, 'spec' | 'seed'>): Record<string, string> {
  const spec = (run.spec ?? {}) as Record<string, unknown>;
  // Only what core/data's fingerprintedEvaluation hashes: the tuning metric and segments change no result.
  const { ks, candidates, sampled, fallback } = (spec.evaluate as Record<string, unknown> | undefined) ?? {};
  const evaluate = { ks, candidates, sampled, fallback: fallback === 'none' ? undefined : fallback };
  return flatten({ data: spec.data, split: spec.split, seed: run.seed ?? spec.seed, evaluate });
}

export interface ProtocolWarning {
  /** Runs grouped by fingerprint, largest group first. */
  groups: { fingerprint: string; runs: { id: string; name: string }[] }[];
  /** Protocol fields whose values are not the same in every run, with each group's values. */
  differences: { field: string; values: string[] }[];
}

/**
 * Runs whose protocol fingerprints differ were evaluated on different data, splits or
 * candidates: their metrics cannot be compared. Undefined when every run that has a
 * fingerprint has the same one.
 */
export function protocolWarning(runs: readonly Pick<RunRecord, 'id' | 'name' | 'fingerprint' | 'spec' | 'seed'>[]): ProtocolWarning | undefined {
  const byFp = new Map<string, typeof runs[number][]>();
  for (const r of runs) if (r.fingerprint) byFp.set(r.fingerprint, [...(byFp.get(r.fingerprint) ?? []), r]);
  if (byFp.size < 2) return undefined;
  const groups = [...byFp.entries()].sort((a, b) => b[1].length - a[1].length);
  const fields = groups.map(([, rs]) => protocolFields(rs[0]));
  const keys = [...new Set(fields.flatMap((f) => Object.keys(f)))].sort();
  const differences = keys.map((field) => ({ field, values: fields.map((f) => f[field] ?? '(none)') })).filter((d) => new Set(d.values).size > 1);
  return { groups: groups.map(([fingerprint, rs]) => ({ fingerprint, runs: rs.map((r) => ({ id: r.id, name: r.name })) })), differences };
}

/** The final metrics at each K for one metric family (`ndcg` -> ndcg@5, ndcg@10, ...), sorted by K. */
export function metricKs(runs: readonly Pick<RunRecord, 'finalMetrics'>[], segment: string, family: string): number[] {
  const ks = new Set<number>();
  for (const r of runs)
    for (const key of Object.keys(r.finalMetrics[segment] ?? {})) {
      const m = /^(.+)@(\d+)$/.exec(key);
      if (m && m[1] === family) ks.add(Number(m[2]));
    }
  return [...ks].sort((a, b) => a - b);
}

/** The metric families (`ndcg`, `recall`) the runs' final metrics have at some K. */
export function metricFamilies(runs: readonly Pick<RunRecord, 'finalMetrics'>[]): string[] {
  const out = new Set<string>();
  for (const r of runs) for (const seg of Object.values(r.finalMetrics)) for (const key of Object.keys(seg)) out.add(/^(.+)@\d+$/.exec(key)?.[1] ?? key);
  return [...out].sort();
}

/** Short, unique labels for runs: the name, with the id's first digits where names repeat. */
export function runLabels(runs: readonly Pick<RunRecord, 'id' | 'name'>[]): string[] {
  const count = new Map<string, number>();
  for (const r of runs) count.set(r.name, (count.get(r.name) ?? 0) + 1);
  return runs.map((r) => ((count.get(r.name) ?? 0) > 1 ? `${r.name} (${r.id.slice(0, 6)})` : r.name));
}
