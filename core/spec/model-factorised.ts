import { z } from 'zod';
import { defineModel } from './model-schema';

/**
 * `lightfm`: a LightFM-style factorised hybrid (Kula 2015). Users and items are
 * the sums of their features' embeddings (an identity feature per entity plus the fitted
 * pipeline's columns), an item's bias the sum of its features' biases, and
 * score(u, i) = user · item + bias(i). Trained by sparse SGD on typed arrays, one
 * positive at a time, as LightFM's Cython loop does. Names follow LightFM's parameters
 * in RecLab's camelCase (no_components -> components, item_alpha -> itemAlpha, ...).
 */
export const lightfmModel = defineModel(
  'lightfm',
  'factorised',
  'LightFM-style factorised hybrid (Kula 2015): users and items as sums of identity and attribute embeddings, WARP or BPR, Adagrad, trained on typed arrays; scores cold items from their attributes',
  {
    components: z.number().int().min(1).default(64).describe('Length of every feature embedding (LightFM no_components)'),
    loss: z
      .enum(['warp', 'bpr'])
      .default('warp')
      .describe('warp: draw negatives until one outranks the positive minus 1, step weighted by log(rank estimate); bpr: one negative, pairwise logistic'),
    maxSampled: z.number().int().min(1).default(10).describe('WARP: negatives drawn per positive at most before giving up on it (LightFM max_sampled)'),
    bprNegatives: z
      .enum(['popularity', 'uniform'])
      .default('popularity')
      .describe("BPR: draw the negative from the training interactions' items (LightFM's way: popularity) or uniformly"),
    optimizer: z.enum(['adagrad', 'sgd']).default('adagrad').describe('adagrad: per-weight step lr / sqrt(1 + sum of squared gradients), as LightFM; sgd: plain steps of lr'),
    learningRate: z.number().positive().default(0.05).describe('Step size (LightFM learning_rate)'),
    userAlpha: z.number().min(0).default(0).describe('L2 penalty on the user feature embeddings an example uses (LightFM user_alpha)'),
    itemAlpha: z.number().min(0).default(0).describe('L2 penalty on the item feature embeddings and biases an example uses (LightFM item_alpha)'),
    epochs: z.number().int().min(1).default(30).describe('Passes over the training positives'),
    userIdentity: z.boolean().default(true).describe('Give every user an identity feature of its own (collaborative); false: users are their attributes only'),
    itemIdentity: z.boolean().default(true).describe('Give every item an identity feature of its own (collaborative); false: items are their attributes only'),
    normalize: z.boolean().default(true).describe("Scale each entity's feature row (identity included) to sum 1 in absolute value, as LightFM's Dataset does"),
    initScale: z.number().positive().default(1).describe('Embeddings start uniform in ±initScale / (2 x components) (LightFM: 1)'),
    evalEvery: z.number().int().min(0).default(1).describe('Validate every N epochs by full ranking and keep the best epoch (0: never)'),
    patience: z.number().int().min(1).default(3).describe('Validations without improvement before stopping'),
    metric: z.string().regex(/^ndcg@[1-9]\d*$/, 'metric must look like ndcg@10').default('ndcg@10').describe('Validation metric of early stopping'),
  },
);

export type LightfmConfig = z.output<typeof lightfmModel.config>;
