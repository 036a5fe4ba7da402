import type { AttributeColumn, Dataset } from '../../../core/data';
import type { FeatureSide, FitInput } from '../../../core/features/types';

/** Unix seconds of a UTC date. */
export function utc(y: number, month: number, d: number, h = 0, min = 0): number {
  return Date.UTC(y, month, d, h, min) / 1000;
}

/** A dataset from plain arrays, for hand-computed feature tests. */
export function makeDataset(parts: {
  nUsers: number;
  nItems: number;
  interactions: [user: number, item: number, timestamp: number][];
  userAttributes?: AttributeColumn[];
  itemAttributes?: AttributeColumn[];
  context?: Record<string, (string | null)[]>;
}): Dataset {
  const n = parts.interactions.length;
  return {
    name: 'fixture',
    source: 'test',
    userIds: Array.from({ length: parts.nUsers }, (_, u) => `u${u}`),
    itemIds: Array.from({ length: parts.nItems }, (_, i) => `i${i}`),
    interactions: {
      user: Int32Array.from(parts.interactions, (x) => x[0]),
      item: Int32Array.from(parts.interactions, (x) => x[1]),
      rating: new Float32Array(n).fill(NaN),
      timestamp: Float64Array.from(parts.interactions, (x) => x[2]),
      context: parts.context ?? {},
    },
    userAttributes: parts.userAttributes ?? [],
    itemAttributes: parts.itemAttributes ?? [],
  };
}

/** A FitInput whose fit entities are given explicitly (default: every entity of the side). */
export function fitInput(ds: Dataset, side: FeatureSide, opts: { trainIndex?: number[]; fitEntities?: number[]; seed?: number } = {}): FitInput {
  const nSide = side === 'user' ? ds.userIds.length : side === 'item' ? ds.itemIds.length : 0;
  return {
    ds,
    side,
    trainIndex: Int32Array.from(opts.trainIndex ?? Array.from({ length: ds.interactions.user.length }, (_, k) => k)),
    fitEntities: Int32Array.from(opts.fitEntities ?? Array.from({ length: nSide }, (_, e) => e)),
    seed: opts.seed ?? 7,
    cache: new Map(),
  };
}

/** Rows of dataset entities (or -1 for new ones) with the given column values. */
export function rowsOf(values: Record<string, unknown[]>, entity?: number[], timestamp?: number[]) {
  const n = entity?.length ?? timestamp?.length ?? Object.values(values)[0]?.length ?? 0;
  return {
    n,
    entity: Int32Array.from(entity ?? Array.from({ length: n }, () => -1)),
    values: (c: string) => (values[c] ?? Array.from({ length: n }, () => null)) as any[],
    timestamp: timestamp ? Float64Array.from(timestamp) : undefined,
  };
}

/** Runs a fitted transformer over rows, returning rows x dim. */
export function run(t: { dim: number; transform: (r: any, o: Float32Array, s: number, off: number) => void }, rows: ReturnType<typeof rowsOf>): number[][] {
  const out = new Float32Array(rows.n * t.dim);
  t.transform(rows, out, t.dim, 0);
  return Array.from({ length: rows.n }, (_, r) => Array.from(out.subarray(r * t.dim, (r + 1) * t.dim)));
}
