/** Text with numbers compared by value: `ndcg@5` before `ndcg@10`, `[16-27]` before `[119-589]`. */
const natural = new Intl.Collator('en', { numeric: true, sensitivity: 'base' }).compare;

/** Metric keys by name, then K by value. */
export function compareMetricKeys(a: string, b: string): number {
  return natural(a, b);
}

/** Named segments of a group in the order a reader expects them (the rest follow, naturally sorted). */
const SEGMENT_RANK: Record<string, number> = { overall: 0, cold: 1, warm: 2, 'no-history': 3, head: 4, mid: 5, tail: 6, sampled: 99 };

/**
 * Segments as a reader scans them: `overall` first, then `items:*` and `users:*` groups
 * (cold, warm, head, mid, tail, then ranges such as `activity[16-27]` by their bounds),
 * `sampled` last.
 */
export function compareSegments(a: string, b: string): number {
  const [ga, na] = splitSegment(a);
  const [gb, nb] = splitSegment(b);
  const rank = (group: string, name: string) => (group === '' ? (SEGMENT_RANK[name] ?? 50) : 10);
  return rank(ga, na) - rank(gb, nb) || natural(ga, gb) || (SEGMENT_RANK[na] ?? 50) - (SEGMENT_RANK[nb] ?? 50) || natural(na, nb);
}

function splitSegment(s: string): [group: string, name: string] {
  const colon = s.indexOf(':');
  return colon < 0 ? ['', s] : [s.slice(0, colon), s.slice(colon + 1)];
}

/** Which way a metric improves: `fit_s` down, ranking and beyond-accuracy metrics up; counts and popularity neither. */
export function metricDirection(key: string): 'higher' | 'lower' | undefined {
  const name = key.split('@')[0];
  if (name === 'fit_s') return 'lower';
  if (['precision', 'recall', 'ndcg', 'hit', 'map', 'mrr', 'auc', 'coverage', 'novelty', 'ild'].includes(name)) return 'higher';
  return undefined;
}
