import { featureTransformerSides, svdFeature, type SvdConfig } from '../spec';
import { buildCsr, type CsrMatrix, type Dataset } from '../data';
import { Rng, randomizedSvd, stableStringify, type TruncatedSvd } from '../util';
import type { FeatureTransformerDefinition, FeatureRows, FittedTransformer } from './types';
import { decodeBase64, encodeBase64 } from './values';

/** The config schema is core/spec's (validation, types and the editor share it); exported here under its old name too. */
export const svdConfigSchema = svdFeature.config;
export type { SvdConfig };

/** Fitted factors of one side. */
export interface SvdState {
  /** Entities the factors cover (dataset users or items at fit time). */
  nEntities: number;
  /** Singular values, descending (length = components actually found, ≤ k). */
  singularValues: number[];
  /** nEntities x k factors, row-major, base64 Float32. */
  factors: string;
}

/** Binary user x item matrix of the training interactions (duplicates merged). */
function trainingMatrix(ds: Dataset, trainIndex: Int32Array): CsrMatrix {
  return buildCsr(ds.userIds.length, ds.itemIds.length, ds.interactions.user, ds.interactions.item, trainIndex);
}

/** Scaled row-major factors of one side; entities without training interactions get exact zeros. */
function sideFactors(svd: TruncatedSvd, side: 'user' | 'item', a: CsrMatrix, config: SvdConfig): Float32Array {
  const n = side === 'user' ? a.nRows : a.nCols;
  const seen = new Uint8Array(n);
  if (side === 'user') for (let u = 0; u < a.nRows; u++) seen[u] = a.indptr[u + 1] > a.indptr[u] ? 1 : 0;
  else for (const i of a.indices) seen[i] = 1;
  const src = side === 'user' ? svd.u : svd.v;
  const out = new Float32Array(n * config.k);
  for (let e = 0; e < n; e++) {
    if (!seen[e]) continue;
    for (let c = 0; c < svd.k; c++) {
      const w = config.scaling === 'sqrt' ? Math.sqrt(svd.s[c]) : 1;
      out[e * config.k + c] = src[e * svd.k + c] * w;
    }
  }
  return out;
}

/**
 * Collaborative features: a truncated SVD of the TRAINING user x item interaction matrix
 * (binary: an interaction is a 1). Users get rows of U·S^½, items rows of V·S^½. Entities
 * with no training interaction (cold, held-out, or new ones given by attributes only) get
 * all-zero rows: they have no collaborative signal, so a hybrid has to lean on content.
 * If the matrix has rank below k, the extra columns are zero.
 */
class FittedSvd implements FittedTransformer<SvdConfig, SvdState> {
  readonly type = 'svd';
  readonly dim: number;
  readonly names: string[];
  private readonly factors: Float32Array;

  constructor(
    readonly config: SvdConfig,
    private readonly fitted: SvdState,
  ) {
    this.dim = config.k;
    this.names = Array.from({ length: config.k }, (_, c) => `svd:${c}`);
    this.factors = decodeBase64(fitted.factors, Float32Array);
  }

  state(): SvdState {
    return this.fitted;
  }

  transform(rows: FeatureRows, out: Float32Array, stride: number, offset: number): void {
    const k = this.config.k;
    for (let r = 0; r < rows.n; r++) {
      const e = rows.entity[r];
      if (e < 0 || e >= this.fitted.nEntities) continue;
      out.set(this.factors.subarray(e * k, (e + 1) * k), r * stride + offset);
    }
  }
}

export const svdTransformer: FeatureTransformerDefinition<SvdConfig, SvdState> = {
  type: 'svd',
  description: 'Collaborative features: randomized truncated SVD of the training interaction matrix',
  sides: featureTransformerSides('svd'),
  configSchema: svdConfigSchema,
  fit(config, input) {
    const seed = config.seed ?? input.seed;
    // One decomposition serves both sides of a pipeline when their settings agree.
    const key = `svd:${stableStringify({ k: config.k, oversample: config.oversample, powerIterations: config.powerIterations, seed })}`;
    let cached = input.cache.get(key) as { a: CsrMatrix; svd: TruncatedSvd } | undefined;
    if (!cached) {
      const a = trainingMatrix(input.ds, input.trainIndex);
      const svd = randomizedSvd(a, config.k, { oversample: config.oversample, powerIterations: config.powerIterations, rng: new Rng(seed) });
      cached = { a, svd };
      input.cache.set(key, cached);
    }
    const side = input.side === 'user' ? 'user' : 'item';
    const factors = sideFactors(cached.svd, side, cached.a, config);
    return new FittedSvd(config, {
      nEntities: side === 'user' ? cached.a.nRows : cached.a.nCols,
      singularValues: Array.from(cached.svd.s),
      factors: encodeBase64(factors),
    });
  },
  fromState: (config, state) => new FittedSvd(config, state),
};
