import { featureTransformerSides, contextCategoricalFeature, type ContextCategoricalConfig } from '../spec';
import { InputError } from '../util';
import type { FeatureTransformerDefinition } from './types';
import { categoryOf } from './values';
import { buildVocabulary, categoryTokens, countValue, FittedVocabularyEncoder, type VocabularyState } from './vocabulary';

/** The config schema is core/spec's (validation, types and the editor share it); exported here under its old name too. */
export const contextCategoricalConfigSchema = contextCategoricalFeature.config;
export type { ContextCategoricalConfig };

/**
 * One-hot of an interaction context column, counted over training interactions. Column 0
 * is the OOV bucket; a missing value gives an all-zero row.
 */
export const contextCategoricalTransformer: FeatureTransformerDefinition<ContextCategoricalConfig, VocabularyState> = {
  type: 'context-categorical',
  description: 'One-hot of an interaction context column (device, place), with an out-of-vocabulary bucket',
  sides: featureTransformerSides('context-categorical'),
  configSchema: contextCategoricalConfigSchema,
  fit(config, input) {
    const values = input.ds.interactions.context[config.column];
    if (!values) {
      const known = Object.keys(input.ds.interactions.context).join(', ') || 'none';
      throw new InputError(
        `Dataset '${input.ds.name}' has no interaction context column '${config.column}'. Its context columns: ${known}.`,
        'SPEC',
      );
    }
    const counts = new Map<string, number>();
    for (const k of input.trainIndex) {
      const v = categoryOf(values[k]);
      if (v !== null) countValue(counts, v);
    }
    return new FittedVocabularyEncoder('context-categorical', config, buildVocabulary(counts, config.minCount, config.maxCategories), categoryTokens);
  },
  fromState: (config, state) => new FittedVocabularyEncoder('context-categorical', config, state, categoryTokens),
};
