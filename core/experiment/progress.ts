import type { DatasetStats } from '../data';
import type { ModelSummary } from '../models';

export type { FitProgress } from '../models';

/**
 * What a run reports while it works, and what each stage leaves behind for the notebook's
 * cell outputs. Plain JSON throughout: these cross the worker's IPC channel, the
 * workspace's events and the app's API unchanged.
 */

/** The stages of a run, in order. A closed set: the UI has a label for each. */
export const RUN_PHASES = ['starting', 'load', 'split', 'features', 'model', 'tune', 'train', 'evaluate', 'export'] as const;
export type RunPhase = (typeof RUN_PHASES)[number];

/** One point of a metric series as the run logs it. */
export interface RunMetricPoint {
  key: string;
  value: number;
  step: number;
  epoch?: number;
  /** Milliseconds since the Unix epoch. */
  time: number;
}

/** The data cell's output: the dataset at a glance and its long tail. */
export interface DataOutput {
  stats: DatasetStats;
  /** Interactions per item, most popular first, downsampled to at most 400 (rank, count) points. */
  popularity: { rank: number; count: number }[];
}

export interface SplitPartOutput {
  interactions: number;
  users: number;
  items: number;
}

export interface SplitOutput {
  kind: string;
  seed: number;
  parts: { train: SplitPartOutput; valid: SplitPartOutput; test: SplitPartOutput };
  coldItems?: number;
  coldUsers?: number;
  /** Hash of data, split and evaluation settings: runs compare only when it is equal. */
  fingerprint: string;
}

export interface FeatureBlockOutput {
  side: 'user' | 'item' | 'context';
  type: string;
  column?: string;
  dim: number;
  /** TF-IDF blocks: the most frequent training terms (lowest idf) first. */
  topTerms?: string[];
}

export interface FeaturesOutput {
  userDim: number;
  itemDim: number;
  contextDim: number;
  blocks: FeatureBlockOutput[];
}

export type ModelOutput = ModelSummary & { config: Record<string, unknown> };

export interface TrainOutput {
  seconds: number;
  epochs?: number;
  bestEpoch?: number;
  bestMetric?: number;
  stoppedEarly?: boolean;
  /** Chosen on validation when the model had a tuning grid. */
  tuned?: Record<string, unknown>;
}

export interface EvaluateOutput {
  protocol: string;
  ks: number[];
  /** Things to know about the numbers (many users with all-tied scores), one line each. */
  warnings: string[];
  /** Final metrics by segment (`overall`, `items:cold`, ...), then key (`ndcg@10`). */
  segments: Record<string, Record<string, number>>;
}

/** Cell outputs of a run, by the cell kind that shows them. */
export interface RunOutputs {
  data?: DataOutput;
  split?: SplitOutput;
  features?: FeaturesOutput;
  model?: ModelOutput;
  train?: TrainOutput;
  evaluate?: EvaluateOutput;
}

export type OutputSection = keyof RunOutputs;

/** Cell kinds a preview can stop after: the stages before training, which record nothing. */
export const PREVIEW_STAGES = ['data', 'split', 'features', 'model'] as const;
export type PreviewStage = (typeof PREVIEW_STAGES)[number];
