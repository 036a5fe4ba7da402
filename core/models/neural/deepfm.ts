import * as tf from '@tensorflow/tfjs';
import { InputError, Rng } from '../../util';
import { applyMlp, denseVariables, disposeVariables, embeddingVariable, variableSummary } from './layers';
import { registerArchitecture } from './registry';
import type { ArchitectureDefinition, ArchitectureInputs, NeuralArchitecture } from './types';
import { batchContext, checkSizes, interactionCounts, maskedLookup, squeezeColumn, towerLayers, warmMask, buildInScope, zerosTable } from './content';
import { featureTable, lookupRows, timesInputs, type LayerInput } from './feature-table';
import type { DeepFmConfig } from '../../spec';

export type { DeepFmConfig };

/** One group of FM features: a one-hot id or a block of dense columns. */
interface Field {
  name: string;
  /** Latent vectors, one row per feature (id or column). */
  latent: tf.Variable;
  /** First-order weights, one per feature. */
  linear: tf.Variable;
}

/**
 * DeepFM (Guo et al. 2017). Features: the user id, the item id, every user and item
 * feature column and every context column, each with a first-order weight and a latent
 * vector v_j shared by both parts. FM part: sum_j w_j x_j + sum_{j<l} <v_j, v_l> x_j x_l,
 * computed as 0.5 * (|sum_j x_j v_j|^2 - sum_j x_j^2 |v_j|^2). Deep part: an MLP over the
 * field embeddings (user id, item id, and one sum-pooled x·V per feature block).
 * Logit = FM + deep. Ids without training interactions are masked to zero.
 */
function buildDeepFm(config: DeepFmConfig, inputs: ArchitectureInputs): NeuralArchitecture {
  checkSizes('deepfm', { embeddingDim: config.embeddingDim, hidden: config.hidden });
  if (!inputs.graph) throw new InputError(`deepfm needs the training graph to tell warm from cold ids.`, 'SPEC');
  const { nUsers, nItems, contextDim } = inputs;
  const k = config.embeddingDim;
  const rng = new Rng(inputs.seed);
  const counts = interactionCounts(inputs.graph, nUsers, nItems);
  const userMask = warmMask(counts.users);
  const itemMask = warmMask(counts.items);
  const userX = inputs.userFeatures ? featureTable(inputs.userFeatures, nUsers, 'user') : undefined;
  const itemX = inputs.itemFeatures ? featureTable(inputs.itemFeatures, nItems, 'item') : undefined;
  const constants = [userMask, itemMask, userX, itemX].filter((t) => t !== undefined);

  const field = (name: string, rows: number): Field => ({
    name,
    latent: embeddingVariable(`deepfm/${name}_latent`, rows, k, rng, config.initStd),
    linear: zerosTable(`deepfm/${name}_linear`, rows, 1),
  });
  const userField = field('user_id', nUsers);
  const itemField = field('item_id', nItems);
  const userFeatField = userX ? field('user_features', inputs.userFeatures!.dim) : undefined;
  const itemFeatField = itemX ? field('item_features', inputs.itemFeatures!.dim) : undefined;
  const contextField = contextDim > 0 ? field('context', contextDim) : undefined;
  const fields = [userField, itemField, userFeatField, itemFeatField, contextField].filter((f): f is Field => f !== undefined);
  const deep = towerLayers('deepfm/deep', fields.length * k, config.hidden, 1, rng);
  const variables = [...fields.flatMap((f) => [f.latent, f.linear]), ...denseVariables(deep)];

  return {
    type: 'deepfm',
    variables,
    score: (batch) => {
      // Per field: its pooled embedding sum_j x_j v_j, its first-order term, and
      // sum_j x_j^2 |v_j|^2 (the diagonal the FM identity subtracts).
      const embeddings: tf.Tensor2D[] = [];
      const firstOrder: tf.Tensor1D[] = [];
      const squares: tf.Tensor1D[] = [];
      const addId = (f: Field, mask: tf.Tensor2D, ids: tf.Tensor1D) => {
        const v = maskedLookup(f.latent, mask, ids);
        embeddings.push(v);
        firstOrder.push(squeezeColumn(maskedLookup(f.linear, mask, ids)));
        squares.push(tf.sum(tf.square(v), 1) as tf.Tensor1D);
      };
      // Feature blocks stay sparse: each product touches only the rows' nonzeros.
      const addBlock = (f: Field, x: LayerInput) => {
        embeddings.push(timesInputs([x], f.latent as tf.Tensor2D));
        firstOrder.push(squeezeColumn(timesInputs([x], f.linear as tf.Tensor2D)));
        const norms = tf.reshape(tf.sum(tf.square(f.latent), 1), [-1, 1]) as tf.Tensor2D;
        squares.push(squeezeColumn(x instanceof tf.Tensor ? tf.matMul(tf.square(x), norms) : x.table.times(x.ids, norms, true)));
      };
      addId(userField, userMask, batch.users);
      addId(itemField, itemMask, batch.items);
      if (userFeatField) addBlock(userFeatField, lookupRows(userX!, batch.users));
      if (itemFeatField) addBlock(itemFeatField, lookupRows(itemX!, batch.items));
      if (contextField) addBlock(contextField, batchContext(batch, contextDim));

      const total = tf.addN(embeddings);
      const pairwise = tf.mul(0.5, tf.sub(tf.sum(tf.square(total), 1), tf.addN(squares)));
      const deepOut = squeezeColumn(applyMlp(deep, tf.concat(embeddings, 1) as tf.Tensor2D));
      return tf.addN([tf.addN(firstOrder), pairwise, deepOut]) as tf.Tensor1D;
    },
    summary: () => variableSummary('deepfm', variables),
    dispose: () => {
      disposeVariables(variables);
      for (const t of constants) t.dispose();
    },
  };
}

/** The `deepfm` architecture definition. */
export const deepFmArchitecture: ArchitectureDefinition<DeepFmConfig> = {
  type: 'deepfm',
  description: 'DeepFM: factorisation-machine pairwise interactions over id, feature and context embeddings plus a deep MLP sharing those embeddings.',
  needs: { graph: true },
  readsContext: true,
  build: (config, inputs) => buildInScope(() => buildDeepFm(config, inputs)),
};

registerArchitecture(deepFmArchitecture);
