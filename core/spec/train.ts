import { z } from 'zod';
import { configObject, unknownTypeError, unknownTypeMessage } from './config-object';

/*
 * The `train` section (neural models; core/train runs it). Every setting has a default, so
 * `{}` is a complete section, and a parsed one records every value a run trained with.
 */

const LR_SCHEDULES = ['step', 'exponential'];

/** Learning-rate schedule: multiply by `gamma` every `every` epochs (step), or every epoch (exponential). */
export const lrScheduleSchema = z
  .discriminatedUnion(
    'type',
    [
      configObject(
        {
          type: z.literal('step').describe('Multiply the learning rate by gamma every `every` epochs'),
          every: z.number().int().min(1).describe('Epochs between decays'),
          gamma: z.number().positive().describe('Factor per decay, e.g. 0.5'),
        },
        "for learning-rate schedule 'step'",
        'setting',
      ),
      configObject(
        {
          type: z.literal('exponential').describe('Multiply the learning rate by gamma after every epoch'),
          gamma: z.number().positive().describe('Factor per epoch, e.g. 0.95'),
        },
        "for learning-rate schedule 'exponential'",
        'setting',
      ),
    ],
    { error: unknownTypeError((given) => unknownTypeMessage(given, 'learning-rate schedule', LR_SCHEDULES, `Schedules: ${LR_SCHEDULES.join(', ')}.`)) },
  )
  .describe('Learning-rate schedule; absent: constant');

export const optimizerSpecSchema = configObject(
  {
    type: z.enum(['adam', 'adagrad', 'sgd']).default('adam').describe('Optimiser'),
    lr: z.number().positive().default(0.001).describe('Learning rate'),
    beta1: z.number().min(0).max(1).optional().describe('Adam: decay of the first-moment estimate (default 0.9)'),
    beta2: z.number().min(0).max(1).optional().describe('Adam: decay of the second-moment estimate (default 0.999)'),
    epsilon: z.number().positive().optional().describe('Adam / Adagrad: added to the denominator for stability (default 1e-8 / 1e-10)'),
    momentum: z.number().min(0).max(1).optional().describe('SGD: momentum (default 0, plain SGD)'),
  },
  'in train.optimizer',
  'setting',
);

/** The `train` section of an experiment spec (neural models). Every field has a default. */
export const trainSpecSchema = configObject(
  {
    epochs: z.number().int().min(1).default(20).describe('Passes over the training positives'),
    batchSize: z.number().int().min(1).default(1024).describe('Positives (bpr, softmax), rows (bce) or users (multinomial, squared) per step'),
    optimizer: optimizerSpecSchema.default({ type: 'adam', lr: 0.001 }).describe('Optimiser and learning rate'),
    loss: z
      .enum(['bce', 'bpr', 'softmax', 'multinomial', 'squared'])
      .default('bce')
      .describe(
        'bce: pointwise with sampled negatives; bpr: pairwise; softmax: sampled softmax; multinomial: softmax over all items per user (mult-vae, mf, hybrid sum/gate); ' +
          'squared: the iALS objective over all items per user, sum over positives of (1 - s)^2 plus unobservedWeight x sum over all items of s^2',
      ),
    unobservedWeight: z.number().min(0).default(0.1).describe('Weight of the all-items term of the squared loss (iALS alpha_0)'),
    negatives: z.number().int().min(1).default(4).describe('Sampled negatives per positive'),
    negativeSampling: z.enum(['uniform', 'popularity']).default('uniform').describe('How negatives are drawn: uniformly, or by training popularity'),
    l2: z.number().min(0).default(0).describe('L2 penalty on the embedding rows each batch uses'),
    auxWeight: z
      .number()
      .min(0)
      .optional()
      .describe('Weight of the per-branch auxiliary losses of models that have them (gated hybrid); default 0.5 for those, 0 turns them off'),
    auxLoss: z
      .enum(['bce', 'bpr', 'softmax', 'multinomial', 'squared'])
      .optional()
      .describe('Loss of the per-branch auxiliary logits; default: loss. Another loss than loss only between the all-items losses (multinomial, squared)'),
    lrSchedule: lrScheduleSchema.optional().describe('Learning-rate schedule; absent: constant'),
    evalEvery: z.number().int().min(0).default(1).describe('Validate every N epochs (0: never)'),
    patience: z.number().int().min(1).default(3).describe('Evaluations without improvement before stopping'),
    metric: z.string().regex(/^ndcg@[1-9]\d*$/, 'metric must look like ndcg@10').default('ndcg@10').describe('Validation metric of early stopping (ndcg@K by full ranking)'),
    logEvery: z.number().int().min(1).default(50).describe('Report the step loss every N steps'),
    backend: z.enum(['tensorflow', 'wasm', 'cpu']).optional().describe('Preferred tfjs backend; default: the fastest that loads'),
  },
  'in the train section',
  'setting',
).describe('Training settings of neural models');

/** A train section as written (every setting optional). */
export type TrainSpecInput = z.input<typeof trainSpecSchema>;
/** A parsed train section (defaults filled in). */
export type TrainSpec = z.output<typeof trainSpecSchema>;
