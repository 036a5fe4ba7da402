import { z } from 'zod';
import { isInputError } from '../util';
import './builtin';
import { parseTransformerConfig } from './registry';
import type { FeatureSide } from './types';

/** One transformer in a pipeline spec: `{type, ...config}`; the config is checked against the type's schema. */
export const featureTransformerSpecSchema = z.looseObject({
  type: z.string().min(1).describe('Registered transformer type: tfidf, categorical, multi-hot, numeric, temporal, context-categorical, svd'),
});
export type FeatureTransformerSpec = z.infer<typeof featureTransformerSpecSchema>;

const SIDES: readonly FeatureSide[] = ['user', 'item', 'context'];

/**
 * The `features` part of an experiment spec: transformers per side, applied in order and
 * concatenated. Example:
 * `{"item":[{"type":"tfidf","column":"title","maxFeatures":500}],"user":[{"type":"categorical","column":"occupation"}],"context":[{"type":"temporal","parts":["hour","weekday"]}]}`
 */
export const featurePipelineSpecSchema = z
  .strictObject({
    user: z.array(featureTransformerSpecSchema).default([]).describe('Transformers of user attributes (and user SVD factors)'),
    item: z.array(featureTransformerSpecSchema).default([]).describe('Transformers of item attributes (and item SVD factors)'),
    context: z.array(featureTransformerSpecSchema).default([]).describe('Transformers of the interaction context (time, device)'),
    seed: z.number().int().optional().describe('Seed of randomised transformers (SVD); defaults to 42'),
  })
  .superRefine((spec, ctx) => {
    for (const side of SIDES) {
      spec[side].forEach((entry, i) => {
        try {
          parseTransformerConfig(side, entry, `${side}[${i}]`);
        } catch (e) {
          if (!isInputError(e)) throw e;
          ctx.addIssue({ code: 'custom', message: e.message, path: [side, i] });
        }
      });
    }
  });
export type FeaturePipelineSpec = z.input<typeof featurePipelineSpecSchema>;
