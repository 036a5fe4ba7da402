import { SingularValueDecomposition, Matrix } from 'ml-matrix';
import type { CsrMatrix } from '../../data';
import { Rng } from '../../util';
import type { FitContext, ModelSummary, Recommender } from '../types';
import { checkInteger, checkKnownOptions, checkScoreCall } from './config-checks';
import { orthonormalColumns } from './linear-algebra';

/** Config of `puresvd`. */
export interface PureSvdConfig {
  /** Rank of the truncated SVD. */
  factors: number;
  /** Extra random directions of the sketch beyond `factors` (Halko et al. suggest 5-10). */
  oversample: number;
  /** Power iterations; each sharpens the sketch towards the top singular vectors. */
  powerIterations: number;
  /** Seed of the random projection; defaults to the run's seed. */
  seed?: number;
}

/**
 * PureSVD (Cremonesi et al. 2010): the binary train matrix R ≈ U Σ Vᵀ truncated to rank
 * `factors`; a user's scores are r_u V Vᵀ (the projection of the user's row onto the top
 * item factors).
 *
 * The SVD is randomised (Halko, Martinsson & Tropp 2011, algorithms 4.4 + 5.1): sketch
 * Y = R Ω with a seeded Gaussian Ω of `factors + oversample` columns, `powerIterations`
 * rounds of Y = R (Rᵀ Q) with QR re-orthonormalisation in between (ml-matrix's QR), then
 * an exact SVD (ml-matrix) of the small matrix Qᵀ R. Only sparse x thin products touch R,
 * so the cost is O(nnz · l + (users + items) · l²) for sketch width l.
 */
export class PureSvdRecommender implements Recommender {
  readonly type = 'puresvd';
  nItems = 0;
  private nUsers = 0;
  private rank = 0;
  private train: CsrMatrix | undefined;
  /** Item factors V, row-major items x rank. */
  private itemFactors = new Float32Array(0);
  /** Singular values, largest first (for inspection). */
  singularValues: number[] = [];

  constructor(private readonly config: PureSvdConfig) {
    checkKnownOptions(this.type, config, ['factors', 'oversample', 'powerIterations', 'seed']);
    checkInteger(this.type, 'factors', config.factors, 1);
    checkInteger(this.type, 'oversample', config.oversample, 0);
    checkInteger(this.type, 'powerIterations', config.powerIterations, 0);
  }

  fit(ctx: FitContext): void {
    const r = ctx.train;
    const m = r.nRows;
    const n = r.nCols;
    const width = Math.min(this.config.factors + this.config.oversample, m, n);
    const rank = Math.min(this.config.factors, width);
    const rng = new Rng(this.config.seed ?? ctx.seed);

    const omega = new Float64Array(n * width);
    for (let t = 0; t < omega.length; t++) omega[t] = rng.normal();
    let q = orthonormalColumns(timesDense(r, omega, width), m, width);
    for (let it = 0; it < this.config.powerIterations; it++) {
      const z = orthonormalColumns(transposeTimesDense(r, q, width), n, width);
      q = orthonormalColumns(timesDense(r, z, width), m, width);
    }
    // (Qᵀ R)ᵀ = Rᵀ Q is items x width; its left singular vectors are R's right ones.
    const small = transposeTimesDense(r, q, width);
    const rows: Float64Array[] = [];
    for (let i = 0; i < n; i++) rows.push(small.subarray(i * width, (i + 1) * width));
    const svd = new SingularValueDecomposition(new Matrix(rows), { computeLeftSingularVectors: true, computeRightSingularVectors: false, autoTranspose: false });
    const u = svd.leftSingularVectors;
    const factors = new Float32Array(n * rank);
    for (let i = 0; i < n; i++) for (let f = 0; f < rank; f++) factors[i * rank + f] = u.get(i, f);
    this.singularValues = svd.diagonal.slice(0, rank);
    this.itemFactors = factors;
    this.rank = rank;
    this.train = r;
    this.nItems = n;
    this.nUsers = m;
  }

  scoreUsers(users: Int32Array, out: Float32Array): void {
    const train = this.train;
    checkScoreCall(this.type, train !== undefined, users, out, this.nItems, this.nUsers);
    if (!train) return;
    const k = this.rank;
    const v = this.itemFactors;
    const profile = new Float64Array(k);
    for (let b = 0; b < users.length; b++) {
      const u = users[b];
      profile.fill(0);
      for (let p = train.indptr[u]; p < train.indptr[u + 1]; p++) {
        const base = train.indices[p] * k;
        for (let f = 0; f < k; f++) profile[f] += v[base + f];
      }
      const row = b * this.nItems;
      for (let j = 0; j < this.nItems; j++) {
        let s = 0;
        const base = j * k;
        for (let f = 0; f < k; f++) s += v[base + f] * profile[f];
        out[row + j] = s;
      }
    }
  }

  dispose(): void {
    this.itemFactors = new Float32Array(0);
    this.train = undefined;
  }

  summary(): ModelSummary {
    return { type: this.type, parameters: this.itemFactors.length };
  }
}

/** Binary R (rows x cols) times a dense row-major cols x width matrix. */
function timesDense(r: CsrMatrix, d: Float64Array, width: number): Float64Array {
  const out = new Float64Array(r.nRows * width);
  for (let u = 0; u < r.nRows; u++) {
    const o = u * width;
    for (let p = r.indptr[u]; p < r.indptr[u + 1]; p++) {
      const base = r.indices[p] * width;
      for (let f = 0; f < width; f++) out[o + f] += d[base + f];
    }
  }
  return out;
}

/** Binary Rᵀ (cols x rows) times a dense row-major rows x width matrix. */
function transposeTimesDense(r: CsrMatrix, d: Float64Array, width: number): Float64Array {
  const out = new Float64Array(r.nCols * width);
  for (let u = 0; u < r.nRows; u++) {
    const base = u * width;
    for (let p = r.indptr[u]; p < r.indptr[u + 1]; p++) {
      const o = r.indices[p] * width;
      for (let f = 0; f < width; f++) out[o + f] += d[base + f];
    }
  }
  return out;
}
