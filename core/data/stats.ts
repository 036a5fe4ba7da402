import type { AttributeColumn, AttributeKind, Dataset } from './types';
import { interactionCount } from './types';

/** Min / median / mean / max of a count per entity. */
export interface CountSummary {
  min: number;
  median: number;
  mean: number;
  max: number;
}

/** One attribute column at a glance. */
export interface AttributeSummary {
  name: string;
  kind: AttributeKind;
  /** Share of entities whose value is null, in [0, 1]. */
  missingShare: number;
  /** Distinct values; for `multi` columns, distinct list elements. */
  distinct: number;
}

/**
 * Summary of a dataset, plain JSON (no typed arrays, no NaN), stored with every run.
 * Per-entity counts are over all users/items, so cold ones (0 interactions) count too.
 */
export interface DatasetStats {
  name: string;
  source: string;
  users: number;
  items: number;
  interactions: number;
  /** Users / items with at least one interaction. */
  usersWithInteractions: number;
  itemsWithInteractions: number;
  /** Users / items with no interaction at all. */
  coldUsers: number;
  coldItems: number;
  /** interactions / (users * items); 0 for an empty dataset. */
  density: number;
  /** True when some interaction has a rating. */
  explicit: boolean;
  /**
   * Count per rating value, ascending, when explicit. With more than 20 distinct values
   * the ratings are put into 10 equal-width bins and `value` is a bin's lower edge.
   */
  ratingDistribution?: { value: number; count: number }[];
  ratingBinned?: boolean;
  ratingMean?: number;
  perUser: CountSummary;
  perItem: CountSummary;
  popularity: {
    /** Share of interactions on the 20 % most popular items (at least one item). */
    top20ItemShare: number;
    /** Gini coefficient of interactions per item: 0 even, towards 1 concentrated. */
    gini: number;
  };
  /** Unix seconds of the first and last timestamped interaction, when there are any. */
  timeRange?: { min: number; max: number };
  contextColumns: string[];
  userAttributes: AttributeSummary[];
  itemAttributes: AttributeSummary[];
}

/** Summary of counts; all zeros for no entities. */
export function summarizeCounts(counts: Int32Array): CountSummary {
  const n = counts.length;
  if (n === 0) return { min: 0, median: 0, mean: 0, max: 0 };
  const sorted = Int32Array.from(counts).sort();
  let sum = 0;
  for (let k = 0; k < n; k++) sum += sorted[k];
  const median = n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return { min: sorted[0], median, mean: sum / n, max: sorted[n - 1] };
}

/** Gini coefficient of non-negative counts (0 when all equal or all zero). */
export function gini(counts: Int32Array): number {
  const n = counts.length;
  const sorted = Int32Array.from(counts).sort();
  let total = 0;
  let weighted = 0;
  for (let k = 0; k < n; k++) {
    total += sorted[k];
    weighted += (k + 1) * sorted[k];
  }
  if (total === 0) return 0;
  return (2 * weighted) / (n * total) - (n + 1) / n;
}

/** Share of the total held by the ceil(20 %) largest counts. */
function topShare(counts: Int32Array, fraction: number): number {
  const n = counts.length;
  if (n === 0) return 0;
  const sorted = Int32Array.from(counts).sort().reverse();
  const top = Math.max(1, Math.ceil(fraction * n));
  let total = 0;
  let head = 0;
  for (let k = 0; k < n; k++) {
    total += sorted[k];
    if (k < top) head += sorted[k];
  }
  return total === 0 ? 0 : head / total;
}

function summarizeAttribute(col: AttributeColumn, entities: number): AttributeSummary {
  let missing = 0;
  const distinct = new Set<string | number>();
  for (let k = 0; k < entities; k++) {
    const v = col.values[k];
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) missing++;
    else if (Array.isArray(v)) for (const e of v) distinct.add(e);
    else distinct.add(v);
  }
  return { name: col.name, kind: col.kind, missingShare: entities === 0 ? 0 : missing / entities, distinct: distinct.size };
}

function ratingSummary(ratings: Float32Array): Pick<DatasetStats, 'ratingDistribution' | 'ratingBinned' | 'ratingMean'> | undefined {
  const counts = new Map<number, number>();
  let sum = 0;
  let n = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of ratings) {
    if (Number.isNaN(r)) continue;
    counts.set(r, (counts.get(r) ?? 0) + 1);
    sum += r;
    n++;
    lo = Math.min(lo, r);
    hi = Math.max(hi, r);
  }
  if (n === 0) return undefined;
  if (counts.size <= 20) {
    const ratingDistribution = [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([value, count]) => ({ value, count }));
    return { ratingDistribution, ratingBinned: false, ratingMean: sum / n };
  }
  const width = (hi - lo) / 10;
  const bins = Array.from({ length: 10 }, (_, b) => ({ value: lo + b * width, count: 0 }));
  for (const [value, count] of counts) bins[Math.min(9, Math.floor((value - lo) / width))].count += count;
  return { ratingDistribution: bins, ratingBinned: true, ratingMean: sum / n };
}

/** Counts, density, rating distribution, long tail and attribute summary of a dataset. */
export function datasetStats(ds: Dataset): DatasetStats {
  const n = interactionCount(ds);
  const nUsers = ds.userIds.length;
  const nItems = ds.itemIds.length;
  const { user, item, rating, timestamp } = ds.interactions;
  const perUser = new Int32Array(nUsers);
  const perItem = new Int32Array(nItems);
  let tMin = Infinity;
  let tMax = -Infinity;
  for (let k = 0; k < n; k++) {
    perUser[user[k]]++;
    perItem[item[k]]++;
    const t = timestamp[k];
    if (!Number.isNaN(t)) {
      if (t < tMin) tMin = t;
      if (t > tMax) tMax = t;
    }
  }
  const nonZero = (c: Int32Array) => c.reduce((a, v) => a + (v > 0 ? 1 : 0), 0);
  const usersWith = nonZero(perUser);
  const itemsWith = nonZero(perItem);
  const ratings = ratingSummary(rating);
  return {
    name: ds.name,
    source: ds.source,
    users: nUsers,
    items: nItems,
    interactions: n,
    usersWithInteractions: usersWith,
    itemsWithInteractions: itemsWith,
    coldUsers: nUsers - usersWith,
    coldItems: nItems - itemsWith,
    density: nUsers * nItems === 0 ? 0 : n / (nUsers * nItems),
    explicit: ratings !== undefined,
    ...(ratings ?? {}),
    perUser: summarizeCounts(perUser),
    perItem: summarizeCounts(perItem),
    popularity: { top20ItemShare: topShare(perItem, 0.2), gini: gini(perItem) },
    ...(tMin <= tMax ? { timeRange: { min: tMin, max: tMax } } : {}),
    contextColumns: Object.keys(ds.interactions.context),
    userAttributes: ds.userAttributes.map((c) => summarizeAttribute(c, nUsers)),
    itemAttributes: ds.itemAttributes.map((c) => summarizeAttribute(c, nItems)),
  };
}
