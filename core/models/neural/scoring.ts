import * as tf from '@tensorflow/tfjs';
import type { ContextRows, Factors, NeuralArchitecture } from './types';

/** Rows (pairs) per scoring call of an interaction model: large, since per-call overhead dominates small batches. */
const PAIRS_PER_CALL = 131_072;
/** Users per matrix multiply of a factorised model. */
const USERS_PER_MATMUL = 256;

/**
 * An architecture that can score all items for a block of users at once, faster than
 * pair by pair (e.g. by computing per-user and per-item parts separately).
 */
export interface AllItemsScorer {
  /** Logits `users x nItems`; called inside tf.tidy. */
  scoreAllItems(users: tf.Tensor1D): tf.Tensor2D;
}

function hasAllItemsScorer(arch: object): arch is AllItemsScorer {
  return typeof (arch as Partial<AllItemsScorer>).scoreAllItems === 'function';
}

/** Writes `users.length x nItems` scores into `out` (row-major). */
export type ScoreFunction = (users: Int32Array, out: Float32Array) => void;

/**
 * A scoring function for `arch`. Factorised models (with `factors()`) take their vectors
 * once, here, and score by one matrix multiply per block of users; other models score
 * every (user, item) pair through the network, many users per call. `userContext` (row u,
 * `nUsers x dim`) is the context each user is ranked in, for architectures that read
 * context; without it they see the zero context. Call again after training changes the
 * weights.
 */
export function createScoreFunction(arch: NeuralArchitecture, nItems: number, userContext?: ContextRows): ScoreFunction {
  if (arch.scoreFunction) return arch.scoreFunction(nItems);
  if (arch.factors) {
    const f = arch.factors(userContext?.values);
    return factorScoreFunction(f, nItems);
  }
  // All-items scorers (NCF family) read no context.
  if (hasAllItemsScorer(arch)) return (users, out) => scoreAllItemsInBlocks(arch, users, nItems, out);
  return (users, out) => scoreByNetwork(arch, users, nItems, out, userContext);
}

function scoreAllItemsInBlocks(arch: AllItemsScorer, users: Int32Array, nItems: number, out: Float32Array): void {
  const usersPerCall = Math.max(1, Math.floor(PAIRS_PER_CALL / nItems));
  for (let lo = 0; lo < users.length; lo += usersPerCall) {
    const hi = Math.min(users.length, lo + usersPerCall);
    const scores = tf.tidy(() => arch.scoreAllItems(tf.tensor1d(users.subarray(lo, hi), 'int32')));
    out.set(scores.dataSync() as Float32Array, lo * nItems);
    scores.dispose();
  }
}

/** Scores from user and item vectors: one `users x dim` by `dim x items` matmul per block, plus the item bias. */
export function factorScoreFunction(f: Factors, nItems: number): ScoreFunction {
  const { dim } = f;
  if (f.items.length !== nItems * dim) {
    throw new Error(`factors: expected ${nItems} x ${dim} item vectors, got ${f.items.length} values`);
  }
  return (users, out) => {
    const itemT = tf.tensor2d(f.items, [nItems, dim]);
    const bias = f.itemBias ? tf.tensor1d(f.itemBias) : undefined;
    try {
      for (let lo = 0; lo < users.length; lo += USERS_PER_MATMUL) {
        const hi = Math.min(users.length, lo + USERS_PER_MATMUL);
        const block = new Float32Array((hi - lo) * dim);
        for (let r = lo; r < hi; r++) block.set(f.users.subarray(users[r] * dim, users[r] * dim + dim), (r - lo) * dim);
        const scores = tf.tidy(() => {
          const s = tf.matMul(tf.tensor2d(block, [hi - lo, dim]), itemT, false, true);
          return bias ? tf.add(s, bias) : s;
        });
        out.set(scores.dataSync() as Float32Array, lo * nItems);
        scores.dispose();
      }
    } finally {
      itemT.dispose();
      bias?.dispose();
    }
  };
}

/**
 * Scores every (user, item) pair through the network, as many users per call as fit in
 * PAIRS_PER_CALL; with `userContext`, every pair of a user carries that user's context row.
 */
function scoreByNetwork(arch: NeuralArchitecture, users: Int32Array, nItems: number, out: Float32Array, userContext?: ContextRows): void {
  const usersPerCall = Math.max(1, Math.floor(PAIRS_PER_CALL / nItems));
  const allItems = Int32Array.from({ length: nItems }, (_, i) => i);
  for (let lo = 0; lo < users.length; lo += usersPerCall) {
    const hi = Math.min(users.length, lo + usersPerCall);
    const n = (hi - lo) * nItems;
    const u = new Int32Array(n);
    const it = new Int32Array(n);
    for (let r = lo; r < hi; r++) {
      u.fill(users[r], (r - lo) * nItems, (r - lo + 1) * nItems);
      it.set(allItems, (r - lo) * nItems);
    }
    const context = userContext && pairContext(userContext, users.subarray(lo, hi), nItems);
    const scores = tf.tidy(() =>
      arch.score({ users: tf.tensor1d(u, 'int32'), items: tf.tensor1d(it, 'int32'), ...(context ? { context: tf.tensor2d(context, [n, userContext!.dim]) } : {}) }, false),
    );
    out.set(scores.dataSync() as Float32Array, lo * nItems);
    scores.dispose();
  }
}

/** Context rows of `users.length x nItems` pairs (user-major): each user's row repeated for every item. */
function pairContext(userContext: ContextRows, users: Int32Array, nItems: number): Float32Array {
  const { dim, values } = userContext;
  const out = new Float32Array(users.length * nItems * dim);
  for (let r = 0; r < users.length; r++) {
    const start = r * nItems * dim;
    out.set(values.subarray(users[r] * dim, users[r] * dim + dim), start);
    // Doubling copies: log2(nItems) calls instead of nItems.
    for (let filled = dim, total = nItems * dim; filled < total; filled *= 2) out.copyWithin(start + filled, start, start + Math.min(filled, total - filled));
  }
  return out;
}

/**
 * Indices of the `k` largest values of `scores[offset .. offset + n)`, best first, into
 * `out[outOffset ..]`. Entries set to -Infinity (excluded items) are never picked.
 */
export function topKInto(scores: Float32Array, offset: number, n: number, k: number, out: Int32Array, outOffset: number): number {
  const vals = new Float32Array(k).fill(-Infinity);
  const idx = new Int32Array(k).fill(-1);
  let size = 0;
  for (let j = 0; j < n; j++) {
    const s = scores[offset + j];
    if (!(s > vals[k - 1]) && size === k) continue;
    if (s === -Infinity || Number.isNaN(s)) continue;
    // Insertion into the sorted (descending) top list; ties keep the lower item index first.
    let p = size < k ? size : k - 1;
    while (p > 0 && vals[p - 1] < s) {
      vals[p] = vals[p - 1];
      idx[p] = idx[p - 1];
      p--;
    }
    vals[p] = s;
    idx[p] = j;
    if (size < k) size++;
  }
  for (let r = 0; r < k; r++) out[outOffset + r] = idx[r];
  return size;
}

/**
 * Top-`k` items for each of `users` (row-major `users.length x k`, -1 where fewer than
 * k items were eligible). `exclude(user)` lists items not to recommend (seen in train).
 */
export function rankTopK(
  arch: NeuralArchitecture,
  users: Int32Array,
  nItems: number,
  k: number,
  exclude?: (user: number) => ArrayLike<number>,
): Int32Array {
  const score = createScoreFunction(arch, nItems);
  const out = new Int32Array(users.length * k);
  const block = Math.max(1, Math.floor(PAIRS_PER_CALL / nItems));
  const buf = new Float32Array(block * nItems);
  for (let lo = 0; lo < users.length; lo += block) {
    const hi = Math.min(users.length, lo + block);
    const part = users.subarray(lo, hi);
    const scores = buf.subarray(0, part.length * nItems);
    score(part, scores);
    for (let r = 0; r < part.length; r++) {
      if (exclude) for (const j of Array.from(exclude(part[r]))) scores[r * nItems + j] = -Infinity;
      topKInto(scores, r * nItems, nItems, k, out, (lo + r) * k);
    }
  }
  return out;
}
