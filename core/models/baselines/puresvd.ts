import type { CsrMatrix } from '../../data';
import { Rng, randomizedSvd } from '../../util';
import type { FitContext, ModelSummary, Recommender } from '../types';
import { checkInteger, checkKnownOptions, checkScoreCall } from './config-checks';
import type { PureSvdConfig } from '../../spec';

export type { PureSvdConfig };

/**
 * PureSVD (Cremonesi et al. 2010): the binary train matrix R ≈ U Σ Vᵀ truncated to rank
 * `factors`; a user's scores are r_u V Vᵀ (the projection of the user's row onto the top
 * item factors).
 *
 * The SVD is core/util's `randomizedSvd` (Halko, Martinsson & Tropp 2011), the one the `svd`
 * feature transformer uses: a seeded Gaussian sketch of `factors + oversample` columns,
 * `powerIterations` rounds of re-orthonormalised power iteration, then an exact SVD of a
 * small factor. Only sparse x thin products touch R, so the cost is
 * O(nnz · l + (users + items) · l²) for sketch width l.
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
    const rng = new Rng(this.config.seed ?? ctx.seed);
    const svd = randomizedSvd(r, this.config.factors, { oversample: this.config.oversample, powerIterations: this.config.powerIterations, rng });
    this.singularValues = Array.from(svd.s);
    this.itemFactors = Float32Array.from(svd.v);
    this.rank = svd.k;
    this.train = r;
    this.nItems = r.nCols;
    this.nUsers = r.nRows;
  }

  scoreUsers(users: Int32Array, out: Float32Array): void {
    const train = this.train;
    checkScoreCall(this.type, train !== undefined, users, out, this.nItems, this.nUsers);
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
