import { categoricalTransformer } from './categorical';
import { contextCategoricalTransformer } from './context-categorical';
import { multiHotTransformer } from './multi-hot';
import { numericTransformer } from './numeric';
import { hasFeatureTransformer, registerFeatureTransformer } from './registry';
import { svdTransformer } from './svd';
import { temporalTransformer } from './temporal';
import { tfidfTransformer } from './tfidf-transformer';
import type { FeatureTransformerDefinition } from './types';

/** The transformers RecLab ships with, registered once when core/features is first loaded. */
export const builtinFeatureTransformers: readonly FeatureTransformerDefinition[] = [
  tfidfTransformer,
  categoricalTransformer,
  multiHotTransformer,
  numericTransformer,
  temporalTransformer,
  contextCategoricalTransformer,
  svdTransformer,
];

/** Registers the built-in transformers; safe to call more than once. */
export function registerBuiltinFeatureTransformers(): void {
  for (const def of builtinFeatureTransformers) if (!hasFeatureTransformer(def.type)) registerFeatureTransformer(def);
}

registerBuiltinFeatureTransformers();
