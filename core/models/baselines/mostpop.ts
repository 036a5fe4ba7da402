import type { FitContext, ModelSummary, Recommender } from '../types';
import { checkKnownOptions, checkScoreCall } from './config-checks';
import type { MostPopConfig } from '../../spec';

export type { MostPopConfig };

/** Scores every item by its number of training users: the same list for everyone. */
export class MostPopRecommender implements Recommender {
  readonly type = 'mostpop';
  nItems = 0;
  private nUsers = 0;
  private popularity = new Float32Array(0);
  private fitted = false;

  constructor(config: MostPopConfig = {}) {
    checkKnownOptions(this.type, config, []);
  }

  fit(ctx: FitContext): void {
    this.nItems = ctx.train.nCols;
    this.nUsers = ctx.train.nRows;
    // Stored entries, not values: a user who rated an item twice still counts once.
    const counts = new Float32Array(this.nItems);
    for (let p = 0; p < ctx.train.indices.length; p++) counts[ctx.train.indices[p]] += 1;
    this.popularity = counts;
    this.fitted = true;
  }

  scoreUsers(users: Int32Array, out: Float32Array): void {
    checkScoreCall(this.type, this.fitted, users, out, this.nItems, this.nUsers);
    for (let b = 0; b < users.length; b++) out.set(this.popularity, b * this.nItems);
  }

  summary(): ModelSummary {
    return { type: this.type, parameters: this.nItems };
  }
}
