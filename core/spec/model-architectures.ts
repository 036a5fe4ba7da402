import { z } from 'zod';
import { defineModel, layerSizes } from './model-schema';

/*
 * Neural architecture types (core/models/neural), trained by core/train with the `train`
 * section. Widths and layer lists are checked here, so a bad one fails before any data is
 * loaded; the builders check what depends on the data (features present, graph sizes).
 */

const width = (value: number, description: string) => z.number().int().positive().default(value).describe(description);
const initStd = (value: number, what = 'the id embeddings') => z.number().positive().default(value).describe(`Std of the normal initialisation of ${what}`);

export const mfArchitectureSchema = defineModel('mf', 'neural', 'Matrix factorisation: dot product of user and item embeddings plus an item bias', {
  dim: width(32, 'Width of the user and item embeddings'),
  initStd: initStd(0.01, 'the embeddings'),
});

export const gmfArchitectureSchema = defineModel('gmf', 'neural', 'Generalised matrix factorisation (NCF): a learned weighting of the element-wise product of user and item embeddings', {
  dim: width(32, 'Width of the user and item embeddings'),
  initStd: initStd(0.01, 'the embeddings'),
});

export const mlpArchitectureSchema = defineModel('mlp', 'neural', 'NCF MLP: user and item embeddings concatenated and passed through a ReLU tower to one logit', {
  dim: width(32, 'Width of the user and item embeddings'),
  layers: layerSizes([64, 32, 16], 'Hidden ReLU layer sizes of the tower, at least one', 1),
  initStd: initStd(0.01, 'the embeddings'),
});

export const neumfArchitectureSchema = defineModel('neumf', 'neural', 'NeuMF (NCF): a GMF branch and an MLP branch with their own embeddings, fused into one logit', {
  gmfDim: width(32, 'Width of the GMF branch embeddings'),
  mlpDim: width(32, 'Width of the MLP branch embeddings (the tower takes 2 x mlpDim)'),
  layers: layerSizes([64, 32, 16], 'Hidden ReLU layer sizes of the MLP branch, at least one', 1),
  initStd: initStd(0.01, 'the embeddings'),
});

export const contentArchitectureSchema = defineModel(
  'content',
  'neural',
  'Content tower: item features -> MLP -> vector, user id embedding (or user features -> MLP); dot score. Scores cold items from their features',
  {
    dim: width(32, 'Width of the user and item vectors that are dotted'),
    itemHidden: layerSizes([64], 'Hidden ReLU layers of the item tower (item features -> ... -> dim)'),
    user: z.enum(['id', 'features']).default('id').describe('Where the user vector comes from: an id embedding, or user features through an MLP'),
    userHidden: layerSizes([64], "Hidden ReLU layers of the user tower when user is 'features'"),
    initStd: initStd(0.05, 'the user id embedding'),
  },
);

export const hybridArchitectureSchema = defineModel(
  'hybrid',
  'neural',
  'Collaborative (id embeddings) + content (feature MLPs) branches fused by concat -> MLP, a LightFM-style sum, or a learned gate g*collab + (1-g)*content',
  {
    dim: width(32, 'Width of the id embeddings, and of the content vectors unless contentDim is given'),
    contentDim: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("Width of the content vectors (gate, concat; sum needs it equal to dim): a narrow content branch beside a wide collaborative one generalises better to cold items"),
    fusion: z.enum(['concat', 'sum', 'gate']).default('gate').describe('concat: MLP over both branches; sum: LightFM-style sum of embeddings; gate: learned per-example mix'),
    contentHidden: layerSizes([64], 'Hidden ReLU layers of the content MLPs (features -> ... -> dim)'),
    // The user side of the content branch: user features through an MLP, or the user id
    // embedding through a linear projection; `auto` uses features when there are any.
    userContent: z
      .enum(['auto', 'features', 'id-projection'])
      .default('auto')
      .describe('User side of the content branch: user features through an MLP, or the user id embedding projected; auto: features when there are any'),
    fusionHidden: layerSizes([64, 32], "Hidden ReLU layers of the fusion MLP (fusion 'concat')"),
    gateHidden: layerSizes([16], "Hidden ReLU layers of the gate MLP (fusion 'gate')"),
    // `popularity`: log1p(training interactions of the item) / log1p(max), so 0 exactly for
    // cold items and 1 for the most popular. `confidence`: a learned per-item scalar
    // (zero-initialised, masked to 0 for cold items), which lets the gate learn its own
    // notion of trust in an id.
    gateSignal: z
      .enum(['popularity', 'confidence'])
      .default('popularity')
      .describe("The gate's warm/cold signal: log-scaled training popularity (0 for cold items), or a learned per-item confidence"),
    // With user features the gate is per (user, item); without them g depends on the item
    // only, and with gateMixes 'logits' the model is then factorised exactly (factors()),
    // so full ranking is one matrix product.
    gateUserFeatures: z.boolean().default(true).describe('The gate also sees user features (per user-item gate; without them it depends on the item only)'),
    // Item features let the gate trust ids more for some kinds of items, but among cold
    // items (same warm/cold signal) they make g vary from item to item, which reorders the
    // content branch's ranking.
    gateItemFeatures: z.boolean().default(true).describe('The gate sees item features'),
    // The item's id embedding, id bias and gate signal are zeroed for such an example. Cold
    // items never appear in training, so without this the gate only extrapolates to them;
    // with it the gate sees "no id signal" examples and learns to lean on content for them.
    itemIdDropout: z
      .number()
      .min(0)
      .lt(1)
      .default(0.1)
      .describe('Probability that a training example treats its item as cold (DropoutNet-style), so the gate learns to lean on content'),
    // probabilities: p = g sigmoid(collab) + (1-g) sigmoid(content), a mixture of experts;
    // the logit of p is the score. logits: score = g collab + (1-g) content, factorised when
    // the gate has no user inputs, but the gate is then not identifiable (a branch can grow
    // its logits to make up for a small weight), and in our cold-item test it ended higher
    // on cold items (0.974) than on warm ones (0.946).
    gateMixes: z
      .enum(['logits', 'probabilities'])
      .default('probabilities')
      .describe('What the gate mixes: branch probabilities (a mixture of experts) or logits (factorised without user gate inputs)'),
    // After collabInit 'ials' a high start (0.95) keeps the fused score at the solved
    // collaborative one while the content branch is still untrained; at 0.5 the first
    // epochs undo much of the solve.
    gateInit: z.number().gt(0).lt(1).default(0.5).describe("Where the gate starts (its output bias is logit(gateInit)); after collabInit 'ials', a high start keeps the solved collaborative score"),
    // Trained on all items every step, the content branch otherwise learns each warm item's
    // popularity from its rare feature values (title words) and ranks cold items that
    // share them too high.
    contentDropout: z.number().min(0).lt(1).default(0).describe("Dropout on the content towers' hidden units in training (keeps the content branch from learning warm items' popularity from rare words)"),
    initStd: initStd(0.05),
    collabInit: z
      .enum(['random', 'ials'])
      .default('random')
      .describe("Start of the collaborative branch (sum, gate): random, or the iALS solution by alternating least squares before epoch 1"),
    collabInitL2: z.number().min(0).default(10).describe("The l2 of the squared-loss training collabInit 'ials' stands in for (user rows λ, item rows λ·users/items)"),
    collabInitUnobservedWeight: z.number().min(0).default(0.3).describe("unobservedWeight of the iALS objective collabInit 'ials' solves"),
    collabInitSweeps: z.number().int().min(1).default(8).describe("Alternations of collabInit 'ials''s solve"),
  },
);

export const wideDeepArchitectureSchema = defineModel(
  'wide-deep',
  'neural',
  'Wide & Deep: a linear model over one-hot ids, sparse features and crosses, plus an MLP over id embeddings and dense features',
  {
    embeddingDim: width(16, 'Width of the user and item id embeddings of the deep part'),
    hidden: layerSizes([64, 32], 'Hidden ReLU layers of the deep MLP (its output layer is linear, width 1)'),
    crosses: z
      .array(z.enum(['user-item-features', 'user-id-item-features']))
      .default(['user-item-features', 'user-id-item-features'])
      .describe("Cross terms of the wide part: every user feature AND every item feature, and one weight per (user, item feature)"),
    initStd: initStd(0.01, 'the deep id embeddings (wide weights start at zero)'),
  },
);

export const deepFmArchitectureSchema = defineModel(
  'deepfm',
  'neural',
  'DeepFM: factorisation-machine pairwise interactions over id, feature and context embeddings plus a deep MLP sharing those embeddings',
  {
    embeddingDim: width(8, "Width k of every feature's latent vector, shared by the FM and the deep part"),
    hidden: layerSizes([64, 32], 'Hidden ReLU layers of the deep MLP (its output layer is linear, width 1)'),
    initStd: initStd(0.01, 'the latent vectors (first-order weights start at zero)'),
  },
);

export const twoTowerArchitectureSchema = defineModel(
  'two-tower',
  'neural',
  'Two towers: user (id emb + user features + context) and item (id emb + item features) MLPs, dot score; factorised for fast full ranking',
  {
    dim: width(32, 'Width of the tower outputs that are dotted'),
    idDim: width(32, 'Width of the user and item id embeddings fed into the towers'),
    userHidden: layerSizes([64], 'Hidden ReLU layers of the user tower'),
    itemHidden: layerSizes([64], 'Hidden ReLU layers of the item tower'),
    useIds: z.boolean().default(true).describe('Feed id embeddings into the towers (off: a pure feature model, needs features on both sides)'),
    normalize: z.boolean().default(false).describe('L2-normalise both tower outputs (cosine similarity), as is usual with sampled softmax'),
    temperature: z.number().positive().default(1).describe('The dot product is divided by this (useful with normalize)'),
    initStd: initStd(0.05),
  },
);

export const lightGcnArchitectureSchema = defineModel(
  'lightgcn',
  'neural',
  'LightGCN: K rounds of symmetric-normalised propagation over the user-item graph, layer-mean embeddings, dot score',
  {
    dim: width(64, 'Width of the node embeddings'),
    layers: z.number().int().min(0).default(3).describe('Number K of propagation layers (0 is plain MF)'),
    initStd: initStd(0.1, 'the layer-0 embeddings'),
  },
);

export const multVaeArchitectureSchema = defineModel(
  'mult-vae',
  'neural',
  'Mult-VAE / Mult-DAE (Liang et al. 2018): an autoencoder of the user history with a softmax over all items (train with loss multinomial); factorised scoring',
  {
    hidden: layerSizes([600], 'Hidden tanh layers of the encoder (the decoder mirrors them)'),
    latent: width(200, 'Width of the latent user code'),
    dropout: z.number().min(0).lt(1).default(0.5).describe('Dropout on the (L2-normalised) input history during training: the denoising'),
    variational: z.boolean().default(true).describe('true: Mult-VAE (Gaussian latent, KL term); false: Mult-DAE (deterministic, no KL)'),
    beta: z.number().min(0).default(0.2).describe("Largest weight of the KL term (the paper's anneal cap)"),
    annealSteps: z.number().int().min(0).default(2000).describe('Training steps over which the KL weight rises linearly from 0 to beta'),
  },
);

export type MfConfig = z.output<typeof mfArchitectureSchema.config>;
export type GmfConfig = z.output<typeof gmfArchitectureSchema.config>;
export type MlpConfig = z.output<typeof mlpArchitectureSchema.config>;
export type NeumfConfig = z.output<typeof neumfArchitectureSchema.config>;
export type ContentConfig = z.output<typeof contentArchitectureSchema.config>;
export type HybridConfig = z.output<typeof hybridArchitectureSchema.config>;
export type WideDeepConfig = z.output<typeof wideDeepArchitectureSchema.config>;
export type DeepFmConfig = z.output<typeof deepFmArchitectureSchema.config>;
export type TwoTowerConfig = z.output<typeof twoTowerArchitectureSchema.config>;
export type LightGcnConfig = z.output<typeof lightGcnArchitectureSchema.config>;
export type MultVaeConfig = z.output<typeof multVaeArchitectureSchema.config>;
