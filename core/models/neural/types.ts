import type * as tf from '@tensorflow/tfjs';
import type { CsrMatrix } from '../../data';
import type { ModelSummary } from '../types';

/**
 * Dense per-entity features produced by the fitted feature pipeline (core/features):
 * row `e` of `values` (length `dim`) describes user or item `e`. Cold entities have rows
 * too, which is how they get scores.
 */
export interface FeatureBlock {
  dim: number;
  values: Float32Array;
  /** Column names, for summaries and export. */
  names?: string[];
}

/** What an architecture is built for: sizes, features, graph. */
export interface ArchitectureInputs {
  nUsers: number;
  nItems: number;
  userFeatures?: FeatureBlock;
  itemFeatures?: FeatureBlock;
  /** Width of the per-interaction context vector (time, device), 0 when none. */
  contextDim: number;
  /** Training user x item graph (LightGCN), positives only. */
  graph?: CsrMatrix;
  seed: number;
}

/** One training/scoring batch; ids are dense indices. */
export interface ArchitectureBatch {
  users: tf.Tensor1D; // int32
  items: tf.Tensor1D; // int32
  context?: tf.Tensor2D; // float32, batch x contextDim
}

/** User and item vectors of a factorised model: score(u, i) = dot(users[u], items[i]) + itemBias[i]. */
export interface Factors {
  dim: number;
  users: Float32Array;
  items: Float32Array;
  itemBias?: Float32Array;
}

/** Logits over all items for a block of users, plus an extra loss term from the same pass (a VAE's weighted KL). */
export interface UserLogits {
  logits: tf.Tensor2D;
  penalty?: tf.Scalar;
  /**
   * Per-branch logits over all items from the same pass (a gated hybrid's collaborative and
   * content branches), each `users x nItems`; the trainer adds `auxWeight` x the same loss over each.
   */
  auxiliary?: tf.Tensor2D[];
}

/**
 * A neural architecture built from a declarative spec. It owns its variables (raw
 * `tf.Variable`s, so a custom training loop can run `optimizer.minimize` over them on
 * any backend) and computes logits with `@tensorflow/tfjs` ops only.
 */
export interface NeuralArchitecture {
  readonly type: string;
  readonly variables: tf.Variable[];
  /** Logits, shape [batch]. Called inside tf.tidy by the trainer. */
  score(batch: ArchitectureBatch, training: boolean): tf.Tensor1D;
  /**
   * Logits plus per-branch auxiliary logits (each shape [batch]) from one forward pass,
   * for models whose branches should also learn to rank on their own (gated hybrids: the
   * content branch otherwise gets little gradient on warm examples). The trainer adds
   * `auxWeight` x the same loss over each auxiliary logit. Called inside tf.tidy.
   */
  scoreWithAuxiliary?(batch: ArchitectureBatch, training: boolean): { logits: tf.Tensor1D; auxiliary: tf.Tensor1D[] };
  /**
   * Logits `users x nItems` in one pass, for the `multinomial` loss (a softmax over the
   * whole catalogue per user, as Mult-VAE trains). Called inside tf.tidy by the trainer.
   */
  userLogits?(users: tf.Tensor1D, training: boolean): UserLogits;
  /**
   * Sets starting weights from the training graph the architecture was built with (e.g. a
   * closed-form collaborative solution). The trainer calls it once before the first epoch;
   * rebuilding from saved weights (bundles) does not, so it may take a while.
   */
  initialise?(log?: (line: string) => void): void;
  /** Per-example gate (weight of the collaborative branch, 0..1) for gated hybrids. */
  gate?(batch: ArchitectureBatch): tf.Tensor1D;
  /**
   * Present when the model is factorised; full ranking then multiplies vectors once. A
   * model that reads context folds `userContext` (`nUsers x contextDim`, row u = the
   * context user u is ranked in) into the user vectors; without it, the zero context.
   */
  factors?(userContext?: Float32Array): Factors;
  /**
   * How the model ranks all items, when it is not by tensors: a model trained on typed
   * arrays (lightfm) scores as its trainer did, so a bundle ranks bit for bit as the run.
   */
  scoreFunction?(nItems: number): (users: Int32Array, out: Float32Array) => void;
  summary(): ModelSummary;
  dispose(): void;
}

/** A registered architecture type; its config schema and defaults are core/spec's. */
export interface ArchitectureDefinition<C = Record<string, unknown>> {
  type: string;
  description: string;
  /** Which inputs it needs, so the runner can say what is missing in the spec. */
  needs?: { userFeatures?: boolean; itemFeatures?: boolean; graph?: boolean };
  /**
   * Whether it reads the per-interaction context (`contextDim`, `ArchitectureBatch.context`);
   * for the others the runner builds with contextDim 0 and feeds no context.
   */
  readsContext?: boolean;
  build(config: C, inputs: ArchitectureInputs): NeuralArchitecture;
}

/** A row-major `n x dim` block of context rows (per interaction, or per user for ranking). */
export interface ContextRows {
  dim: number;
  values: Float32Array;
}
