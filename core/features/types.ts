import type { z } from 'zod';
import type { AttributeValue, Dataset } from '../data';
import type { FeatureSide } from '../spec';

export type { FeatureSide };

/**
 * The rows a fitted transformer turns into features. For the `user` and `item` sides a row
 * is one entity; for `context` a row is one interaction (event).
 */
export interface FeatureRows {
  n: number;
  /**
   * Dataset index of each row's entity (the user of an event on the context side), or -1
   * for an entity the fitted pipeline has never seen (a new user or item).
   */
  entity: Int32Array;
  /** Values of an attribute column (entity sides) or of a context column (context side), length `n`. */
  values(column: string): readonly AttributeValue[];
  /** Unix seconds per row, NaN where unknown; context side only. */
  timestamp?: Float64Array;
}

/** What `fit` sees: the whole dataset, but only the training part may shape the state. */
export interface FitInput {
  ds: Dataset;
  side: FeatureSide;
  /** Positions of the training interactions in `ds.interactions`. */
  trainIndex: Int32Array;
  /**
   * Entities of this side that appear in training interactions, ascending (empty for the
   * context side). Attribute transformers fit on these only, so a held-out cold entity's
   * attributes never reach a vocabulary, idf or scaler.
   */
  fitEntities: Int32Array;
  /** Seed of the pipeline; randomised transformers fork from it. */
  seed: number;
  /** Shared within one pipeline fit, so e.g. one SVD serves both the user and the item side. */
  cache: Map<string, unknown>;
}

/**
 * A fitted feature transformer. `state` is plain JSON; `{type, config, state}` is enough
 * for the definition's `fromState` to rebuild an equal transformer (see SerializedTransformer).
 */
export interface FittedTransformer<C = unknown, S = unknown> {
  readonly type: string;
  readonly config: C;
  /** Output width. */
  readonly dim: number;
  /** One name per output column, e.g. `genres=Comedy`. */
  readonly names: string[];
  /** JSON-serialisable fitted state (vocabularies, idf, scalers, factors). */
  state(): S;
  /**
   * Writes row `r`'s `dim` features to `out[r * stride + offset ...]`. The caller zero-fills
   * `out`, so a transformer may leave missing values alone.
   */
  transform(rows: FeatureRows, out: Float32Array, stride: number, offset: number): void;
}

/** A registered transformer type: its config schema, how to fit it, how to restore it. */
export interface FeatureTransformerDefinition<C = any, S = any> {
  type: string;
  description: string;
  /** Sides of the pipeline spec this transformer may appear in. */
  sides: readonly FeatureSide[];
  /** Validates the spec entry (without `type`) and fills defaults. */
  configSchema: z.ZodType<C>;
  fit(config: C, input: FitInput): FittedTransformer<C, S>;
  fromState(config: C, state: S): FittedTransformer<C, S>;
}

/** The JSON form of a fitted transformer. */
export interface SerializedTransformer {
  type: string;
  config: unknown;
  state: unknown;
}
