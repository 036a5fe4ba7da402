import { z } from 'zod';
import type { FeatureTransformerDefinition, FeatureRows, FittedTransformer } from './types';
import { attributeColumn, tokensOf } from './values';
import { buildVocabulary, countValue, VocabularyIndex, type VocabularyState } from './vocabulary';

export const multiHotConfigSchema = z.strictObject({
  column: z.string().min(1).describe('List-valued attribute column (genres, tags)'),
  minCount: z.number().int().min(1).default(1).describe('Tokens seen on fewer training entities go to the OOV bucket'),
  maxTokens: z.number().int().positive().optional().describe('Keep at most this many tokens (most frequent first)'),
});
export type MultiHotConfig = z.infer<typeof multiHotConfigSchema>;

/**
 * Multi-hot of a list attribute: 1 in the column of every kept token. Column 0 is the
 * out-of-vocabulary bucket, 1 when the entity has at least one unknown or rare token.
 * Counts are per entity (a token listed twice on one item counts once).
 */
class FittedMultiHot implements FittedTransformer<MultiHotConfig, VocabularyState> {
  readonly type = 'multi-hot';
  private readonly vocab: VocabularyIndex;

  constructor(
    readonly config: MultiHotConfig,
    vocabulary: VocabularyState,
  ) {
    this.vocab = new VocabularyIndex(vocabulary);
  }

  get dim(): number {
    return this.vocab.dim;
  }

  get names(): string[] {
    return this.vocab.names(this.config.column);
  }

  state(): VocabularyState {
    return this.vocab.state;
  }

  transform(rows: FeatureRows, out: Float32Array, stride: number, offset: number): void {
    const values = rows.values(this.config.column);
    for (let r = 0; r < rows.n; r++) {
      for (const t of tokensOf(values[r])) out[r * stride + offset + this.vocab.column(t)] = 1;
    }
  }
}

export const multiHotTransformer: FeatureTransformerDefinition<MultiHotConfig, VocabularyState> = {
  type: 'multi-hot',
  description: 'Multi-hot of a list attribute (genres, tags), with an out-of-vocabulary bucket',
  sides: ['user', 'item'],
  configSchema: multiHotConfigSchema,
  fit(config, input) {
    const col = attributeColumn(input.ds, input.side, config.column, ['multi', 'categorical', 'text']);
    const counts = new Map<string, number>();
    for (const e of input.fitEntities) for (const t of new Set(tokensOf(col.values[e]))) countValue(counts, t);
    return new FittedMultiHot(config, buildVocabulary(counts, config.minCount, config.maxTokens));
  },
  fromState: (config, state) => new FittedMultiHot(config, state),
};
