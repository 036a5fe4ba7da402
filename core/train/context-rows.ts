import * as tf from '@tensorflow/tfjs';
import { entryIndex, type CsrMatrix, type Interactions } from '../data';
import { BugIndicatingError, InputError } from '../util';

/*
 * Per-interaction context (time, device) for training and ranking. The feature pipeline
 * gives one context row per training interaction; the model sees the data through the
 * CSR training matrix, whose entries are (user, item) pairs with duplicates merged. This
 * file maps between the two and gathers the rows a batch needs.
 */

import type { ContextRows } from '../models';

export type { ContextRows };

/**
 * The context the trainer attaches to batches: row `p` (`train.indices.length x dim`) is
 * the context of the training interaction behind CSR entry `p`.
 */
export type PositiveContext = ContextRows;

/** Whether interaction `a` happened after `b`: later timestamp; a missing one counts as earliest; ties by the later index. */
function isLater(timestamp: Float64Array, a: number, b: number): boolean {
  const ta = timestamp[a];
  const tb = timestamp[b];
  const fa = Number.isFinite(ta);
  const fb = Number.isFinite(tb);
  if (fa !== fb) return fa;
  if (fa && ta !== tb) return ta > tb;
  return a > b;
}

/**
 * For every CSR entry of `train`, the position `r` in `trainIndex` of the interaction it
 * stands for (-1 for an entry no training interaction maps to). A (user, item) pair seen
 * several times in training is ONE positive of the matrix; it takes its LATEST
 * interaction (by timestamp, then by index), the same rule as a user's current context,
 * so the model learns each pair in the circumstances it was last chosen in.
 */
export function positiveInteractions(train: CsrMatrix, interactions: Pick<Interactions, 'user' | 'item' | 'timestamp'>, trainIndex: Int32Array): Int32Array {
  const { user, item, timestamp } = interactions;
  const out = new Int32Array(train.indices.length).fill(-1);
  for (let r = 0; r < trainIndex.length; r++) {
    const k = trainIndex[r];
    const p = entryIndex(train, user[k], item[k]);
    if (p < 0) throw new BugIndicatingError(`Training interaction ${k} (user ${user[k]}, item ${item[k]}) is not in the training matrix`);
    const prev = out[p];
    if (prev < 0 || isLater(timestamp, k, trainIndex[prev])) out[p] = r;
  }
  return out;
}

/**
 * Per user, the position `r` in `trainIndex` of their latest training interaction (by
 * timestamp, then index), or -1 for a user without one. Its context is the user's
 * "current context" at ranking time: what a deployed system knows when a request comes
 * in, and never anything from the validation or test part.
 */
export function latestUserInteractions(nUsers: number, interactions: Pick<Interactions, 'user' | 'timestamp'>, trainIndex: Int32Array): Int32Array {
  const { user, timestamp } = interactions;
  const out = new Int32Array(nUsers).fill(-1);
  for (let r = 0; r < trainIndex.length; r++) {
    const k = trainIndex[r];
    const u = user[k];
    const prev = out[u];
    if (prev < 0 || isLater(timestamp, k, trainIndex[prev])) out[u] = r;
  }
  return out;
}

/** Rows `which` of a row-major `table` of width `dim`; -1 gives a row of zeros. */
export function gatherRows(table: Float32Array, dim: number, which: ArrayLike<number>): Float32Array {
  const out = new Float32Array(which.length * dim);
  for (let r = 0; r < which.length; r++) {
    const s = which[r];
    if (s >= 0) out.set(table.subarray(s * dim, s * dim + dim), r * dim);
  }
  return out;
}

/** Checks a positive context has one row per CSR entry of `train`. */
export function checkPositiveContext(context: PositiveContext, train: CsrMatrix): void {
  if (!(context.dim > 0) || context.values.length !== train.indices.length * context.dim) {
    throw new BugIndicatingError(`Positive context of ${context.values.length} values for ${train.indices.length} training positives x ${context.dim} columns`);
  }
}

/** Checks a context block given for the training interactions: `trainIndex.length x dim` finite values. */
export function checkTrainContext(rows: Float32Array, dim: number, interactions: number): void {
  if (rows.length !== interactions * dim) {
    throw new InputError(
      `The training context has ${rows.length} values; expected ${interactions} training interactions x ${dim} context columns = ${interactions * dim}. ` +
        'Build it with pipeline.contextFeatures(trainIndex) of the same split.',
      'SPEC',
    );
  }
  for (let k = 0; k < rows.length; k++) {
    if (!Number.isFinite(rows[k])) throw new InputError(`The training context has ${rows[k]} at interaction ${Math.floor(k / dim)}, column ${k % dim}; context features must be finite numbers.`, 'SPEC');
  }
}

/**
 * The context rows of one batch: for rows `[lo, hi)` of an epoch whose row `r` derives
 * from CSR entry `sources[r]`, that entry's context; with `repeat` > 0, each of those rows
 * again `repeat` times after them (the negatives of pairwise rows, laid out as
 * `[m positives | m x repeat negatives]`: a negative is the same event with another item).
 */
export function batchContextRows(context: PositiveContext, sources: Int32Array, lo: number, hi: number, repeat = 0): Float32Array {
  const { dim, values } = context;
  const m = hi - lo;
  const out = new Float32Array(m * (1 + repeat) * dim);
  for (let r = 0; r < m; r++) {
    const s = sources[lo + r];
    const row = values.subarray(s * dim, s * dim + dim);
    out.set(row, r * dim);
    for (let q = 0; q < repeat; q++) out.set(row, (m + r * repeat + q) * dim);
  }
  return out;
}

/** `batchContextRows` as a `rows x dim` tensor (the caller disposes it), or undefined without a context. */
export function batchContextTensor(context: PositiveContext | undefined, sources: Int32Array, lo: number, hi: number, repeat = 0): tf.Tensor2D | undefined {
  if (!context) return undefined;
  return tf.tensor2d(batchContextRows(context, sources, lo, hi, repeat), [(hi - lo) * (1 + repeat), context.dim]);
}
