import { BugIndicatingError, InputError } from '../util';
import type { Dataset } from './types';
import { interactionCount } from './types';

/**
 * A dataset with only the interactions at `keep` (positions, ascending), its context
 * carried along; users and items are unchanged.
 */
export function selectInteractions(ds: Dataset, keep: ArrayLike<number>): Dataset {
  const n = keep.length;
  const src = ds.interactions;
  const user = new Int32Array(n);
  const item = new Int32Array(n);
  const rating = new Float32Array(n);
  const timestamp = new Float64Array(n);
  const context: Record<string, (string | null)[]> = {};
  for (const name of Object.keys(src.context)) context[name] = new Array<string | null>(n);
  for (let k = 0; k < n; k++) {
    const j = keep[k];
    user[k] = src.user[j];
    item[k] = src.item[j];
    rating[k] = src.rating[j];
    timestamp[k] = src.timestamp[j];
    for (const name in context) context[name][k] = src.context[name][j];
  }
  return { ...ds, interactions: { user, item, rating, timestamp, context } };
}

/**
 * Keeps the interactions with rating >= `threshold` and drops the rest (also those
 * without a rating). The kept rows keep their original rating value, so it stays visible
 * in stats and exports; consumers that train on implicit feedback treat every row of the
 * result as a positive and ignore the rating.
 */
export function toImplicit(ds: Dataset, threshold: number): Dataset {
  if (!Number.isFinite(threshold)) throw new InputError(`implicit.threshold must be a finite number, got ${threshold}.`, 'SPEC');
  const r = ds.interactions.rating;
  const n = interactionCount(ds);
  let withRating = 0;
  const keep: number[] = [];
  for (let k = 0; k < n; k++) {
    if (!Number.isNaN(r[k])) withRating++;
    if (r[k] >= threshold) keep.push(k);
  }
  if (n > 0 && withRating === 0)
    throw new InputError(`Dataset '${ds.name}' has no ratings, so implicit.threshold cannot be applied; remove "implicit" (every interaction is already a positive) or map a rating column.`, 'SPEC');
  return { ...selectInteractions(ds, keep), description: appendNote(ds.description, `implicit: rating >= ${threshold}`) };
}

function appendNote(description: string | undefined, note: string): string {
  return description ? `${description} (${note})` : note;
}

/**
 * Removes users and items with fewer than `users` / `items` interactions, repeating
 * until both hold for everyone left (removing an item can push a user below its
 * minimum). Users and items below their minimum are dropped (so, for a minimum of at
 * least 1, every entity without interactions) and the rest are reindexed densely in their previous order; attributes and context go along.
 */
export function kcoreFilter(ds: Dataset, min: { users: number; items: number }): Dataset {
  const n = interactionCount(ds);
  const { user, item } = ds.interactions;
  const alive = new Uint8Array(n).fill(1);
  const userCount = new Int32Array(ds.userIds.length);
  const itemCount = new Int32Array(ds.itemIds.length);
  for (let k = 0; k < n; k++) {
    userCount[user[k]]++;
    itemCount[item[k]]++;
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (let k = 0; k < n; k++) {
      if (!alive[k]) continue;
      if (userCount[user[k]] < min.users || itemCount[item[k]] < min.items) {
        alive[k] = 0;
        userCount[user[k]]--;
        itemCount[item[k]]--;
        changed = true;
      }
    }
  }
  const keep: number[] = [];
  for (let k = 0; k < n; k++) if (alive[k]) keep.push(k);
  const kept = selectInteractions(ds, keep);
  // With a minimum of 0, entities without interactions (cold items of a CSV import) stay.
  const userKeep = (u: number) => userCount[u] >= min.users;
  const itemKeep = (i: number) => itemCount[i] >= min.items;
  return { ...reindex(kept, userKeep, itemKeep), description: appendNote(ds.description, `${min.users}/${min.items}-core`) };
}

/**
 * Keeps the users and items for which the predicates hold, renumbered densely in their
 * previous order, with their attributes. Every interaction must involve kept entities.
 */
export function reindex(ds: Dataset, keepUser: (u: number) => boolean, keepItem: (i: number) => boolean): Dataset {
  const remap = (count: number, keep: (x: number) => boolean) => {
    const map = new Int32Array(count).fill(-1);
    const old: number[] = [];
    for (let x = 0; x < count; x++)
      if (keep(x)) {
        map[x] = old.length;
        old.push(x);
      }
    return { map, old };
  };
  const users = remap(ds.userIds.length, keepUser);
  const items = remap(ds.itemIds.length, keepItem);
  const src = ds.interactions;
  const user = new Int32Array(src.user.length);
  const item = new Int32Array(src.item.length);
  for (let k = 0; k < user.length; k++) {
    user[k] = users.map[src.user[k]];
    item[k] = items.map[src.item[k]];
    if (user[k] < 0 || item[k] < 0) throw new BugIndicatingError(`reindex: interaction ${k} involves a dropped user or item`);
  }
  return {
    ...ds,
    userIds: users.old.map((u) => ds.userIds[u]),
    itemIds: items.old.map((i) => ds.itemIds[i]),
    interactions: { ...src, user, item },
    userAttributes: ds.userAttributes.map((c) => ({ ...c, values: users.old.map((u) => c.values[u]) })),
    itemAttributes: ds.itemAttributes.map((c) => ({ ...c, values: items.old.map((i) => c.values[i]) })),
  };
}

/**
 * Keeps one interaction per (user, item) pair: the latest by timestamp (the last in
 * file order on ties or without timestamps), so a re-rating replaces the old rating.
 * Kept rows stay in their original order.
 */
export function dedupeInteractions(ds: Dataset): Dataset {
  const { user, item, timestamp } = ds.interactions;
  const nItems = ds.itemIds.length;
  const best = new Map<number, number>();
  for (let k = 0; k < user.length; k++) {
    const key = user[k] * nItems + item[k];
    const prev = best.get(key);
    if (prev === undefined || !(timestamp[prev] > timestamp[k])) best.set(key, k);
  }
  if (best.size === user.length) return ds;
  const keep = Int32Array.from(best.values()).sort();
  return selectInteractions(ds, keep);
}
