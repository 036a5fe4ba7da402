import { featureTransformerSides, categoricalFeature, type CategoricalConfig } from '../spec';
import type { FeatureTransformerDefinition } from './types';
import { attributeColumn, categoryOf } from './values';
import { buildVocabulary, categoryTokens, countValue, FittedVocabularyEncoder, type VocabularyState } from './vocabulary';

/** The config schema is core/spec's (validation, types and the editor share it); exported here under its old name too. */
export const categoricalConfigSchema = categoricalFeature.config;
export type { CategoricalConfig };

/**
 * One-hot of a single-valued attribute (occupation, gender, country). Output is dense
 * one-hot, not an index for an embedding table: the neural models take a FeatureBlock of
 * floats, and the vocabularies here are small. Column 0 is the out-of-vocabulary bucket
 * (unseen or rarer than `minCount` in training); a missing value gives an all-zero row.
 */
export const categoricalTransformer: FeatureTransformerDefinition<CategoricalConfig, VocabularyState> = {
  type: 'categorical',
  description: 'One-hot of a categorical attribute, with an out-of-vocabulary bucket and a minimum count',
  sides: featureTransformerSides('categorical'),
  configSchema: categoricalConfigSchema,
  fit(config, input) {
    const col = attributeColumn(input.ds, input.side, config.column, ['categorical', 'text', 'numeric']);
    const counts = new Map<string, number>();
    for (const e of input.fitEntities) {
      const v = categoryOf(col.values[e]);
      if (v !== null) countValue(counts, v);
    }
    return new FittedVocabularyEncoder('categorical', config, buildVocabulary(counts, config.minCount, config.maxCategories), categoryTokens);
  },
  fromState: (config, state) => new FittedVocabularyEncoder('categorical', config, state, categoryTokens),
};
