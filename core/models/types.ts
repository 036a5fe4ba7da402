import type { CsrMatrix, Dataset } from '../data';
import type { Scorer } from '../eval';

/** What a model gets to learn from. Only `train` (and, for early stopping, `valid`) may be read. */
export interface FitContext {
  dataset: Dataset;
  /** user x item positives of the training part (implicit, 1 per pair). */
  train: CsrMatrix;
  /** Indices into `dataset.interactions` of the training part (for context, timestamps). */
  trainIndex: Int32Array;
  /** user x item positives of the validation part, for early stopping; may be empty. */
  valid?: CsrMatrix;
  /** Items held out entirely (item cold-start); a model must not train on them. */
  coldItems?: Int32Array;
  coldUsers?: Int32Array;
  seed: number;
  /** Progress lines for the log. */
  log?: (line: string) => void;
  /** Per-step/epoch metric hook (loss, valid NDCG, ...). */
  onMetric?: (key: string, value: number, step: number, epoch?: number) => void;
  /** Set to stop training early (cancel). */
  signal?: { aborted: boolean };
  /** Where the fit is (epoch and step of total, or a fraction), for progress bars and ETA. */
  onProgress?: (p: FitProgress) => void;
}

/** Where a fit is: epochs and steps for epoch-based models, a fraction for the others. */
export interface FitProgress {
  /** 1-based epoch in progress. */
  epoch?: number;
  /** Epochs asked for: an upper bound when early stopping may end sooner. */
  epochs?: number;
  /** Steps (batches) done in the current epoch, and per epoch. */
  stepInEpoch?: number;
  stepsPerEpoch?: number;
  /** Global step count. */
  step?: number;
  /** Share of the fit done, in [0, 1], for models without epochs (a long EASE inverse). */
  fraction?: number;
  /** Best validation value so far (early stopping keeps it). */
  best?: { metric: string; value: number; epoch: number };
  /** Early stopping's patience, when it can end training before `epochs`. */
  patience?: number;
}

/** A trainable recommender. Scores follow the `Scorer` contract. */
export interface Recommender extends Scorer {
  readonly type: string;
  fit(ctx: FitContext): void | Promise<void>;
  /** Frees tensors or large buffers. */
  dispose?(): void;
  /** Human-readable structure (layers, parameter count) where meaningful. */
  summary?(): ModelSummary;
}

export interface ModelSummary {
  type: string;
  parameters: number;
  layers?: { name: string; shape: string; parameters: number }[];
}

/** A registered model type: builds a Recommender from its config (already validated). */
export interface ModelDefinition<C = Record<string, unknown>> {
  type: string;
  description: string;
  /** Defaults merged under the user's config. */
  defaults: C;
  create(config: C): Recommender;
}
