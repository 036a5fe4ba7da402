import * as tf from '@tensorflow/tfjs';
import { InputError, Rng } from '../../util';
import { denseVariables, disposeVariables, embeddingLookup, embeddingVariable, variableSummary } from './layers';
import { registerArchitecture } from './registry';
import type { ArchitectureDefinition, ArchitectureInputs, NeuralArchitecture } from './types';
import { batchContext, checkSizes, interactionCounts, maskedLookup, squeezeColumn, towerLayers, warmMask, buildInScope, zerosTable } from './content';
import { applyMlpTo, bilinear, featureTable, lookupRows, timesInputs, type LayerInput } from './feature-table';
import type { WideDeepConfig } from '../../spec';

export type { WideDeepConfig };

/**
 * Wide & Deep (Cheng et al. 2016). Wide: a linear model over one-hot user and item ids,
 * the (sparse, multi-hot) user/item feature rows, the context, and the configured
 * crosses. Deep: an MLP over [user emb, item emb, user features, item features, context].
 * Logit = wide + deep. Id weights of users/items without training interactions are
 * masked to zero, so cold items are scored by their features.
 */
function buildWideDeep(config: WideDeepConfig, inputs: ArchitectureInputs): NeuralArchitecture {
  checkSizes('wide-deep', { embeddingDim: config.embeddingDim, hidden: config.hidden });
  for (const c of config.crosses) {
    if (c !== 'user-item-features' && c !== 'user-id-item-features') {
      throw new InputError(`wide-deep: unknown cross '${c}'; use 'user-item-features' or 'user-id-item-features'.`, 'SPEC');
    }
  }
  if (!inputs.graph) throw new InputError(`wide-deep needs the training graph to tell warm from cold ids.`, 'SPEC');
  const { nUsers, nItems, contextDim } = inputs;
  const rng = new Rng(inputs.seed);
  const counts = interactionCounts(inputs.graph, nUsers, nItems);
  const userMask = warmMask(counts.users);
  const userWarm = counts.users.map((c) => (c > 0 ? 1 : 0));
  const itemMask = warmMask(counts.items);
  const userX = inputs.userFeatures ? featureTable(inputs.userFeatures, nUsers, 'user') : undefined;
  const itemX = inputs.itemFeatures ? featureTable(inputs.itemFeatures, nItems, 'item') : undefined;
  const du = inputs.userFeatures?.dim ?? 0;
  const di = inputs.itemFeatures?.dim ?? 0;
  const constants = [userMask, itemMask, userX, itemX].filter((t) => t !== undefined);

  // Wide part: linear terms start at zero, as a linear model would.
  const wideUser = zerosTable('wide-deep/wide_user', nUsers, 1);
  const wideItem = zerosTable('wide-deep/wide_item', nItems, 1);
  // One weight per feature and context column (the deep output layer's bias is the global bias).
  const wideDense = du + di + contextDim > 0 ? zerosTable('wide-deep/wide_features', du + di + contextDim, 1) : undefined;
  const crossFeatures = config.crosses.includes('user-item-features') && du > 0 && di > 0 ? zerosTable('wide-deep/cross_user_item_features', du, di) : undefined;
  const crossUserId = config.crosses.includes('user-id-item-features') && di > 0 ? zerosTable('wide-deep/cross_user_id_item_features', nUsers, di) : undefined;
  // Deep part.
  const userEmb = embeddingVariable('wide-deep/user_emb', nUsers, config.embeddingDim, rng, config.initStd);
  const itemEmb = embeddingVariable('wide-deep/item_emb', nItems, config.embeddingDim, rng, config.initStd);
  const deep = towerLayers('wide-deep/deep', 2 * config.embeddingDim + du + di + contextDim, config.hidden, 1, rng);
  const variables = [
    wideUser,
    wideItem,
    ...(wideDense ? [wideDense] : []),
    ...(crossFeatures ? [crossFeatures] : []),
    ...(crossUserId ? [crossUserId] : []),
    userEmb,
    itemEmb,
    ...denseVariables(deep),
  ];

  return {
    type: 'wide-deep',
    variables,
    score: (batch, training) => {
      const ctx = contextDim > 0 ? batchContext(batch, contextDim) : undefined;
      // Feature rows stay sparse: the wide weights and the deep first layer multiply only their nonzeros.
      const features: LayerInput[] = [];
      if (userX) features.push(lookupRows(userX, batch.users));
      if (itemX) features.push(lookupRows(itemX, batch.items));
      if (ctx) features.push(ctx);

      let wide = tf.add(squeezeColumn(maskedLookup(wideUser, userMask, batch.users)), squeezeColumn(maskedLookup(wideItem, itemMask, batch.items))) as tf.Tensor1D;
      if (wideDense) wide = tf.add(wide, squeezeColumn(timesInputs(features, wideDense as tf.Tensor2D)));
      // Crosses over the pairs of nonzeros only (x_u' W x_i, and W[u] · x_i for warm users).
      if (crossFeatures) wide = tf.add(wide, bilinear(lookupRows(userX!, batch.users), lookupRows(itemX!, batch.items), crossFeatures as tf.Tensor2D));
      if (crossUserId) {
        // Looked up only so that the trainer's per-batch L2 penalty falls on the batch's rows.
        if (training) embeddingLookup(crossUserId, batch.users);
        wide = tf.add(wide, bilinear({ ids: batch.users, size: nUsers, weight: userWarm }, lookupRows(itemX!, batch.items), crossUserId as tf.Tensor2D));
      }

      const deepOut = applyMlpTo(deep, [maskedLookup(userEmb, userMask, batch.users), maskedLookup(itemEmb, itemMask, batch.items), ...features]);
      return tf.add(wide, squeezeColumn(deepOut)) as tf.Tensor1D;
    },
    summary: () => variableSummary('wide-deep', variables),
    dispose: () => {
      disposeVariables(variables);
      for (const t of constants) t.dispose();
    },
  };
}

/** The `wide-deep` architecture definition. */
export const wideDeepArchitecture: ArchitectureDefinition<WideDeepConfig> = {
  type: 'wide-deep',
  description: 'Wide & Deep: a linear model over one-hot ids, sparse features and crosses, plus an MLP over id embeddings and dense features.',
  needs: { graph: true },
  readsContext: true,
  build: (config, inputs) => buildInScope(() => buildWideDeep(config, inputs)),
};

registerArchitecture(wideDeepArchitecture);
