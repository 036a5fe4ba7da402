import { z } from 'zod';
import { tfidfOptionsSchema } from './features';
import { defineModel } from './model-schema';

/*
 * Baseline model types (core/models/baselines). Defaults are tuned on MovieLens 100K
 * (every rating a positive, random 80/10/10 per user, NDCG@10 on test with train+valid
 * masked); see test/core/models/baselines/ml100k-quality.test.ts.
 */

export const randomModel = defineModel('random', 'baseline', 'Uniform random scores (seeded): the floor every model must beat', {
  seed: z.number().int().optional().describe("Seed of the scores; defaults to the run's seed"),
});

export const mostPopModel = defineModel('mostpop', 'baseline', 'Most popular: items ranked by their number of training users, the same list for everyone', {});

export const itemKnnModel = defineModel('itemknn', 'baseline', "Item-based kNN: shrunk cosine between item columns; a score sums the similarities of the target item's k neighbours the user has", {
  k: z.number().int().min(1).default(200).describe('Neighbours kept per item'),
  shrink: z.number().min(0).default(10).describe('Shrinkage of the cosine: dot / (norm_i norm_j + shrink); damps similarities built on few users'),
});

export const easeModel = defineModel('ease', 'baseline', 'EASE (Steck 2019): closed-form item-item linear autoencoder with L2 regularisation lambda', {
  lambda: z.number().gt(0).default(500).describe('L2 regularisation of the item-item weights'),
});

export const pureSvdModel = defineModel('puresvd', 'baseline', 'PureSVD (Cremonesi et al. 2010): truncated SVD of the train matrix (randomised), scores R V Vᵀ', {
  factors: z.number().int().min(1).default(20).describe('Rank of the truncated SVD'),
  oversample: z.number().int().min(0).default(10).describe('Extra random directions of the sketch beyond factors (Halko et al. suggest 5-10)'),
  powerIterations: z.number().int().min(0).default(3).describe('Power iterations; each sharpens the sketch towards the top singular vectors'),
  seed: z.number().int().optional().describe("Seed of the random projection; defaults to the run's seed"),
});

export const contentKnnModel = defineModel('content-knn', 'baseline', 'Content kNN: cosine between a user profile and item TF-IDF vectors of text and categorical attributes; scores cold items', {
  textColumns: z.array(z.string().min(1)).optional().describe('Item text columns run through the tokenizer; default every text column'),
  tokenColumns: z
    .array(z.string().min(1))
    .optional()
    .describe('Item categorical / multi columns whose values become whole tokens column=value; default every categorical and multi column, [] for none'),
  tfidf: tfidfOptionsSchema.optional().describe('TF-IDF options (scikit-learn TfidfVectorizer semantics); rows are always l2-normalised here'),
});

export type RandomConfig = z.output<typeof randomModel.config>;
export type MostPopConfig = z.output<typeof mostPopModel.config>;
export type ItemKnnConfig = z.output<typeof itemKnnModel.config>;
export type EaseConfig = z.output<typeof easeModel.config>;
export type PureSvdConfig = z.output<typeof pureSvdModel.config>;
export type ContentKnnConfig = z.output<typeof contentKnnModel.config>;
