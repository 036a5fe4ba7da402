import type { CsrMatrix } from '../../data';
import type { FitContext, ModelSummary, Recommender } from '../types';
import { checkKnownOptions, checkNumber, checkScoreCall } from './config-checks';
import { binaryGram, inverseSpd } from './linear-algebra';
import type { EaseConfig } from '../../spec';

export type { EaseConfig };

/**
 * EASE^R (Steck 2019): the item-item weight matrix B minimising ||X - XB||² + λ||B||² with
 * diag(B) = 0 has the closed form B = I - P diag(1/diag(P)), P = (XᵀX + λI)⁻¹; a user's
 * scores are x_u B. X is the binary train matrix.
 *
 * Tuning λ: the Gram matrix XᵀX is cheap (one pass over the pairs of each user's items);
 * the cost is the inverse, which depends on λ. Use `easeLambdaPath` to fit a grid: it
 * builds the Gram matrix once and yields one fitted model per λ, so only one n x n weight
 * matrix is alive at a time. An eigendecomposition G = V diag(e) Vᵀ would give every
 * (G + λI)⁻¹ = V diag(1/(e+λ)) Vᵀ, but it does not pay here: ml-matrix's EVD of the
 * 1682 x 1682 ML-100K Gram matrix took 64 s (3-4 whole EASE fits), and each λ would still
 * need the n³ product V diag Vᵀ, as costly as the triangular products of a Cholesky fit.
 * Fit times are in bench/baselines.ts.
 */
export class EaseRecommender implements Recommender {
  readonly type = 'ease';
  nItems = 0;
  private nUsers = 0;
  private train: CsrMatrix | undefined;
  /** B, row-major n x n, float32 to halve memory (scores need no more precision). */
  private weights = new Float32Array(0);

  constructor(private readonly config: EaseConfig) {
    checkKnownOptions(this.type, config, ['lambda']);
    checkNumber(this.type, 'lambda', config.lambda, 0, true);
  }

  get lambda(): number {
    return this.config.lambda;
  }

  fit(ctx: FitContext): void {
    this.fitFromGram(ctx.train, binaryGram(ctx.train));
  }

  /** Fits from a precomputed `binaryGram(train)` (left unchanged), to share it across λ values. */
  fitFromGram(train: CsrMatrix, gram: Float64Array): void {
    const n = train.nCols;
    const p = inverseSpd(gram, n, this.config.lambda);
    const b = new Float32Array(n * n);
    for (let j = 0; j < n; j++) {
      const inv = -1 / p[j * n + j];
      for (let i = 0; i < n; i++) if (i !== j) b[i * n + j] = p[i * n + j] * inv;
    }
    this.weights = b;
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
export function* easeLambdaPath(ctx: FitContext, lambdas: readonly number[]): Generator<{ lambda: number; model: EaseRecommender }> {
  const gram = binaryGram(ctx.train);
  for (const lambda of lambdas) {
    const model = new EaseRecommender({ lambda });
    model.fitFromGram(ctx.train, gram);
    yield { lambda, model };
  }
}
