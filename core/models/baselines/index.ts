import { registerModel } from '../registry';
import { ContentKnnRecommender, type ContentKnnConfig } from './content-knn';
import { EaseRecommender, type EaseConfig } from './ease';
import { ItemKnnRecommender, type ItemKnnConfig } from './itemknn';
import { MostPopRecommender, type MostPopConfig } from './mostpop';
import { PureSvdRecommender, type PureSvdConfig } from './puresvd';
import { RandomRecommender, type RandomConfig } from './random';

export { RandomRecommender, type RandomConfig } from './random';
export { MostPopRecommender, type MostPopConfig } from './mostpop';
export { ItemKnnRecommender, type ItemKnnConfig } from './itemknn';
export { EaseRecommender, easeGram, easeLambdaPath, type EaseConfig, type EaseSolverOptions } from './ease';
export { PureSvdRecommender, type PureSvdConfig } from './puresvd';
export { ContentKnnRecommender, type ContentKnnConfig } from './content-knn';

/*
 * Each type's parameters, defaults (tuned on MovieLens 100K) and descriptions are in
 * core/spec (model-baselines.ts); `create` gets the config completed there.
 */

registerModel<RandomConfig>({
  type: 'random',
  description: 'Uniform random scores (seeded): the floor every model must beat.',
  create: (config) => new RandomRecommender(config),
});

registerModel<MostPopConfig>({
  type: 'mostpop',
  description: 'Most popular: items ranked by their number of training users, the same list for everyone.',
  create: (config) => new MostPopRecommender(config),
});

registerModel<ItemKnnConfig>({
  type: 'itemknn',
  description: 'Item-based kNN: shrunk cosine between item columns of the train matrix; a score sums the similarities of the target item\'s k neighbours the user has.',
  create: (config) => new ItemKnnRecommender(config),
});

registerModel<EaseConfig>({
  type: 'ease',
  description: 'EASE (Steck 2019): closed-form item-item linear autoencoder with L2 regularisation lambda.',
  create: (config) => new EaseRecommender(config),
});

registerModel<PureSvdConfig>({
  type: 'puresvd',
  description: 'PureSVD (Cremonesi et al. 2010): truncated SVD of the train matrix (randomised), scores R V Vᵀ.',
  create: (config) => new PureSvdRecommender(config),
});

registerModel<ContentKnnConfig>({
  type: 'content-knn',
  description: 'Content kNN: cosine between a user profile and item TF-IDF vectors of text and categorical attributes; scores cold items.',
  create: (config) => new ContentKnnRecommender(config),
});
