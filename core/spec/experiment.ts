import { z } from 'zod';

/**
 * The experiment spec: what a run stores and what the CLI and worker execute. The
 * notebook's config cells are parts of it (`data`, `features`, `model`, `train`,
 * `evaluate`); the executor assembles them. JSON Schemas for the editor are derived from
 * these definitions, so the notebook, the run record and validation share one source.
 */

export const csvFileSchema = z.object({
  path: z.string().describe('CSV file, relative to the spec or notebook file'),
  delimiter: z.string().optional().describe('Field delimiter; detected when absent'),
  header: z.boolean().optional().describe('First line is a header; detected when absent'),
  listSeparator: z.string().optional().describe('Separator inside list-valued fields, e.g. "|"'),
});

/** A CSV file of item or user attributes: its id column and the kinds of its attribute columns. */
function entityFileSchema(entity: 'Item' | 'User') {
  return csvFileSchema.extend({
    id: z.string().describe(`${entity} id column`),
    attributes: z.record(z.string(), z.enum(['text', 'categorical', 'multi', 'numeric', 'timestamp'])).optional(),
  });
}

export const csvImportSchema = z.object({
  interactions: csvFileSchema.extend({
    columns: z.object({
      user: z.string(),
      item: z.string(),
      rating: z.string().optional(),
      timestamp: z.string().optional(),
      context: z.array(z.string()).optional(),
    }),
  }),
  items: entityFileSchema('Item').optional(),
  users: entityFileSchema('User').optional(),
});

export const dataSpecSchema = z.object({
  source: z
    .enum(['sample', 'movielens-100k', 'csv', 'workspace'])
    .describe('Embedded synthetic sample, MovieLens 100K, CSV files, or a dataset imported into the workspace by name'),
  name: z.string().optional().describe('Name of a workspace dataset (source "workspace")'),
  path: z.string().optional().describe('Folder or zip (movielens-100k)'),
  sample: z
    .object({ seed: z.number().int().optional(), users: z.number().int().positive().optional(), items: z.number().int().positive().optional(), interactions: z.number().int().positive().optional() })
    .optional(),
  csv: csvImportSchema.optional(),
  implicit: z
    .object({ threshold: z.number().describe('Ratings >= threshold are positives; others are dropped') })
    .optional(),
  kcore: z.object({ users: z.number().int().min(0), items: z.number().int().min(0) }).optional(),
});

export const splitSpecSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('random'), ratios: z.tuple([z.number(), z.number(), z.number()]).default([0.8, 0.1, 0.1]) }),
  z.object({ kind: z.literal('leave-last-out') }),
  z.object({ kind: z.literal('temporal'), ratios: z.tuple([z.number(), z.number(), z.number()]).default([0.8, 0.1, 0.1]) }),
  z.object({
    kind: z.literal('cold-item'),
    holdout: z.number().gt(0).lt(1).default(0.2).describe('Share of items held out entirely (test)'),
    valid: z.number().min(0).lt(1).default(0).describe('Share of items held out for validation'),
  }),
  z.object({
    kind: z.literal('cold-user'),
    holdout: z.number().gt(0).lt(1).default(0.2),
    valid: z.number().min(0).lt(1).default(0),
    history: z.number().int().min(0).default(0).describe('Interactions of each cold user revealed for scoring'),
  }),
]);

export const modelSpecSchema = z
  .object({
    type: z.string().describe('Registered model type, e.g. ease, itemknn, neumf, hybrid'),
    tune: z.record(z.string(), z.array(z.any())).optional().describe('Grid of values per parameter, chosen on validation'),
  })
  .catchall(z.any());

export const evaluateSpecSchema = z.object({
  ks: z.array(z.number().int().positive()).default([5, 10, 20]),
  metric: z.string().default('ndcg@10').describe('Metric that tuning and early stopping maximise'),
  sampled: z.object({ negatives: z.number().int().positive() }).optional().describe('Sampled evaluation; results are labelled "sampled"'),
  segments: z.boolean().default(true),
  candidates: z.enum(['all', 'cold-items']).default('all').describe('Rank all items, or only the held-out cold items'),
  fallback: z
    .enum(['none', 'mostpop'])
    .optional()
    .describe('Users without any training interaction: ranked by the model ("none", the default) or by training popularity ("mostpop"); part of the protocol'),
});

export const experimentSpecSchema = z.object({
  name: z.string().default('run'),
  experiment: z.string().default('default'),
  seed: z.number().int().default(42),
  tags: z.record(z.string(), z.string()).optional(),
  data: dataSpecSchema,
  split: splitSpecSchema.default({ kind: 'random', ratios: [0.8, 0.1, 0.1] }),
  features: z.any().optional().describe('Feature pipeline (see core/features)'),
  model: modelSpecSchema,
  train: z.any().optional().describe('Training settings for neural models (see core/train)'),
  export: z.boolean().default(true).describe('Write a model bundle of a neural model into the run artifacts (loadBundle, reclab export)'),
  evaluate: evaluateSpecSchema.default({ ks: [5, 10, 20], metric: 'ndcg@10', segments: true, candidates: 'all' }),
});

export type CsvImportSpec = z.infer<typeof csvImportSchema>;
export type DataSpec = z.infer<typeof dataSpecSchema>;
export type SplitSpec = z.infer<typeof splitSpecSchema>;
export type ModelSpec = z.infer<typeof modelSpecSchema>;
export type EvaluateSpec = z.infer<typeof evaluateSpecSchema>;
export type ExperimentSpec = z.infer<typeof experimentSpecSchema>;
