import { InputError, Rng } from '../util';
import type { SplitSpec } from '../spec';
import { buildCsr, type CsrMatrix } from './matrix';
import type { Dataset } from './types';

/**
 * A train/valid/test partition of a dataset's interactions. Every interaction index
 * `0..n-1` is in exactly one of `train`, `valid`, `test`; each part is sorted ascending.
 * Cold-start splits also name the entities they held out entirely.
 */
export interface Split {
  kind: SplitSpec['kind'];
  seed: number;
  /** Indices into `ds.interactions`, ascending. */
  train: Int32Array;
  valid: Int32Array;
  test: Int32Array;
  /** Items held out entirely for test (cold-item): none of their interactions is in train. */
  coldItems?: Int32Array;
  /** Items held out entirely for validation (cold-item with a `valid` share). */
  validColdItems?: Int32Array;
  /** Users held out for test (cold-user): at most `history` of their interactions are in train. */
  coldUsers?: Int32Array;
  /** Users held out for validation (cold-user with a `valid` share). */
  validColdUsers?: Int32Array;
}

/** The user x item 0/1 matrices of a split's parts. */
export interface SplitMatrices {
  train: CsrMatrix;
  valid: CsrMatrix;
  test: CsrMatrix;
}

const TRAIN = 0;
const VALID = 1;
const TEST = 2;

/**
 * Round half to even, on the exact double: the rule of numpy's `np.round` and Python's
 * `round`, so per-user counts match reference splitters (2.5 -> 2, 3.5 -> 4, 0.5 -> 0).
 */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * Splits a dataset's interactions. Deterministic for a given dataset, spec and seed.
 *
 * - `random` (`ratios` = [train, valid, test], summing to 1): per user, the user's
 *   interactions (in index order) are shuffled with one seeded generator, users visited in
 *   index order; then `nTest = roundHalfEven(n * test)`, `nValid = roundHalfEven(n * valid)`,
 *   the rest train, in that shuffled order: first train, then valid, then test. A user for
 *   whom `nTest + nValid >= n` (nothing would be left to train on) keeps all in train.
 * - `leave-last-out`: per user, interactions ordered by (timestamp, index); the last goes to
 *   test, the second-last to valid, the rest to train. A user with 2 interactions gives 1 to
 *   train and 1 to test; a user with 1 keeps it in train. Needs timestamps on every interaction.
 * - `temporal` (`ratios`): one global cut by time. With all timestamps sorted ascending, the
 *   cutoffs are the times at ranks `roundHalfEven(N * train)` and
 *   `roundHalfEven(N * (train + valid))`; an interaction is train if its time is before the
 *   first cutoff, valid if before the second, else test. Events at a cutoff's exact time go
 *   to the later part, so no instant is split across parts (parts can differ slightly from
 *   the ratios when many events share a time). Needs timestamps on every interaction.
 * - `cold-item`: among items with at least one interaction (index order, shuffled), the first
 *   `max(1, roundHalfEven(m * holdout))` are test cold items and the next
 *   `roundHalfEven(m * valid)` (at least 1 when `valid > 0`) valid cold items; all their
 *   interactions go to test / valid, everything else to train.
 * - `cold-user`: the same over users with more than `history` interactions; each held-out
 *   user's first `history` interactions by (timestamp, index) (missing times sort last) go to
 *   train, the rest to test / valid.
 */
export function splitDataset(ds: Dataset, spec: SplitSpec, seed: number): Split {
  const n = ds.interactions.user.length;
  const part = new Uint8Array(n); // TRAIN by default
  const out: Omit<Split, 'train' | 'valid' | 'test'> = { kind: spec.kind, seed };
  switch (spec.kind) {
    case 'random':
      splitRandom(ds, checkRatios(spec.ratios, 'random'), seed, part);
      break;
    case 'leave-last-out':
      splitLeaveLastOut(ds, part);
      break;
    case 'temporal':
      splitTemporal(ds, checkRatios(spec.ratios, 'temporal'), part);
      break;
    case 'cold-item': {
      const held = splitColdItems(ds, spec.holdout, spec.valid ?? 0, seed, part);
      out.coldItems = held.test;
      if (held.valid.length) out.validColdItems = held.valid;
      break;
    }
    case 'cold-user': {
      const held = splitColdUsers(ds, spec.holdout, spec.valid ?? 0, spec.history ?? 0, seed, part);
      out.coldUsers = held.test;
      if (held.valid.length) out.validColdUsers = held.valid;
      break;
    }
    default:
      throw new InputError(`split.kind '${(spec as { kind: string }).kind}' is unknown; use random, leave-last-out, temporal, cold-item or cold-user.`, 'SPEC');
  }
  return { ...out, ...partsOf(part) };
}

/** User x item implicit (1 per pair) matrices of the three parts. */
export function splitMatrices(ds: Dataset, split: Split): SplitMatrices {
  const nU = ds.userIds.length;
  const nI = ds.itemIds.length;
  const { user, item } = ds.interactions;
  return {
    train: buildCsr(nU, nI, user, item, split.train),
    valid: buildCsr(nU, nI, user, item, split.valid),
    test: buildCsr(nU, nI, user, item, split.test),
  };
}

function checkRatios(ratios: readonly number[] | undefined, kind: string): [number, number, number] {
  const r = (ratios ?? [0.8, 0.1, 0.1]) as number[];
  const sum = r[0] + r[1] + r[2];
  if (r.length !== 3 || r.some((x) => !(x >= 0 && x <= 1)) || Math.abs(sum - 1) > 1e-6) {
    throw new InputError(`split.ratios of kind '${kind}' must be three shares [train, valid, test] in 0..1 summing to 1; got ${JSON.stringify(ratios)}.`, 'SPEC');
  }
  if (r[0] === 0) throw new InputError(`split.ratios of kind '${kind}' gives train no share; got ${JSON.stringify(ratios)}.`, 'SPEC');
  return [r[0], r[1], r[2]];
}

function partsOf(part: Uint8Array): { train: Int32Array; valid: Int32Array; test: Int32Array } {
  const counts = [0, 0, 0];
  for (let k = 0; k < part.length; k++) counts[part[k]]++;
  const arrays = counts.map((c) => new Int32Array(c));
  const fill = [0, 0, 0];
  for (let k = 0; k < part.length; k++) arrays[part[k]][fill[part[k]]++] = k;
  return { train: arrays[TRAIN], valid: arrays[VALID], test: arrays[TEST] };
}

/** Interaction indices grouped by an entity column, each group in ascending index order. */
function groupBy(column: Int32Array, nGroups: number): { start: Int32Array; order: Int32Array } {
  const start = new Int32Array(nGroups + 1);
  for (let k = 0; k < column.length; k++) start[column[k] + 1]++;
  for (let g = 0; g < nGroups; g++) start[g + 1] += start[g];
  const fill = start.slice(0, nGroups);
  const order = new Int32Array(column.length);
  for (let k = 0; k < column.length; k++) order[fill[column[k]]++] = k;
  return { start, order };
}

function splitRandom(ds: Dataset, ratios: [number, number, number], seed: number, part: Uint8Array): void {
  const nUsers = ds.userIds.length;
  const { start, order } = groupBy(ds.interactions.user, nUsers);
  const rng = new Rng(seed);
  for (let u = 0; u < nUsers; u++) {
    const items = order.subarray(start[u], start[u + 1]);
    const n = items.length;
    if (n === 0) continue;
    rng.shuffle(items);
    const nTest = roundHalfEven(n * ratios[TEST]);
    const nValid = roundHalfEven(n * ratios[VALID]);
    if (nTest + nValid >= n) continue; // too few: all stay in train
    const nTrain = n - nTest - nValid;
    for (let j = nTrain; j < n; j++) part[items[j]] = j < nTrain + nValid ? VALID : TEST;
  }
}

function requireTimestamps(ds: Dataset, kind: string): Float64Array {
  const t = ds.interactions.timestamp;
  let missing = 0;
  for (let k = 0; k < t.length; k++) if (Number.isNaN(t[k])) missing++;
  if (missing > 0) {
    throw new InputError(
      `split kind '${kind}' orders by time, but ${missing} of ${t.length} interactions of dataset '${ds.name}' have no timestamp; map a timestamp column or use split kind 'random'.`,
      'SPLIT_NO_TIME',
    );
  }
  return t;
}

/** Sorts interaction indices in place by (time, index); missing times sort last. */
function sortByTime(indices: Int32Array, t: Float64Array): Int32Array {
  const key = (k: number) => (Number.isNaN(t[k]) ? Infinity : t[k]);
  return indices.sort((a, b) => key(a) - key(b) || a - b);
}

function splitLeaveLastOut(ds: Dataset, part: Uint8Array): void {
  const t = requireTimestamps(ds, 'leave-last-out');
  const nUsers = ds.userIds.length;
  const { start, order } = groupBy(ds.interactions.user, nUsers);
  for (let u = 0; u < nUsers; u++) {
    const n = start[u + 1] - start[u];
    if (n < 2) continue;
    const items = sortByTime(order.subarray(start[u], start[u + 1]), t);
    part[items[n - 1]] = TEST;
    if (n >= 3) part[items[n - 2]] = VALID;
  }
}

function splitTemporal(ds: Dataset, ratios: [number, number, number], part: Uint8Array): void {
  const t = requireTimestamps(ds, 'temporal');
  const n = t.length;
  if (n === 0) return;
  const sorted = Float64Array.from(t).sort();
  const cut = (rank: number) => (rank >= n ? Infinity : sorted[rank]);
  const validFrom = cut(roundHalfEven(n * ratios[TRAIN]));
  const testFrom = cut(roundHalfEven(n * (ratios[TRAIN] + ratios[VALID])));
  for (let k = 0; k < n; k++) part[k] = t[k] < validFrom ? TRAIN : t[k] < testFrom ? VALID : TEST;
}

/** Picks held-out entities: shuffle the eligible ones, take test then valid shares. */
function pickHeldOut(eligible: Int32Array, holdout: number, valid: number, seed: number, what: string): { test: Int32Array; valid: Int32Array } {
  if (!(holdout > 0 && holdout < 1) || !(valid >= 0 && holdout + valid < 1)) {
    throw new InputError(`split.holdout (${holdout}) and split.valid (${valid}) must be shares in (0, 1) and [0, 1) whose sum is below 1.`, 'SPEC');
  }
  const m = eligible.length;
  const nTest = Math.max(1, roundHalfEven(m * holdout));
  const nValid = valid > 0 ? Math.max(1, roundHalfEven(m * valid)) : 0;
  if (nTest + nValid >= m) {
    throw new InputError(`cannot hold out ${nTest + nValid} of ${m} ${what} and keep any for training; lower split.holdout/split.valid or use a larger dataset.`, 'SPEC');
  }
  const shuffled = new Rng(seed).shuffle(eligible.slice());
  return {
    test: shuffled.slice(0, nTest).sort(),
    valid: shuffled.slice(nTest, nTest + nValid).sort(),
  };
}

function splitColdItems(ds: Dataset, holdout: number, valid: number, seed: number, part: Uint8Array): { test: Int32Array; valid: Int32Array } {
  const { item } = ds.interactions;
  const count = new Int32Array(ds.itemIds.length);
  for (let k = 0; k < item.length; k++) count[item[k]]++;
  const eligible = Int32Array.from(count.keys()).filter((i) => count[i] > 0);
  const held = pickHeldOut(eligible, holdout, valid, seed, 'items with interactions');
  const role = new Uint8Array(ds.itemIds.length);
  for (const i of held.test) role[i] = TEST;
  for (const i of held.valid) role[i] = VALID;
  for (let k = 0; k < item.length; k++) part[k] = role[item[k]];
  return held;
}

function splitColdUsers(ds: Dataset, holdout: number, valid: number, history: number, seed: number, part: Uint8Array): { test: Int32Array; valid: Int32Array } {
  const nUsers = ds.userIds.length;
  const { start, order } = groupBy(ds.interactions.user, nUsers);
  const eligible = Int32Array.from({ length: nUsers }, (_, u) => u).filter((u) => start[u + 1] - start[u] > history);
  const held = pickHeldOut(eligible, holdout, valid, seed, `users with more than ${history} interactions`);
  const t = ds.interactions.timestamp;
  const hold = (users: Int32Array, role: number) => {
    for (const u of users) {
      const items = sortByTime(order.subarray(start[u], start[u + 1]), t);
      for (let j = history; j < items.length; j++) part[items[j]] = role;
    }
  };
  hold(held.test, TEST);
  hold(held.valid, VALID);
  return held;
}
