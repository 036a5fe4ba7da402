import { z } from 'zod';
import { InputError } from '../util';
import type { FeatureTransformerDefinition } from './types';
import { categoryOf } from './values';
import { buildVocabulary, categoryTokens, countValue, FittedVocabularyEncoder, type VocabularyState } from './vocabulary';

export const contextCategoricalConfigSchema = z.strictObject({
  column: z.string().min(1).describe('Interaction context column (device, place, session type)'),
  minCount: z.number().int().min(1).default(1).describe('Values seen in fewer training interactions go to the OOV bucket'),
  maxCategories: z.number().int().positive().optional(),
});
export type ContextCategoricalConfig = z.infer<typeof contextCategoricalConfigSchema>;

/**
 * One-hot of an interaction context column, counted over training interactions. Column 0
 * is the OOV bucket; a missing value gives an all-zero row.
 */
export const contextCategoricalTransformer: FeatureTransformerDefinition<ContextCategoricalConfig, VocabularyState> = {
  type: 'context-categorical',
  description: 'One-hot of an interaction context column (device, place), with an out-of-vocabulary bucket',
  sides: ['context'],
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
