import { z } from 'zod';
import { configObject, unknownTypeError, unknownTypeMessage } from './config-object';
import { featurePipelineSpecSchema } from './features';
import { modelSpecSchema } from './model';
import { trainSpecSchema } from './train';

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

const SPLIT_KINDS = ['random', 'leave-last-out', 'temporal', 'cold-item', 'cold-user'];
const splitKind = <S extends z.ZodRawShape>(kind: string, shape: S) => configObject(shape, `for split kind '${kind}'`, 'setting', ['kind']);
const ratios = () =>
  z.tuple([z.number(), z.number(), z.number()]).default([0.8, 0.1, 0.1]).describe('Shares of train, validation and test');

export const splitSpecSchema = z.discriminatedUnion(
  'kind',
  [
    splitKind('random', { kind: z.literal('random').describe("Per-user random split of each user's interactions"), ratios: ratios() }),
    splitKind('leave-last-out', { kind: z.literal('leave-last-out').describe("Each user's last interaction is test, the one before valid (by time)") }),
    splitKind('temporal', { kind: z.literal('temporal').describe('Global time cut-offs'), ratios: ratios() }),
    splitKind('cold-item', {
      kind: z.literal('cold-item').describe('Items held out entirely: item cold start'),
      holdout: z.number().gt(0).lt(1).default(0.2).describe('Share of items held out entirely (test)'),
      valid: z.number().min(0).lt(1).default(0).describe('Share of items held out for validation'),
    }),
    splitKind('cold-user', {
      kind: z.literal('cold-user').describe('Users held out entirely: user cold start'),
      holdout: z.number().gt(0).lt(1).default(0.2).describe('Share of users held out entirely (test)'),
      valid: z.number().min(0).lt(1).default(0).describe('Share of users held out for validation'),
      history: z.number().int().min(0).default(0).describe('Interactions of each cold user revealed for scoring'),
    }),
  ],
  { error: unknownTypeError((given) => unknownTypeMessage(given, 'split kind', SPLIT_KINDS, `Split kinds: ${SPLIT_KINDS.join(', ')}.`, 'kind'), 'kind') },
);

export const evaluateSpecSchema = z.object({
  ks: z.array(z.number().int().positive()).default([5, 10, 20]),
  metric: z.string().default('ndcg@10').describe('Metric that tuning and early stopping maximise'),
  sampled: z.object({ negatives: z.number().int().positive() }).optional().describe('Sampled evaluation; results are labelled "sampled"'),
  segments: z.boolean().default(true),
  candidates: z.enum(['all', 'cold-items']).default('all').describe('Rank all items, or only the held-out cold items'),
});

export const experimentSpecSchema = configObject({
  name: z.string().default('run'),
  experiment: z.string().default('default'),
  seed: z.number().int().default(42),
  tags: z.record(z.string(), z.string()).optional(),
  data: dataSpecSchema,
  split: splitSpecSchema.default({ kind: 'random', ratios: [0.8, 0.1, 0.1] }),
  features: featurePipelineSpecSchema.optional(),
  model: modelSpecSchema,
  train: trainSpecSchema.optional(),
  export: z.boolean().default(true).describe('Write a model bundle of a neural model into the run artifacts (loadBundle, reclab export)'),
  evaluate: evaluateSpecSchema.default({ ks: [5, 10, 20], metric: 'ndcg@10', segments: true, candidates: 'all' }),
}, 'in the experiment spec', 'key');

export type CsvImportSpec = z.infer<typeof csvImportSchema>;
export type DataSpec = z.infer<typeof dataSpecSchema>;
export type SplitSpec = z.infer<typeof splitSpecSchema>;
export type EvaluateSpec = z.infer<typeof evaluateSpecSchema>;
export type ExperimentSpec = z.infer<typeof experimentSpecSchema>;
