import * as tf from '@tensorflow/tfjs';

/**
 * Early stopping on a validation metric where higher is better: remembers the best
 * value and a copy of the weights at that point, and says when `patience` evaluations
 * in a row brought no improvement. `restoreBest` puts the best weights back.
 */
export class EarlyStopping {
  private best = -Infinity;
  private bestEpochValue: number | undefined;
  private sinceBest = 0;
  private snapshot: tf.Tensor[] | undefined;

  constructor(
    private readonly patience: number,
    /** Minimum gain that counts as an improvement. */
    private readonly minDelta = 0,
  ) {}

  get bestValue(): number | undefined {
    return this.bestEpochValue === undefined ? undefined : this.best;
  }

  get bestEpoch(): number | undefined {
    return this.bestEpochValue;
  }

  /** Records one evaluation; returns true when training should stop. */
  update(epoch: number, value: number, variables: tf.Variable[]): boolean {
    if (Number.isFinite(value) && value > this.best + this.minDelta) {
      this.best = value;
      this.bestEpochValue = epoch;
      this.sinceBest = 0;
      this.disposeSnapshot();
      this.snapshot = variables.map((v) => tf.keep(tf.clone(v)));
      return false;
    }
    this.sinceBest++;
    return this.sinceBest >= this.patience;
  }

  /** Assigns the best weights seen back to `variables` (same order as in `update`); false if none were kept. */
  restoreBest(variables: tf.Variable[]): boolean {
    if (!this.snapshot) return false;
    variables.forEach((v, k) => v.assign(this.snapshot![k]));
    return true;
  }

  dispose(): void {
    this.disposeSnapshot();
  }

  private disposeSnapshot(): void {
    if (this.snapshot) tf.dispose(this.snapshot);
    this.snapshot = undefined;
  }
}
