/**
 * Feature transformers and pipelines: user/item attributes and interaction context in,
 * dense Float32 rows out (FeatureBlock per side, a context vector per interaction).
 *
 * - Every transformer type is registered by name (`registerFeatureTransformer`, duplicates
 *   refused) with a zod config schema, `fit`, and `fromState`; a fitted one serialises to
 *   `{type, config, state}` in plain JSON.
 * - `fitFeaturePipeline(spec, ds, trainIndex)` fits on the training part only: interaction
 *   statistics (svd, temporal, context-categorical) from the training interactions, and
 *   attribute statistics (vocabularies, idf, scalers, buckets) from the users/items that
 *   appear in them, so held-out cold entities cannot leak into the state.
 * - `toJSON()` / `loadFittedPipeline(json)` carry a fitted pipeline into a bundle, where
 *   `transformUsers` / `transformItems` / `transformContext` serve new entities and events.
 */
export * from './tfidf';
export * from './types';
export * from './registry';
export * from './builtin';
export * from './tfidf-transformer';
export * from './categorical';
export * from './multi-hot';
export * from './numeric';
export * from './temporal';
export * from './context-categorical';
export * from './svd';
export * from './pipeline';
