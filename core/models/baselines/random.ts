import type { FitContext, ModelSummary, Recommender } from '../types';
import { checkKnownOptions, checkScoreCall } from './config-checks';
import type { RandomConfig } from '../../spec';

export type { RandomConfig };

/**
 * Uniform random scores: the floor every model must beat. A score is a hash of
 * (seed, user, item), so it does not depend on batch size or call order.
 */
export class RandomRecommender implements Recommender {
  readonly type = 'random';
  nItems = 0;
  private nUsers = 0;
  private seed = 0;
  private fitted = false;

  constructor(private readonly config: RandomConfig = {}) {
    checkKnownOptions(this.type, config, ['seed']);
  }

  fit(ctx: FitContext): void {
    this.nItems = ctx.train.nCols;
    this.nUsers = ctx.train.nRows;
    this.seed = (this.config.seed ?? ctx.seed) >>> 0;
    this.fitted = true;
  }

  scoreUsers(users: Int32Array, out: Float32Array): void {
    checkScoreCall(this.type, this.fitted, users, out, this.nItems, this.nUsers);
    for (let b = 0; b < users.length; b++) {
      const userHash = mix32(this.seed ^ Math.imul(users[b] + 1, 0x9e3779b1));
      const row = b * this.nItems;
      for (let i = 0; i < this.nItems; i++) out[row + i] = mix32(userHash ^ Math.imul(i + 1, 0x85ebca6b)) / 4294967296;
    }
  }

  summary(): ModelSummary {
    return { type: this.type, parameters: 0 };
  }
}

/** murmur3's 32-bit finaliser: spreads every input bit over the output. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}
