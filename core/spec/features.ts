import { z } from 'zod';
import { configObject, unknownTypeError, unknownTypeMessage } from './config-object';

/*
 * The `features` section: one config schema per feature transformer (core/features
 * registers the implementations under the same names and takes its config types from
 * here), and the pipeline that lists transformers per side.
 */

/** Where a transformer's output goes: per-user rows, per-item rows, or per-interaction context. */
export type FeatureSide = 'user' | 'item' | 'context';

/** Python's `(?u)\b\w\w+\b`: maximal runs of at least two Unicode word characters. */
export const DEFAULT_TOKEN_PATTERN = '[\\p{L}\\p{N}_]{2,}';

function isRegExp(source: string): boolean {
  try {
    new RegExp(source, 'gu');
    return true;
  } catch {
    return false;
  }
}

/** TF-IDF options with scikit-learn's `TfidfVectorizer` semantics (tfidf transformer, content-knn). */
const tfidfOptionsShape = {
  maxFeatures: z
    .number()
    .int()
    .positive()
    .nullable()
    .optional()
    .describe('Keep the terms of highest training corpus frequency (ties alphabetical); absent or null: all. The output is dense, so set this for long texts'),
  minDf: z.number().min(0).default(1).describe('Ignore terms in fewer training documents: a count (integer >= 1) or a proportion (< 1)'),
  maxDf: z.number().min(0).nullable().optional().describe('Ignore terms in more training documents: a count (integer >= 1) or a proportion; absent or null: no limit'),
  sublinearTf: z.boolean().default(false).describe('Use 1 + ln(tf) instead of the raw count'),
  norm: z.enum(['l2', 'none']).default('l2').describe('Row normalisation'),
  smoothIdf: z.boolean().default(true).describe('idf = ln((1+n)/(1+df)) + 1; false: ln(n/df) + 1'),
  lowercase: z.boolean().default(true).describe('Lowercase documents before tokenising'),
  tokenPattern: z
    .string()
    .refine(isRegExp, 'not a valid regular expression (compiled with flags gu)')
    .default(DEFAULT_TOKEN_PATTERN)
    .describe('Regular expression (flags gu) whose matches are the tokens; group 1 when it has a capturing group'),
};

/** TF-IDF options alone (content-knn's `tfidf`); every one has a default or may be absent. */
export const tfidfOptionsSchema = configObject(tfidfOptionsShape, 'for TF-IDF', 'option');
/** TF-IDF options as written (all optional). */
export type TfidfOptions = z.input<typeof tfidfOptionsSchema>;
/** TF-IDF options with defaults filled in. */
export type ResolvedTfidfOptions = z.output<typeof tfidfOptionsSchema>;

/** A transformer's config (without `type`) and its pipeline entry (with `type`), from one shape. */
function transformer<T extends string, S extends z.ZodRawShape>(type: T, description: string, shape: S) {
  const owner = `for feature transformer '${type}'`;
  return {
    type,
    description,
    config: configObject(shape, owner).describe(description),
    entry: configObject({ type: z.literal(type).describe(description), ...shape }, owner, 'parameter', ['type']).describe(description),
  };
}

export const tfidfFeature = transformer('tfidf', 'TF-IDF of a text attribute as dense rows, optionally limited to maxFeatures terms', {
  column: z.string().min(1).describe('Text attribute column (title, description)'),
  ...tfidfOptionsShape,
});

export const categoricalFeature = transformer('categorical', 'One-hot of a categorical attribute, with an out-of-vocabulary bucket and a minimum count', {
  column: z.string().min(1).describe('User or item attribute column'),
  minCount: z.number().int().min(1).default(1).describe('Values seen fewer times in training go to the OOV bucket'),
  maxCategories: z.number().int().positive().optional().describe('Keep at most this many values (most frequent first)'),
});

export const multiHotFeature = transformer('multi-hot', 'Multi-hot of a list attribute (genres, tags), with an out-of-vocabulary bucket', {
  column: z.string().min(1).describe('List-valued attribute column (genres, tags)'),
  minCount: z.number().int().min(1).default(1).describe('Tokens seen on fewer training entities go to the OOV bucket'),
  maxTokens: z.number().int().positive().optional().describe('Keep at most this many tokens (most frequent first)'),
});

export const numericFeature = transformer('numeric', 'Numeric attribute: standardise, min-max, log1p or quantile buckets, with a missing-value indicator', {
  column: z.string().min(1).describe('Numeric attribute column (age, year, price)'),
  scale: z
    .enum(['standard', 'minmax', 'log1p', 'bucketize', 'none'])
    .default('standard')
    .describe('standard: (x-mean)/std; minmax: (x-min)/(max-min); log1p: sign(x)·ln(1+|x|); bucketize: one-hot of quantile bucket'),
  buckets: z.number().int().min(2).max(1000).default(5).describe('Number of quantile buckets (bucketize only)'),
  missingIndicator: z.boolean().default(true).describe('Add a column that is 1 where the value is missing'),
});

export const temporalFeature = transformer('temporal', 'Interaction time: hour, weekday, month as sin/cos pairs, and log-scaled recency', {
  parts: z
    .array(z.enum(['hour', 'weekday', 'month', 'recency']))
    .min(1)
    .default(['hour', 'weekday', 'month', 'recency'])
    .describe('hour/weekday/month as sin/cos pairs; recency as log1p(hours since a reference time)'),
  recencyFrom: z
    .enum(['previous', 'cutoff'])
    .default('previous')
    .describe("previous: since the user's latest earlier TRAINING interaction; cutoff: since the last training timestamp"),
  utcOffsetMinutes: z.number().int().min(-720).max(840).default(0).describe('Clock of the hour/weekday/month parts (0 = UTC)'),
  missingIndicator: z.boolean().default(true).describe('Add a column that is 1 where the timestamp is missing'),
});

export const contextCategoricalFeature = transformer('context-categorical', 'One-hot of an interaction context column (device, place), with an out-of-vocabulary bucket', {
  column: z.string().min(1).describe('Interaction context column (device, place, session type)'),
  minCount: z.number().int().min(1).default(1).describe('Values seen in fewer training interactions go to the OOV bucket'),
  maxCategories: z.number().int().positive().optional().describe('Keep at most this many values (most frequent first)'),
});

export const svdFeature = transformer('svd', 'Collaborative features: randomized truncated SVD of the training interaction matrix', {
  k: z.number().int().min(1).max(1024).default(32).describe('Number of factors per user / item'),
  oversample: z.number().int().min(0).default(10).describe('Extra sketch columns of the randomized SVD'),
  powerIterations: z.number().int().min(0).max(20).default(4).describe('Power iterations (more = closer to the exact SVD)'),
  scaling: z.enum(['sqrt', 'none']).default('sqrt').describe('sqrt: U·S^½ and V·S^½ (dot products rebuild A); none: orthonormal U, V'),
  seed: z.number().int().optional().describe('Seed of the random sketch; defaults to the pipeline seed'),
});

export type TfidfFeatureConfig = z.output<typeof tfidfFeature.config>;
export type CategoricalConfig = z.output<typeof categoricalFeature.config>;
export type MultiHotConfig = z.output<typeof multiHotFeature.config>;
export type NumericConfig = z.output<typeof numericFeature.config>;
export type TemporalConfig = z.output<typeof temporalFeature.config>;
export type ContextCategoricalConfig = z.output<typeof contextCategoricalFeature.config>;
export type SvdConfig = z.output<typeof svdFeature.config>;

/** Every feature transformer schema by type. */
export const FEATURE_TRANSFORMER_SCHEMAS = {
  tfidf: tfidfFeature,
  categorical: categoricalFeature,
  'multi-hot': multiHotFeature,
  numeric: numericFeature,
  temporal: temporalFeature,
  'context-categorical': contextCategoricalFeature,
  svd: svdFeature,
} as const;

export type FeatureTransformerType = keyof typeof FEATURE_TRANSFORMER_SCHEMAS;

/** Which transformers each side of a pipeline takes: the one statement of a transformer's sides. */
const ENTITY_ENTRIES = [tfidfFeature.entry, categoricalFeature.entry, multiHotFeature.entry, numericFeature.entry, svdFeature.entry] as const;
const CONTEXT_ENTRIES = [temporalFeature.entry, contextCategoricalFeature.entry] as const;
const typesOf = (entries: readonly { shape: { type: z.ZodLiteral<string> } }[]) => entries.map((e) => e.shape.type.value as FeatureTransformerType);
const SIDE_TYPES: Record<FeatureSide, readonly FeatureTransformerType[]> = {
  user: typesOf(ENTITY_ENTRIES),
  item: typesOf(ENTITY_ENTRIES),
  context: typesOf(CONTEXT_ENTRIES),
};

/** The sides of a pipeline a transformer type may appear in. */
export function featureTransformerSides(type: FeatureTransformerType): FeatureSide[] {
  return (Object.keys(SIDE_TYPES) as FeatureSide[]).filter((side) => SIDE_TYPES[side].includes(type));
}

/** Says what is wrong with an entry's `type` on `side`: unknown (with the nearest), or meant for another side. */
function sideTypeMessage(side: FeatureSide, given: unknown): string {
  const own = SIDE_TYPES[side];
  if (typeof given === 'string' && given in FEATURE_TRANSFORMER_SCHEMAS) {
    const sides = featureTransformerSides(given as FeatureTransformerType);
    return `feature transformer '${given}' works on ${sides.join(' and ')} features, not ${side}; move it to the "${sides[0]}" list. Transformers for ${side} features: ${own.join(', ')}.`;
  }
  return unknownTypeMessage(given, 'feature transformer', own, `Transformers for ${side} features: ${own.join(', ')}.`);
}

function entityEntry(side: 'user' | 'item') {
  return z.discriminatedUnion('type', ENTITY_ENTRIES, { error: unknownTypeError((given) => sideTypeMessage(side, given)) });
}

/** One entry of the `user` or `item` list. */
export const entityFeatureEntrySchema = entityEntry('item');
/** One entry of the `context` list. */
export const contextFeatureEntrySchema = z.discriminatedUnion('type', CONTEXT_ENTRIES, { error: unknownTypeError((given) => sideTypeMessage('context', given)) });

/** One transformer in a pipeline spec: `{type, ...config}`. */
export type FeatureTransformerSpec = z.input<typeof entityFeatureEntrySchema> | z.input<typeof contextFeatureEntrySchema>;

/**
 * The `features` part of an experiment spec: transformers per side, applied in order and
 * concatenated. Example:
 * `{"item":[{"type":"tfidf","column":"title","maxFeatures":500}],"user":[{"type":"categorical","column":"occupation"}],"context":[{"type":"temporal","parts":["hour","weekday"]}]}`
 */
export const featurePipelineSpecSchema = configObject(
  {
    user: z.array(entityEntry('user')).default([]).describe('Transformers of user attributes (and user SVD factors), concatenated in order'),
    item: z.array(entityEntry('item')).default([]).describe('Transformers of item attributes (and item SVD factors), concatenated in order'),
    context: z.array(contextFeatureEntrySchema).default([]).describe('Transformers of the interaction context (time, device)'),
    seed: z.number().int().optional().describe("Seed of randomised transformers (SVD); defaults to the run's seed"),
  },
  'in the features section',
  'key',
).describe('Feature pipeline: transformers per side, fitted on the training part only');

/** A pipeline spec as written (lists may be absent). */
export type FeaturePipelineSpec = z.input<typeof featurePipelineSpecSchema>;
/** A pipeline spec with every transformer's defaults filled in. */
export type ParsedFeaturePipelineSpec = z.output<typeof featurePipelineSpecSchema>;
