import { featureTransformerSides, multiHotFeature, type MultiHotConfig } from '../spec';
import type { FeatureTransformerDefinition } from './types';
import { attributeColumn, tokensOf } from './values';
import { buildVocabulary, countValue, FittedVocabularyEncoder, type VocabularyState } from './vocabulary';

/** The config schema is core/spec's (validation, types and the editor share it); exported here under its old name too. */
export const multiHotConfigSchema = multiHotFeature.config;
export type { MultiHotConfig };

/**
 * Multi-hot of a list attribute: 1 in the column of every kept token. Column 0 is the
 * out-of-vocabulary bucket, 1 when the entity has at least one unknown or rare token.
 * Counts are per entity (a token listed twice on one item counts once).
 */
export const multiHotTransformer: FeatureTransformerDefinition<MultiHotConfig, VocabularyState> = {
  type: 'multi-hot',
  description: 'Multi-hot of a list attribute (genres, tags), with an out-of-vocabulary bucket',
  sides: featureTransformerSides('multi-hot'),
  configSchema: multiHotConfigSchema,
  fit(config, input) {
    const col = attributeColumn(input.ds, input.side, config.column, ['multi', 'categorical', 'text']);
    const counts = new Map<string, number>();
    for (const e of input.fitEntities) for (const t of new Set(tokensOf(col.values[e]))) countValue(counts, t);
    return new FittedVocabularyEncoder('multi-hot', config, buildVocabulary(counts, config.minCount, config.maxTokens), tokensOf);
  },
  fromState: (config, state) => new FittedVocabularyEncoder('multi-hot', config, state, tokensOf),
};
