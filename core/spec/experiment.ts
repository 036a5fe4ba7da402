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

/*
 * The CSV mapping rejects unknown keys at every level: a misspelt key (`listSeperator`,
 * `atributes`, `time` for `timestamp`) silently dropped changes what is imported.
 */
const IN_MAPPING = 'in the CSV mapping';

/** How to read one CSV file. */
const csvFileShape = {
  path: z.string().describe('CSV file, relative to the mapping, spec or notebook file'),
  delimiter: z.string().optional().describe('Field delimiter; detected when absent'),
  header: z.boolean().optional().describe('First line is a header; detected when absent'),
  listSeparator: z.string().optional().describe('Separator inside list-valued (multi) fields, e.g. "|"'),
};

export const csvFileSchema = configObject(csvFileShape, IN_MAPPING, 'key');

export const ATTRIBUTE_KINDS = ['text', 'categorical', 'multi', 'numeric', 'timestamp'] as const;

/** A CSV file of item or user attributes, one row per entity: its id column and the kinds of its attribute columns. */
function entityFileSchema(entity: 'Item' | 'User') {
  return configObject(
    {
      ...csvFileShape,
      id: z.string().describe(`${entity} id column`),
      attributes: z
        .record(z.string(), z.enum(ATTRIBUTE_KINDS))
        .optional()
        .describe('Attribute columns and their kinds; every column but the id, kinds inferred, when absent'),
    },
    IN_MAPPING,
    'key',
  );
}

/** A long CSV file (several rows per entity, e.g. one per tag) gathered into one attribute. */
function longAttributeSchema(entity: 'Item' | 'User') {
  return configObject(
    {
      ...csvFileShape,
      id: z.string().describe(`${entity} id column; rows with the same id are gathered`),
      column: z.string().describe('Column whose values are gathered'),
      as: z.string().optional().describe('Name of the attribute; the column name when absent'),
      kind: z.enum(['multi', 'text']).describe('multi: the distinct values as a list; text: the values joined by spaces, in file order'),
    },
    IN_MAPPING,
    'key',
  );
}

export const csvImportSchema = configObject(
  {
    interactions: configObject(
      {
        ...csvFileShape,
        columns: configObject(
          {
            user: z.string().describe('User id column'),
            item: z.string().describe('Item id column'),
            rating: z.string().optional().describe('Rating column (numbers)'),
            timestamp: z.string().optional().describe('Time column: Unix seconds, milliseconds or ISO dates'),
            context: z.array(z.string()).optional().describe('Columns describing the circumstances of each interaction'),
          },
          IN_MAPPING,
          'key',
        ),
      },
      IN_MAPPING,
      'key',
    ),
    items: entityFileSchema('Item').optional(),
    users: entityFileSchema('User').optional(),
    itemAttributes: z.array(longAttributeSchema('Item')).optional().describe('Item attributes gathered from long files (several rows per item)'),
    userAttributes: z.array(longAttributeSchema('User')).optional().describe('User attributes gathered from long files (several rows per user)'),
  },
  IN_MAPPING,
  'key',
);

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
  fallback: z
    .enum(['none', 'mostpop'])
    .optional()
    .describe('Users without any training interaction: ranked by the model ("none", the default) or by training popularity ("mostpop"); part of the protocol'),
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
