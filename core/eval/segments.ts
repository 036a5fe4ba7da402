/**
 * Evaluation segments: subsets of users (same relevant items) or of items (relevant items
 * restricted to the subset, as if the truth held only those items). Names are stable keys:
 * `items:cold`, `items:warm`, `items:head`, `items:mid`, `items:tail`, `users:cold`,
 * `users:warm`, `users:no-history` (no training interaction at all, whatever the split),
 * `users:activity[lo-hi]` (train interactions per user, inclusive range).
 */

/** Which segments to compute, given the data that defines them. */
export interface SegmentSettings {
  /** `items:cold` / `items:warm` when cold items are given. Default true. */
  coldItems?: boolean;
  /** `users:cold` / `users:warm` when cold users are given. Default true. */
  coldUsers?: boolean;
  /** `users:no-history` when user train counts are given. Default true. */
  noHistory?: boolean;
  /** Number of user activity buckets (by train count, quantiles over evaluated users); 0 = none. Default 4. */
  activityBuckets?: number;
  /** `items:head` / `items:mid` / `items:tail` when item popularity is given. Default true. */
  popularity?: boolean;
  /** Share of training interactions the head items make up. Default 0.2. */
  headShare?: number;
  /** Share of training interactions the tail items make up. Default 0.2. */
  tailShare?: number;
}

/** One segment: restricts users (`users[u] === 1`) or relevant items (`items[i] === 1`). */
export interface SegmentDefinition {
  name: string;
  users?: Uint8Array;
  items?: Uint8Array;
}

export interface SegmentInputs {
  nUsers: number;
  nItems: number;
  /** Users that will be evaluated (those with relevant items), for activity quantiles. */
  evaluatedUsers: Int32Array;
  coldItems?: Int32Array;
  coldUsers?: Int32Array;
  /** Training interactions per user. */
  userTrainCounts?: Int32Array;
  /** Training interactions per item. */
  itemPopularity?: Int32Array;
}

function maskOf(size: number, members: Int32Array): Uint8Array {
  const m = new Uint8Array(size);
  for (const x of members) m[x] = 1;
  return m;
}

function complement(m: Uint8Array): Uint8Array {
  return m.map((x) => 1 - x);
}

/**
 * User activity buckets: with the evaluated users' train counts sorted, the cut after bucket
 * j is the count at rank ceil(j * n / B) - 1; bucket j holds counts above the previous cut up
 * to its own. Equal cuts merge buckets, so there can be fewer than B. Named by the smallest
 * and largest count actually in the bucket.
 */
export function activityBuckets(counts: Int32Array, evaluated: Int32Array, nUsers: number, buckets: number): SegmentDefinition[] {
  const n = evaluated.length;
  if (n === 0 || buckets < 1) return [];
  const sorted = Int32Array.from(evaluated, (u) => counts[u]).sort();
  const cuts: number[] = [];
  for (let j = 1; j < buckets; j++) {
    const c = sorted[Math.max(0, Math.ceil((j * n) / buckets) - 1)];
    if (cuts.length === 0 || c > cuts[cuts.length - 1]) cuts.push(c);
  }
  if (cuts[cuts.length - 1] !== sorted[n - 1]) cuts.push(sorted[n - 1]);
  const out: SegmentDefinition[] = [];
  let lower = -Infinity;
  for (const upper of cuts) {
    const users = new Uint8Array(nUsers);
    let lo = Infinity;
    let hi = -Infinity;
    for (const u of evaluated) {
      const c = counts[u];
      if (c > lower && c <= upper) {
        users[u] = 1;
        lo = Math.min(lo, c);
        hi = Math.max(hi, c);
      }
    }
    if (hi >= lo) out.push({ name: `users:activity[${lo}-${hi}]`, users });
    lower = upper;
  }
  return out;
}

/**
 * Head / mid / tail items by training popularity: items sorted by popularity (descending,
 * ties by lower index); head is the shortest prefix holding at least `headShare` of all
 * training interactions, tail the items after the point where `1 - tailShare` is reached
 * (including every item never seen in training), mid the rest.
 */
export function popularityBuckets(popularity: Int32Array, headShare = 0.2, tailShare = 0.2): SegmentDefinition[] {
  const nItems = popularity.length;
  const order = Int32Array.from({ length: nItems }, (_, i) => i).sort((a, b) => popularity[b] - popularity[a] || a - b);
  let total = 0;
  for (let i = 0; i < nItems; i++) total += popularity[i];
  const head = new Uint8Array(nItems);
  const mid = new Uint8Array(nItems);
  const tail = new Uint8Array(nItems);
  let before = 0;
  for (const i of order) {
    if (total > 0 && before < headShare * total) head[i] = 1;
    else if (total > 0 && before < (1 - tailShare) * total) mid[i] = 1;
    else tail[i] = 1;
    before += popularity[i];
  }
  return [
    { name: 'items:head', items: head },
    { name: 'items:mid', items: mid },
    { name: 'items:tail', items: tail },
  ];
}

/** The segments the inputs and settings call for, in a stable order. */
export function buildSegments(inputs: SegmentInputs, settings: SegmentSettings = {}): SegmentDefinition[] {
  const out: SegmentDefinition[] = [];
  if (inputs.coldItems && settings.coldItems !== false) {
    const cold = maskOf(inputs.nItems, inputs.coldItems);
    out.push({ name: 'items:cold', items: cold }, { name: 'items:warm', items: complement(cold) });
  }
  if (inputs.coldUsers && settings.coldUsers !== false) {
    const cold = maskOf(inputs.nUsers, inputs.coldUsers);
    out.push({ name: 'users:cold', users: cold }, { name: 'users:warm', users: complement(cold) });
  }
  if (inputs.userTrainCounts && settings.noHistory !== false) {
    // Users a collaborative model knows nothing about: their numbers say how the model (or its
    // fallback) copes without history, and are not mixed up with anyone else's.
    out.push({ name: 'users:no-history', users: Uint8Array.from(inputs.userTrainCounts, (c) => (c === 0 ? 1 : 0)) });
  }
  if (inputs.userTrainCounts) {
    out.push(...activityBuckets(inputs.userTrainCounts, inputs.evaluatedUsers, inputs.nUsers, settings.activityBuckets ?? 4));
  }
  if (inputs.itemPopularity && settings.popularity !== false) {
    out.push(...popularityBuckets(inputs.itemPopularity, settings.headShare, settings.tailShare));
  }
  return out;
}
