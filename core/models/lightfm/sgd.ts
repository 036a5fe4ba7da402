import type { CsrMatrix } from '../../data';
import { BugIndicatingError, Rng } from '../../util';
import type { LightfmConfig } from './config';
import type { FeatureRows } from './feature-rows';
import { representRow, type LightfmParams } from './params';
import { LightfmSimdKernel } from './simd';

/** The settings of the SGD loop (a subset of the model config). */
export type SgdSettings = Pick<LightfmConfig, 'loss' | 'maxSampled' | 'bprNegatives' | 'optimizer' | 'learningRate' | 'userAlpha' | 'itemAlpha'>;

/** What one epoch trains on. */
export interface SgdData {
  users: FeatureRows;
  items: FeatureRows;
  /** Training positives (user x item); every entry is one example per epoch. */
  train: CsrMatrix;
  /** Items that may be drawn as negatives (all but the held-out ones), ascending. */
  negatives: Int32Array;
}

/** What an epoch did: mean loss per positive and how many positives took a step. */
export interface EpochStats {
  /** WARP: mean rank weight (0 for positives no negative outranked); BPR: mean -log sigmoid(positive - negative). */
  loss: number;
  updates: number;
  examples: number;
}

/** WARP's rank weights are clipped here, as in LightFM (its MAX_LOSS). */
export const MAX_WARP_WEIGHT = 10;

/**
 * WARP's step weight after `sampled` draws found the first negative scoring above the
 * positive minus 1: log of the estimated rank of the positive, floor((N - 1) / sampled)
 * for N candidate items, clipped at MAX_WARP_WEIGHT (LightFM's fit_warp).
 */
export function warpWeight(candidates: number, sampled: number): number {
  return Math.min(MAX_WARP_WEIGHT, Math.log(Math.max(1, Math.floor((candidates - 1) / sampled))));
}

/** Draws per example before giving up on finding a negative outside the user's positives (a user who has almost every item). */
const MAX_DRAWS = 1000;

/**
 * Sparse SGD of a LightFM-style model on typed arrays, one positive at a time in a
 * shuffled order per epoch, as LightFM's Cython loop runs:
 *
 * - WARP: draw negatives uniformly among `negatives` (skipping the user's positives) until
 *   one scores above positive - 1 or `maxSampled` were drawn; on a violation, a pairwise
 *   step of weight `warpWeight(N, draws)`.
 * - BPR: one negative (from the training interactions' items, or uniform), step weight
 *   1 - sigmoid(positive - negative), the gradient of -log sigmoid.
 *
 * A step of weight L moves every feature row of the positive item by -L x user, of the
 * negative item by +L x user, of the user by L x (negative - positive) (each times the
 * row's feature weight), and the item biases by -L and +L: the gradient of
 * L x (score(negative) - score(positive)), all from the values before the step. An L2
 * penalty alpha adds alpha x w to the gradient of every weight the step touches
 * (`userAlpha` on user rows, `itemAlpha` on item rows and biases). Adagrad divides each
 * weight's step by the root of 1 + its past squared gradients (LightFM starts the sums at
 * 1 and adds the new gradient after the step); plain SGD steps by the learning rate.
 */
export class LightfmSgd {
  private readonly userG: Float32Array;
  private readonly itemG: Float32Array;
  private readonly biasG: Float32Array;
  private readonly random: FastRandom;
  private readonly positiveUsers: Int32Array;
  private readonly positives: PositiveSet;
  private readonly u: Float32Array;
  private readonly p: Float32Array;
  private readonly n: Float32Array;
  private readonly diff: Float32Array;
  private readonly kernel: LightfmSimdKernel | undefined;

  /**
   * `simd` (default true): run the representations and steps in the WebAssembly SIMD
   * kernel (simd.ts) where the engine has one; false: the JS loops below (the reference
   * the kernel is tested against). `kernelDraws` (default true): WARP's draws in the
   * kernel too, where the positives fit a bit set; false: drawn in JS, as for larger data.
   */
  constructor(
    readonly params: LightfmParams,
    private readonly settings: SgdSettings,
    private readonly data: SgdData,
    seed: number,
    options: { simd?: boolean; kernelDraws?: boolean } = {},
  ) {
    const { dim } = params;
    if (params.userEmbeddings.length !== data.users.nCols * dim || params.itemEmbeddings.length !== data.items.nCols * dim || params.itemBiases.length !== data.items.nCols) {
      throw new BugIndicatingError('LightfmSgd: parameter shapes do not match the feature rows');
    }
    if (data.negatives.length < 2) throw new BugIndicatingError('LightfmSgd: needs at least two items to draw negatives from');
    this.positiveUsers = new Int32Array(data.train.indices.length);
    for (let r = 0; r < data.train.nRows; r++) this.positiveUsers.fill(r, data.train.indptr[r], data.train.indptr[r + 1]);
    this.positives = new PositiveSet(data.train);
    this.u = new Float32Array(dim);
    this.p = new Float32Array(dim);
    this.n = new Float32Array(dim);
    this.diff = new Float32Array(dim);
    this.kernel =
      options.simd === false
        ? undefined
        : LightfmSimdKernel.create(data.users, data.items, dim, settings, { negatives: data.negatives, positives: options.kernelDraws === false ? undefined : this.positives.bits, nItems: data.train.nCols, maxDraws: MAX_DRAWS });
    // In the kernel, the generator's state lives in its memory, so JS draws (the shuffle,
    // BPR's negatives) and the kernel's WARP draws are one stream, the same as the JS loop's.
    this.random = new FastRandom(seed, this.kernel?.randomState);
    // Adagrad's sums of the JS loop (the kernel keeps its own).
    const sums = (n: number) => new Float32Array(this.kernel ? 0 : n).fill(1);
    this.userG = sums(params.userEmbeddings.length);
    this.itemG = sums(params.itemEmbeddings.length);
    this.biasG = sums(params.itemBiases.length);
  }

  /** Whether the epochs run in the WebAssembly SIMD kernel. */
  get simd(): boolean {
    return this.kernel !== undefined;
  }

  /** One pass over the training positives in a fresh shuffled order. */
  epoch(): EpochStats {
    const users = this.positiveUsers;
    const items = this.data.train.indices;
    const order = new Int32Array(users.length);
    for (let k = 0; k < order.length; k++) order[k] = k;
    for (let k = order.length - 1; k > 0; k--) {
      const j = this.random.below(k + 1);
      const t = order[k];
      order[k] = order[j];
      order[j] = t;
    }
    const warp = this.settings.loss === 'warp';
    const kernel = this.kernel;
    kernel?.load(this.params);
    let loss = 0;
    let updates = 0;
    for (let k = 0; k < order.length; k++) {
      const e = order[k];
      const r = kernel
        ? warp
          ? this.warpExampleSimd(kernel, users[e], items[e])
          : this.bprExampleSimd(kernel, users[e], items[e])
        : warp
          ? this.warpExample(users[e], items[e])
          : this.bprExample(users[e], items[e]);
      loss += r;
      if (r > 0 || !warp) updates++;
    }
    kernel?.store(this.params);
    return { loss: order.length > 0 ? loss / order.length : 0, updates, examples: order.length };
  }

  /**
   * Draws negatives for (user, positive) and steps on the first violator; returns its
   * weight (0: none found). A draw's score is summed row by row (sum of x_f (u . E_f +
   * b_f)), and the violator's vector is only built when one is found.
   */
  private warpExample(user: number, positive: number): number {
    const { params, data, u, p, n, random, positives } = this;
    const { dim, itemEmbeddings: emb, itemBiases: bias } = params;
    const { indptr, indices, values } = data.items;
    representRow(data.users, user, params.userEmbeddings, dim, u);
    const posScore = dot(u, p, dim, representRow(data.items, positive, emb, dim, p, bias));
    const pool = data.negatives;
    const poolSize = pool.length;
    const maxSampled = this.settings.maxSampled;
    let sampled = 0;
    for (let draws = 0; sampled < maxSampled && draws < MAX_DRAWS; draws++) {
      const negative = pool[random.below(poolSize)];
      if (positives.has(user, negative)) continue;
      sampled++;
      let negScore = 0;
      for (let q = indptr[negative], end = indptr[negative + 1]; q < end; q++) {
        const f = indices[q];
        const off = f * dim;
        negScore += values[q] * (bias[f] + rowDot(u, emb, off, dim));
      }
      if (negScore > posScore - 1) {
        const weight = warpWeight(poolSize, sampled);
        if (weight > 0) {
          representRow(data.items, negative, emb, dim, n);
          this.step(user, positive, negative, weight);
        }
        return weight;
      }
    }
    return 0;
  }

  /**
   * warpExample with the representations, scores and step in the SIMD kernel; where the
   * positives fit a bit set, the draws too (one call per positive instead of one per draw).
   */
  private warpExampleSimd(kernel: LightfmSimdKernel, user: number, positive: number): number {
    const pool = this.data.negatives;
    const poolSize = pool.length;
    kernel.user(user);
    const posScore = kernel.item(positive, 0);
    if (kernel.draws) {
      const { negative, sampled } = kernel.warpDraws(user, posScore);
      if (negative < 0) return 0;
      const weight = warpWeight(poolSize, sampled);
      if (weight > 0) {
        kernel.item(negative, 1);
        kernel.step(user, positive, negative, weight);
      }
      return weight;
    }
    const maxSampled = this.settings.maxSampled;
    const { random, positives } = this;
    let sampled = 0;
    for (let draws = 0; sampled < maxSampled && draws < MAX_DRAWS; draws++) {
      const negative = pool[random.below(poolSize)];
      if (positives.has(user, negative)) continue;
      sampled++;
      if (kernel.score(negative) > posScore - 1) {
        const weight = warpWeight(poolSize, sampled);
        if (weight > 0) {
          kernel.item(negative, 1);
          kernel.step(user, positive, negative, weight);
        }
        return weight;
      }
    }
    return 0;
  }

  /** bprExample with the representations, scores and step in the SIMD kernel. */
  private bprExampleSimd(kernel: LightfmSimdKernel, user: number, positive: number): number {
    const negative = this.drawBprNegative(user);
    if (negative < 0) return 0;
    kernel.user(user);
    const x = kernel.item(positive, 0) - kernel.item(negative, 1);
    kernel.step(user, positive, negative, bprWeight(x));
    return bprLoss(x);
  }

  /** One BPR step for (user, positive) against a drawn negative; returns -log sigmoid(positive - negative). */
  private bprExample(user: number, positive: number): number {
    const { params, data, u, p, n } = this;
    const { dim } = params;
    const negative = this.drawBprNegative(user);
    if (negative < 0) return 0;
    representRow(data.users, user, params.userEmbeddings, dim, u);
    const posScore = dot(u, p, dim, representRow(data.items, positive, params.itemEmbeddings, dim, p, params.itemBiases));
    const negScore = dot(u, n, dim, representRow(data.items, negative, params.itemEmbeddings, dim, n, params.itemBiases));
    const x = posScore - negScore;
    this.step(user, positive, negative, bprWeight(x));
    return bprLoss(x);
  }

  private drawBprNegative(user: number): number {
    const { train, negatives } = this.data;
    const popularity = this.settings.bprNegatives === 'popularity';
    for (let draws = 0; draws < MAX_DRAWS; draws++) {
      const item = popularity ? train.indices[this.random.below(train.indices.length)] : negatives[this.random.below(negatives.length)];
      if (!this.positives.has(user, item)) return item;
    }
    return -1;
  }

  /**
   * A pairwise step of weight `weight` on (user, positive, negative), from the
   * representations in `u`, `p`, `n` (computed before the step).
   */
  private step(user: number, positive: number, negative: number, weight: number): void {
    const { params, data, settings, u, p, n, diff } = this;
    const { dim } = params;
    for (let c = 0; c < dim; c++) diff[c] = n[c] - p[c];
    const lr = settings.learningRate;
    const adagrad = settings.optimizer === 'adagrad';
    const items = data.items;
    for (let q = items.indptr[positive], end = items.indptr[positive + 1]; q < end; q++) {
      const f = items.indices[q];
      const x = items.values[q];
      updateRow(params.itemEmbeddings, this.itemG, f * dim, dim, -weight * x, u, settings.itemAlpha, lr, adagrad);
      updateWeight(params.itemBiases, this.biasG, f, -weight * x, settings.itemAlpha, lr, adagrad);
    }
    for (let q = items.indptr[negative], end = items.indptr[negative + 1]; q < end; q++) {
      const f = items.indices[q];
      const x = items.values[q];
      updateRow(params.itemEmbeddings, this.itemG, f * dim, dim, weight * x, u, settings.itemAlpha, lr, adagrad);
      updateWeight(params.itemBiases, this.biasG, f, weight * x, settings.itemAlpha, lr, adagrad);
    }
    const users = data.users;
    for (let q = users.indptr[user], end = users.indptr[user + 1]; q < end; q++) {
      updateRow(params.userEmbeddings, this.userG, users.indices[q] * dim, dim, weight * users.values[q], diff, settings.userAlpha, lr, adagrad);
    }
  }
}

/**
 * Mulberry32 with its state in an Int32Array, for the sampling loop: core/util's Rng keeps
 * its state in a plain number field, which costs a heap number per draw (45 ns against 10).
 * `state` may be a view into the SIMD kernel's memory, whose WARP draws step the same
 * generator (simd.ts writes the same arithmetic).
 */
class FastRandom {
  constructor(
    seed: number,
    private readonly state: Int32Array = new Int32Array(1),
  ) {
    this.state[0] = new Rng(seed).int(0x7fffffff);
  }

  /** Integer in [0, n), n < 2^31: the 32-bit draw modulo n (as LightFM's rand_r() % n; the bias is below n / 2^32). */
  below(n: number): number {
    const s = (this.state[0] = (this.state[0] + 0x6d2b79f5) | 0);
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) % n;
  }
}

/** BPR's step weight 1 - sigmoid(x) for x = positive - negative, finite for large |x|. */
function bprWeight(x: number): number {
  return x >= 0 ? Math.exp(-x) / (1 + Math.exp(-x)) : 1 / (1 + Math.exp(x));
}

/** BPR's loss -log sigmoid(x) = softplus(-x), finite for large |x|. */
function bprLoss(x: number): number {
  return x >= 0 ? Math.log1p(Math.exp(-x)) : -x + Math.log1p(Math.exp(x));
}

/** u · w[off .. off + dim), four partial sums (no dependency chain through one accumulator). */
function rowDot(u: Float32Array, w: Float32Array, off: number, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let c = 0;
  for (; c + 3 < dim; c += 4) {
    s0 += u[c] * w[off + c];
    s1 += u[c + 1] * w[off + c + 1];
    s2 += u[c + 2] * w[off + c + 2];
    s3 += u[c + 3] * w[off + c + 3];
  }
  for (; c < dim; c++) s0 += u[c] * w[off + c];
  return s0 + s1 + (s2 + s3);
}

function dot(a: Float32Array, b: Float32Array, dim: number, init: number): number {
  let s = init;
  for (let c = 0; c < dim; c++) s += a[c] * b[c];
  return s;
}

/** w[off + c] -= step x (coef x vec[c] + alpha x w[off + c]) for c < dim, Adagrad or plain. */
function updateRow(w: Float32Array, g2: Float32Array, off: number, dim: number, coef: number, vec: Float32Array, alpha: number, lr: number, adagrad: boolean): void {
  if (adagrad) {
    for (let c = 0; c < dim; c++) {
      const k = off + c;
      const g = coef * vec[c] + alpha * w[k];
      w[k] -= (lr / Math.sqrt(g2[k])) * g;
      g2[k] += g * g;
    }
  } else {
    for (let c = 0; c < dim; c++) {
      const k = off + c;
      w[k] -= lr * (coef * vec[c] + alpha * w[k]);
    }
  }
}

function updateWeight(w: Float32Array, g2: Float32Array, k: number, grad: number, alpha: number, lr: number, adagrad: boolean): void {
  const g = grad + alpha * w[k];
  if (adagrad) {
    w[k] -= (lr / Math.sqrt(g2[k])) * g;
    g2[k] += g * g;
  } else {
    w[k] -= lr * g;
  }
}

/** Largest user x item bit set kept for positive lookups (32 MB); beyond it, a binary search in the user's row. */
const MAX_BITSET_BITS = 2 ** 28;

/** "Is (user, item) a training positive": a bit set where it fits, else a binary search in the user's row. */
class PositiveSet {
  /** Bit `user x nCols + item` set for every positive; undefined when the matrix is too large. */
  readonly bits: Int32Array | undefined;
  private readonly nCols: number;

  constructor(private readonly train: CsrMatrix) {
    const { nRows, nCols, indptr, indices } = train;
    this.nCols = nCols;
    if (nRows * nCols <= MAX_BITSET_BITS) {
      const bits = new Int32Array(Math.ceil((nRows * nCols) / 32));
      for (let r = 0; r < nRows; r++) {
        for (let q = indptr[r]; q < indptr[r + 1]; q++) {
          const b = r * nCols + indices[q];
          bits[b >>> 5] |= 1 << (b & 31);
        }
      }
      this.bits = bits;
    }
  }

  has(user: number, item: number): boolean {
    if (this.bits) {
      const b = user * this.nCols + item;
      return (this.bits[b >>> 5] & (1 << (b & 31))) !== 0;
    }
    const { indptr, indices } = this.train;
    let lo = indptr[user];
    let hi = indptr[user + 1] - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = indices[mid];
      if (v === item) return true;
      if (v < item) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }
}
