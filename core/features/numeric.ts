import { featureTransformerSides, numericFeature, type NumericConfig } from '../spec';
import type { FeatureTransformerDefinition, FeatureRows, FittedTransformer } from './types';
import { attributeColumn, numberOf } from './values';

/** The config schema is core/spec's (validation, types and the editor share it); exported here under its old name too. */
export const numericConfigSchema = numericFeature.config;
export type { NumericConfig };

/**
 * Statistics of the training values. All are kept whatever the scale, so a fitted state can
 * be inspected (and checked for leaks) the same way for every scale.
 */
export interface NumericState {
  /** Number of non-missing training values. */
  count: number;
  mean: number;
  /** Population standard deviation (divides by n, as scikit-learn's StandardScaler). */
  std: number;
  min: number;
  max: number;
  /** Interior quantile bucket edges, ascending and unique (bucketize only). */
  edges?: number[];
}

/**
 * Linear-interpolation quantile of sorted values (numpy's default `linear` method):
 * position q·(n−1) between the two neighbouring order statistics.
 */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

/** Fits the statistics (and bucket edges) of the non-missing values. */
export function fitNumericState(values: Float64Array, scale: NumericConfig['scale'], buckets: number): NumericState {
  const n = values.length;
  if (n === 0) return { count: 0, mean: 0, std: 0, min: 0, max: 0, ...(scale === 'bucketize' ? { edges: [] } : {}) };
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    sum += values[i];
    if (values[i] < min) min = values[i];
    if (values[i] > max) max = values[i];
  }
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (values[i] - mean) ** 2;
  const state: NumericState = { count: n, mean, std: Math.sqrt(sq / n), min, max };
  if (scale === 'bucketize') {
    const sorted = Float64Array.from(values).sort();
    const edges: number[] = [];
    for (let j = 1; j < buckets; j++) {
      const e = quantileSorted(sorted, j / buckets);
      // Tied quantiles would make buckets no value can fall into; keep each edge once.
      if (edges.length === 0 || e > edges[edges.length - 1]) edges.push(e);
    }
    state.edges = edges;
  }
  return state;
}

/**
 * Scales one numeric attribute. Missing values (null, NaN, non-numeric strings) give 0 in
 * the value columns and 1 in the trailing `<column>:missing` column. Values outside the
 * training range are not clipped (min-max may leave [0, 1] for a cold item).
 * Bucketize: bucket b = number of edges ≤ x, output one-hot over edges.length + 1 buckets.
 */
class FittedNumeric implements FittedTransformer<NumericConfig, NumericState> {
  readonly type = 'numeric';
  readonly dim: number;
  private readonly valueDim: number;

  constructor(
    readonly config: NumericConfig,
    private readonly fitted: NumericState,
  ) {
    this.valueDim = config.scale === 'bucketize' ? (fitted.edges?.length ?? 0) + 1 : 1;
    this.dim = this.valueDim + (config.missingIndicator ? 1 : 0);
  }

  get names(): string[] {
    const c = this.config.column;
    const value = this.config.scale === 'bucketize' ? Array.from({ length: this.valueDim }, (_, b) => `${c}:bucket${b}`) : [`${c}:${this.config.scale}`];
    return this.config.missingIndicator ? [...value, `${c}:missing`] : value;
  }

  state(): NumericState {
    return this.fitted;
  }

  /** The scaled value of x (not bucketize). */
  scaled(x: number): number {
    const s = this.fitted;
    switch (this.config.scale) {
      case 'standard':
        return (x - s.mean) / (s.std > 0 ? s.std : 1);
      case 'minmax':
        return (x - s.min) / (s.max > s.min ? s.max - s.min : 1);
      case 'log1p':
        return Math.sign(x) * Math.log1p(Math.abs(x));
      default:
        return x;
    }
  }

  /** Bucket of x: the number of edges at or below it. */
  bucket(x: number): number {
    const edges = this.fitted.edges ?? [];
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (edges[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  transform(rows: FeatureRows, out: Float32Array, stride: number, offset: number): void {
    const values = rows.values(this.config.column);
    const bucketize = this.config.scale === 'bucketize';
    for (let r = 0; r < rows.n; r++) {
      const x = numberOf(values[r]);
      const at = r * stride + offset;
      if (Number.isNaN(x)) {
        if (this.config.missingIndicator) out[at + this.valueDim] = 1;
      } else if (bucketize) {
        out[at + this.bucket(x)] = 1;
      } else {
        out[at] = this.scaled(x);
      }
    }
  }
}

export const numericTransformer: FeatureTransformerDefinition<NumericConfig, NumericState> = {
  type: 'numeric',
  description: 'Numeric attribute: standardise, min-max, log1p or quantile buckets, with a missing-value indicator',
  sides: featureTransformerSides('numeric'),
  configSchema: numericConfigSchema,
  fit(config, input) {
    const col = attributeColumn(input.ds, input.side, config.column, ['numeric', 'timestamp']);
    const seen: number[] = [];
    for (const e of input.fitEntities) {
      const x = numberOf(col.values[e]);
      if (!Number.isNaN(x)) seen.push(x);
    }
    return new FittedNumeric(config, fitNumericState(Float64Array.from(seen), config.scale, config.buckets));
  },
  fromState: (config, state) => new FittedNumeric(config, state),
};
