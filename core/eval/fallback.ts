import { InputError } from '../util';
import type { Scorer } from './types';

/**
 * `evaluate.fallback: "mostpop"`: users without any training interaction are ranked by
 * training popularity, every other user by the model. A collaborative model (EASE, ItemKNN)
 * has nothing to go on for such users and gives every item the same score; the fallback
 * makes that choice explicit and visible (it is part of the protocol fingerprint) instead of
 * letting a tie order stand in for the model. The model is never asked about those users.
 */
export class PopularityFallbackScorer implements Scorer {
  readonly nItems: number;
  private readonly popularity: Float32Array;

  constructor(
    private readonly scorer: Scorer,
    /** Training interactions per user; 0 marks a user without history. */
    private readonly userTrainCounts: Int32Array,
    /** Training interactions per item. */
    itemPopularity: Int32Array,
  ) {
    if (itemPopularity.length !== scorer.nItems)
      throw new InputError(`the fallback's item popularity has ${itemPopularity.length} entries but the model scores ${scorer.nItems} items.`, 'EVAL');
    this.nItems = scorer.nItems;
    this.popularity = Float32Array.from(itemPopularity);
  }

  /** True when `user` is ranked by popularity rather than by the model. */
  fallsBack(user: number): boolean {
    return !(this.userTrainCounts[user] > 0);
  }

  async scoreUsers(users: Int32Array, out: Float32Array): Promise<void> {
    const n = this.nItems;
    const known = users.filter((u) => !this.fallsBack(u));
    if (known.length === users.length) return this.scorer.scoreUsers(users, out);
    const modelScores = new Float32Array(known.length * n);
    if (known.length > 0) await this.scorer.scoreUsers(known, modelScores);
    let j = 0;
    for (let b = 0; b < users.length; b++) {
      if (this.fallsBack(users[b])) out.set(this.popularity, b * n);
      else out.set(modelScores.subarray(j * n, ++j * n), b * n);
    }
  }
}
