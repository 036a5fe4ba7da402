import * as tf from '@tensorflow/tfjs';
import { InputError, Rng } from '../../util';
import { denseVariables, disposeVariables, embeddingLookup, embeddingVariable, variableSummary } from './layers';
import { registerArchitecture } from './registry';
import type { ArchitectureBatch, ArchitectureDefinition, ArchitectureInputs, Factors, NeuralArchitecture } from './types';
import { batchContext, checkSizes, constantRows, interactionCounts, rowDot, rowsForAll, towerLayers, warmMask, buildInScope } from './content';
import { applyMlpTo, featureTable, lookupRows, perDistinctId, type LayerInput } from './feature-table';
import type { TwoTowerConfig } from '../../spec';

export type { TwoTowerConfig };

/**
 * Two towers (YouTube / DSSM style). User tower: [user id emb, user features, context]
 * -> MLP -> dim; item tower: [item id emb, item features] -> MLP -> dim; logit = dot /
 * temperature. Factorised: `factors(userContext)` runs the towers once for all users and
 * items, each user's tower on that user's ranking context (the runner passes the context
 * of the user's latest training interaction); without one, on the all-zero context. Ids
 * without training interactions are masked to zero.
 */
function buildTwoTower(config: TwoTowerConfig, inputs: ArchitectureInputs): NeuralArchitecture {
  checkSizes('two-tower', { dim: config.dim, idDim: config.idDim, userHidden: config.userHidden, itemHidden: config.itemHidden });
  if (!(config.temperature > 0)) throw new InputError(`two-tower: temperature must be > 0, got ${config.temperature}.`, 'SPEC');
  if (!config.useIds && (!inputs.userFeatures || !inputs.itemFeatures)) {
    throw new InputError(`two-tower with useIds: false needs both user and item features; add feature pipelines or set useIds: true.`, 'SPEC');
  }
  if (config.useIds && !inputs.graph) throw new InputError(`two-tower needs the training graph to tell warm from cold ids.`, 'SPEC');
  const { nUsers, nItems, contextDim } = inputs;
  const rng = new Rng(inputs.seed);
  const counts = config.useIds ? interactionCounts(inputs.graph!, nUsers, nItems) : undefined;
  const userMask = counts ? warmMask(counts.users) : undefined;
  const itemMask = counts ? warmMask(counts.items) : undefined;
  const userX = inputs.userFeatures ? featureTable(inputs.userFeatures, nUsers, 'user') : undefined;
  const itemX = inputs.itemFeatures ? featureTable(inputs.itemFeatures, nItems, 'item') : undefined;
  const constants = [userMask, itemMask, userX, itemX].filter((t) => t !== undefined);

  const userEmb = config.useIds ? embeddingVariable('two-tower/user_emb', nUsers, config.idDim, rng, config.initStd) : undefined;
  const itemEmb = config.useIds ? embeddingVariable('two-tower/item_emb', nItems, config.idDim, rng, config.initStd) : undefined;
  const idDim = config.useIds ? config.idDim : 0;
  const userTower = towerLayers('two-tower/user', idDim + (inputs.userFeatures?.dim ?? 0) + contextDim, config.userHidden, config.dim, rng);
  const itemTower = towerLayers('two-tower/item', idDim + (inputs.itemFeatures?.dim ?? 0), config.itemHidden, config.dim, rng);
  const variables = [...(userEmb ? [userEmb] : []), ...(itemEmb ? [itemEmb] : []), ...denseVariables(userTower), ...denseVariables(itemTower)];

  const finish = (v: tf.Tensor2D, scale: number) => {
    const n = config.normalize ? tf.div(v, tf.add(tf.norm(v, 2, 1, true), 1e-12)) : v;
    return (scale === 1 ? n : tf.mul(n, scale)) as tf.Tensor2D;
  };
  // Id rows for the towers, not reported to the trainer's L2 penalty: the towers run once
  // per distinct id of a batch, and score() reports the batch's rows itself.
  const idRows = (table: tf.Variable, mask: tf.Tensor2D, ids: tf.Tensor1D) => tf.mul(constantRows(table as tf.Tensor as tf.Tensor2D, ids), constantRows(mask, ids)) as tf.Tensor2D;
  const userTowerOf = (users: tf.Tensor1D, context: tf.Tensor2D | undefined) => {
    const parts: LayerInput[] = [];
    if (userEmb) parts.push(idRows(userEmb, userMask!, users));
    if (userX) parts.push(lookupRows(userX, users));
    if (contextDim > 0) parts.push(context ?? tf.zeros([users.shape[0], contextDim]));
    return applyMlpTo(userTower, parts);
  };
  const itemTowerOf = (items: tf.Tensor1D) => {
    const parts: LayerInput[] = [];
    if (itemEmb) parts.push(idRows(itemEmb, itemMask!, items));
    if (itemX) parts.push(lookupRows(itemX, items));
    return applyMlpTo(itemTower, parts);
  };
  // A context makes the user tower's input per interaction, not per user.
  const userVec = (users: tf.Tensor1D, context: tf.Tensor2D | undefined, scale: number) =>
    finish(contextDim > 0 ? userTowerOf(users, context) : perDistinctId(users, (d) => userTowerOf(d, undefined)), scale);
  const itemVec = (items: tf.Tensor1D) => finish(perDistinctId(items, itemTowerOf), 1);
  const contextOf = (b: ArchitectureBatch) => (contextDim > 0 ? batchContext(b, contextDim) : undefined);

  return {
    type: 'two-tower',
    variables,
    score: (batch, training) => {
      if (training) {
        // Looked up only so that the trainer's per-batch L2 penalty falls on the batch's id rows.
        if (userEmb) embeddingLookup(userEmb, batch.users);
        if (itemEmb) embeddingLookup(itemEmb, batch.items);
      }
      return rowDot(userVec(batch.users, contextOf(batch), 1 / config.temperature), itemVec(batch.items));
    },
    factors: (userContext?: Float32Array): Factors => {
      if (userContext && userContext.length !== nUsers * contextDim) {
        throw new InputError(`two-tower: the user context has ${userContext.length} values; expected ${nUsers} users x ${contextDim} context columns.`, 'SPEC');
      }
      const table = userContext && contextDim > 0 ? tf.tensor2d(userContext, [nUsers, contextDim]) : undefined;
      try {
        return {
          dim: config.dim,
          users: rowsForAll(nUsers, config.dim, (u) => userVec(u, table ? constantRows(table, u) : undefined, 1 / config.temperature)),
          items: rowsForAll(nItems, config.dim, itemVec),
        };
      } finally {
        table?.dispose();
      }
    },
    summary: () => variableSummary('two-tower', variables),
    dispose: () => {
      disposeVariables(variables);
      for (const t of constants) t.dispose();
    },
  };
}

/** The `two-tower` architecture definition. */
export const twoTowerArchitecture: ArchitectureDefinition<TwoTowerConfig> = {
  type: 'two-tower',
  description: 'Two towers: user (id emb + user features + context) and item (id emb + item features) MLPs, dot score; factorised for fast full ranking.',
  needs: { graph: true },
  readsContext: true,
  build: (config, inputs) => buildInScope(() => buildTwoTower(config, inputs)),
};

registerArchitecture(twoTowerArchitecture);
