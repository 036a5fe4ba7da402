/**
 * Anything that can score every item for a batch of users: baselines, neural models,
 * exported bundles. Evaluation, ranking and export all go through this one interface.
 */
export interface Scorer {
  /** Number of items (columns) scored per user. */
  readonly nItems: number;
  /**
   * Writes scores for `users` into `out`, row-major `users.length x nItems`. Higher is
   * better. May be called with any batch size; implementations pick their own internal batching.
   */
  scoreUsers(users: Int32Array, out: Float32Array): void | Promise<void>;
}

/** Metric values by key, e.g. `{"ndcg@10": 0.33, "auc": 0.91}`. */
export type MetricValues = Record<string, number>;
