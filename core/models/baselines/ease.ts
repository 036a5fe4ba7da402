import type { CsrMatrix } from '../../data';
import { InputError, NotPositiveDefiniteError, RecLabError, inverseSpdSteps, sparseGram, type Precision } from '../../util';
import type { FitContext, ModelSummary, Recommender } from '../types';
import { checkKnownOptions, checkNumber, checkScoreCall } from './config-checks';

import type { EaseConfig } from '../../spec';

export type { EaseConfig };

/** How an EASE fit computes, beyond its config (not part of a spec: for benchmarks and tests). */
export interface EaseSolverOptions {
  /**
   * Arithmetic of the inverse. float32 (default) is twice as fast as float64; on
   * MovieLens 100K both give the same ranking metrics to 1e-4 (bench/linalg.ts). A float32
   * fit whose factorisation breaks down in round-off is redone in float64.
   */
  precision?: Precision;
}

/**
 * Gram matrices by training matrix, so that a λ grid (one EaseRecommender per λ, as
 * runExperiment tunes) computes XᵀX once. An entry lives as long as its training matrix
 * and costs as much memory as one fitted model (nItems² floats).
 */
const gramCache = new WeakMap<CsrMatrix, Float32Array>();

/** XᵀX of the binary train matrix, computed once per training matrix. */
export function easeGram(train: CsrMatrix): Float32Array {
  let gram = gramCache.get(train);
  if (!gram) {
    gram = sparseGram(train, { binary: true });
    gramCache.set(train, gram);
  }
  return gram;
}

/** Fits that run longer than this hand the event loop a turn between block steps (progress messages, cancel). */
const YIELD_EVERY_MS = 200;
/** Fits that run longer than this log their progress. */
const LOG_AFTER_S = 5;

/**
 * EASE^R (Steck 2019): the item-item weight matrix B minimising ||X - XB||² + λ||B||² with
 * diag(B) = 0 has the closed form B = I - P diag(1/diag(P)), P = (XᵀX + λI)⁻¹; a user's
 * scores are x_u B. X is the binary train matrix.
 *
 * The fit is one n x n inverse (core/util's `inverseSpd`: blocked Cholesky in WebAssembly
 * SIMD, n³ flops), reported through `ctx.onProgress`. A λ grid shares the Gram matrix
 * (`easeGram`; `easeLambdaPath` for a sequence of fits). An eigendecomposition
 * G = V diag(e) Vᵀ would give every (G + λI)⁻¹ = V diag(1/(e+λ)) Vᵀ, but each λ would still
 * cost the n³ flops of that product, as much as the whole inverse: it does not pay.
 */
export class EaseRecommender implements Recommender {
  readonly type = 'ease';
  nItems = 0;
  private nUsers = 0;
  private train: CsrMatrix | undefined;
  /** B, row-major n x n. */
  private weights: Float32Array = new Float32Array(0);

  constructor(
    private readonly config: EaseConfig,
    private readonly solver: EaseSolverOptions = {},
  ) {
    checkKnownOptions(this.type, config, ['lambda']);
    checkNumber(this.type, 'lambda', config.lambda, 0, true);
  }

  get lambda(): number {
    return this.config.lambda;
  }

  async fit(ctx: FitContext): Promise<void> {
    const start = performance.now();
    const steps = this.solve(ctx.train, easeGram(ctx.train));
    let lastYield = start;
    let nextLog = 0.1;
    for (;;) {
      const step = steps.next();
      if (step.done) return;
      ctx.onProgress?.({ fraction: step.value });
      const seconds = (performance.now() - start) / 1000;
      // Long fits (thousands of items) say how far they are in the run's log, every 10 %.
      if (step.value >= nextLog) {
        if (seconds > LOG_AFTER_S) ctx.log?.(`ease: inverse of the ${ctx.train.nCols}-item Gram matrix ${Math.floor(step.value * 100)}% done in ${seconds.toFixed(0)} s`);
        while (nextLog <= step.value) nextLog += 0.1;
      }
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        lastYield = performance.now();
        if (ctx.signal?.aborted) throw new RecLabError('The run was cancelled.', 'CANCELLED');
      }
    }
  }

  /** Fits from a precomputed Gram matrix XᵀX of the binary `train` (left unchanged), synchronously. */
  fitFromGram(train: CsrMatrix, gram: Float32Array, onProgress?: (fraction: number) => void): void {
    for (const fraction of this.solve(train, gram)) onProgress?.(fraction);
  }

  /** The fit as block steps: yields the fraction done, sets the weights at the end. */
  private *solve(train: CsrMatrix, gram: Float32Array): Generator<number, void> {
    const n = train.nCols;
    const lambda = this.config.lambda;
    const asFloat32 = (x: Float32Array | Float64Array) => (x instanceof Float32Array ? x : Float32Array.from(x));
    let p: Float32Array;
    try {
      p = asFloat32(yield* inverseSpdSteps(gram, n, { shift: lambda, precision: this.solver.precision ?? 'float32' }));
    } catch (e) {
      if (!(e instanceof NotPositiveDefiniteError)) throw e;
      try {
        if (this.solver.precision === 'float64') throw e;
        // Progress starts again from 0 for the second attempt.
        p = asFloat32(yield* inverseSpdSteps(gram, n, { shift: lambda, precision: 'float64' }));
      } catch (e2) {
        if (!(e2 instanceof NotPositiveDefiniteError)) throw e2;
        throw new InputError(`EASE: XᵀX + λI is not positive definite in floating point (lambda ${lambda}, pivot of item ${e2.pivot}); use a larger lambda.`, 'SPEC');
      }
    }
    // B = I - P diag(1/diag P), in place: B[i][j] = -P[i][j] / P[j][j], B[j][j] = 0.
    const scale = new Float32Array(n);
    for (let j = 0; j < n; j++) scale[j] = -1 / p[j * n + j];
    for (let i = 0; i < n; i++) {
      const row = i * n;
      for (let j = 0; j < n; j++) p[row + j] *= scale[j];
      p[row + i] = 0;
    }
    this.weights = p;
    this.train = train;
    this.nItems = n;
    this.nUsers = train.nRows;
  }

  scoreUsers(users: Int32Array, out: Float32Array): void {
    const train = this.train;
    checkScoreCall(this.type, train !== undefined, users, out, this.nItems, this.nUsers);
    const n = this.nItems;
    out.fill(0, 0, users.length * n);
    for (let b = 0; b < users.length; b++) {
      const u = users[b];
      const row = b * n;
      for (let p = train.indptr[u]; p < train.indptr[u + 1]; p++) {
        const w = train.indices[p] * n;
        for (let j = 0; j < n; j++) out[row + j] += this.weights[w + j];
      }
    }
  }

  /** Weight B[i][j] of item i in item j's score. */
  weight(i: number, j: number): number {
    return this.weights[i * this.nItems + j];
  }

  dispose(): void {
    this.weights = new Float32Array(0);
    this.train = undefined;
    this.nItems = 0;
  }

  summary(): ModelSummary {
    return { type: this.type, parameters: this.nItems * this.nItems };
  }
}

/**
 * Fits EASE for each λ in turn, sharing one Gram matrix; yields each fitted model before
 * the next is computed, so a caller can evaluate it on validation and drop it.
 */
export function* easeLambdaPath(ctx: FitContext, lambdas: readonly number[], solver: EaseSolverOptions = {}): Generator<{ lambda: number; model: EaseRecommender }> {
  const gram = easeGram(ctx.train);
  for (const lambda of lambdas) {
    const model = new EaseRecommender({ lambda }, solver);
    model.fitFromGram(ctx.train, gram, (fraction) => ctx.onProgress?.({ fraction }));
    yield { lambda, model };
  }
}
