import * as tf from '@tensorflow/tfjs';
import { InputError, Rng } from '../../util';
import type { CsrMatrix } from '../../data';
import {
  denseLayer,
  denseVariables,
  disposeVariables,
  embeddingLookup,
  embeddingVariable,
  mlpStack,
  variableFrom,
  variableSummary,
  type DenseLayer,
} from './layers';
import { registerArchitecture } from './registry';
import { applyDenseTo, applyMlpTo, featureTable, lookupRows, perDistinctId } from './feature-table';
import type { ArchitectureBatch, ArchitectureDefinition, ArchitectureInputs, Factors, NeuralArchitecture } from './types';
import type { ContentConfig } from '../../spec';

/*
 * The content tower, and the content / cold-start helpers the hybrid family shares
 * (hybrid, wide-deep, deepfm, two-tower, lightgcn): feature tables, interaction counts,
 * warm masks for id embeddings, row dot products, factor extraction.
 */

// ---------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------

/** A trainable `rows x dim` table of zeros (linear weights and biases that start at zero). */
export function zerosTable(name: string, rows: number, dim: number): tf.Variable {
  return variableFrom(tf.zeros([rows, dim]), name);
}

/** Training interactions per user and per item, from the train graph (stored entries, not values). */
export interface InteractionCounts {
  users: Float32Array;
  items: Float32Array;
}

/** Counts per user (row lengths) and per item (column counts) of the training graph. */
export function interactionCounts(graph: CsrMatrix, nUsers: number, nItems: number): InteractionCounts {
  if (graph.nRows !== nUsers || graph.nCols !== nItems) {
    throw new InputError(`The training graph is ${graph.nRows} x ${graph.nCols}; the model was built for ${nUsers} users x ${nItems} items.`, 'SPEC');
  }
  const users = new Float32Array(nUsers);
  for (let u = 0; u < nUsers; u++) users[u] = graph.indptr[u + 1] - graph.indptr[u];
  const items = new Float32Array(nItems);
  for (let p = 0; p < graph.indices.length; p++) items[graph.indices[p]]++;
  return { users, items };
}

/**
 * A constant `n x 1` mask: 1 for entities with training interactions, 0 for cold ones.
 * Id embeddings are multiplied by it on lookup, so a cold id contributes exactly zero
 * (no random-init noise, and no drift if a sampler ever draws it as a negative).
 */
export function warmMask(counts: Float32Array): tf.Tensor2D {
  const m = new Float32Array(counts.length);
  for (let k = 0; k < counts.length; k++) m[k] = counts[k] > 0 ? 1 : 0;
  return tf.keep(tf.tensor2d(m, [counts.length, 1]));
}

/**
 * Runs an architecture's build inside tf.tidy, so temporaries of initialisation (initial
 * values copied into variables) are freed. Variables survive a tidy; every constant the
 * architecture keeps (feature tables, masks, edge lists) must be created with `tf.keep`.
 */
export function buildInScope<T>(build: () => T): T {
  let built: T | undefined;
  tf.tidy(() => {
    built = build();
  });
  return built as T;
}

/**
 * Rows `ids` of a constant table (features, masks, graph signals). Not `embeddingLookup`:
 * that one reports its rows to the trainer's per-batch L2 penalty, which is meant for
 * trainable embeddings, not for data.
 */
export function constantRows(table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  return tf.gather(table, ids) as tf.Tensor2D;
}

/** Rows `ids` of a trainable id table, zeroed for cold ids when a mask is given. */
export function maskedLookup(table: tf.Variable, mask: tf.Tensor2D | undefined, ids: tf.Tensor1D): tf.Tensor2D {
  const rows = embeddingLookup(table, ids);
  return mask ? tf.mul(rows, constantRows(mask, ids)) : rows;
}

/** Row-wise dot product of two `batch x d` tensors. */
export function rowDot(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D {
  return tf.sum(tf.mul(a, b), 1) as tf.Tensor1D;
}

/** `batch x 1` -> `batch`. */
export function squeezeColumn(x: tf.Tensor2D): tf.Tensor1D {
  return tf.reshape(x, [-1]) as tf.Tensor1D;
}

/** The batch's context, or zeros (the ranking-time context) when the batch has none. */
export function batchContext(batch: ArchitectureBatch, contextDim: number): tf.Tensor2D {
  const n = batch.users.shape[0];
  if (!batch.context) return tf.zeros([n, contextDim]);
  if (batch.context.shape[0] !== n || batch.context.shape[1] !== contextDim) {
    throw new InputError(`The batch context is ${batch.context.shape.join(' x ')}; expected ${n} x ${contextDim}.`, 'SPEC');
  }
  return batch.context;
}

/** A tower: hidden ReLU layers, then a linear output layer of `outDim`. */
export function towerLayers(name: string, inDim: number, hidden: number[], outDim: number, rng: Rng): DenseLayer[] {
  const body = mlpStack(name, inDim, hidden, rng, 'relu');
  const last = hidden.length > 0 ? hidden[hidden.length - 1] : inDim;
  return [...body, denseLayer(`${name}/out`, last, outDim, rng, 'linear')];
}

/** Evaluates `fn` on all ids `0..n-1` in chunks (bounded memory) and returns the rows flattened. */
export function rowsForAll(n: number, dim: number, fn: (ids: tf.Tensor1D) => tf.Tensor2D, chunk = 4096): Float32Array {
  const out = new Float32Array(n * dim);
  for (let start = 0; start < n; start += chunk) {
    const end = Math.min(n, start + chunk);
    const values = tf.tidy(() => fn(tf.range(start, end, 1, 'int32') as tf.Tensor1D).dataSync() as Float32Array);
    out.set(values, start * dim);
  }
  return out;
}

/** Checks hidden-layer lists and sizes in a config, with a message naming the key. */
export function checkSizes(type: string, entries: Record<string, number | number[]>): void {
  for (const [key, v] of Object.entries(entries)) {
    const list = Array.isArray(v) ? v : [v];
    for (const s of list) {
      if (!(Number.isInteger(s) && s > 0)) throw new InputError(`${type}: '${key}' must be ${Array.isArray(v) ? 'a list of ' : ''}positive integers, got ${JSON.stringify(v)}.`, 'SPEC');
    }
  }
}

// ---------------------------------------------------------------------------------------
// The content tower
// ---------------------------------------------------------------------------------------

export type { ContentConfig };

/**
 * Pure content model: item vector = MLP(item features), user vector = id embedding (or
 * MLP(user features)), score = dot + a feature-linear item bias. Cold items get scores
 * from their feature rows; users without training interactions have their id vector
 * masked to zero and are ranked by the item bias alone.
 */
function buildContent(config: ContentConfig, inputs: ArchitectureInputs): NeuralArchitecture {
  checkSizes('content', { dim: config.dim, itemHidden: config.itemHidden, userHidden: config.userHidden });
  if (!inputs.itemFeatures) throw new InputError(`content needs item features; add an item feature pipeline to the spec.`, 'SPEC');
  if (config.user === 'features' && !inputs.userFeatures) {
    throw new InputError(`content with user: 'features' needs user features; add a user feature pipeline or set user: 'id'.`, 'SPEC');
  }
  const rng = new Rng(inputs.seed);
  const itemX = featureTable(inputs.itemFeatures, inputs.nItems, 'item');
  const userX = config.user === 'features' ? featureTable(inputs.userFeatures!, inputs.nUsers, 'user') : undefined;
  const userMask = config.user === 'id' && inputs.graph ? warmMask(interactionCounts(inputs.graph, inputs.nUsers, inputs.nItems).users) : undefined;

  const itemTower = towerLayers('content/item', inputs.itemFeatures.dim, config.itemHidden, config.dim, rng);
  const itemBias = denseLayer('content/item_bias', inputs.itemFeatures.dim, 1, rng, 'linear');
  const userTower = userX ? towerLayers('content/user', inputs.userFeatures!.dim, config.userHidden, config.dim, rng) : [];
  const userEmb = userX ? undefined : embeddingVariable('content/user_emb', inputs.nUsers, config.dim, rng, config.initStd);
  const variables = [...(userEmb ? [userEmb] : []), ...denseVariables(userTower), ...denseVariables(itemTower), ...denseVariables([itemBias])];

  // Towers over features run once per distinct id of a batch.
  const userVec = (users: tf.Tensor1D) =>
    userX ? perDistinctId(users, (d) => applyMlpTo(userTower, [lookupRows(userX, d)])) : maskedLookup(userEmb!, userMask, users);
  const itemVec = (items: tf.Tensor1D) => perDistinctId(items, (d) => applyMlpTo(itemTower, [lookupRows(itemX, d)]));
  const biasOf = (items: tf.Tensor1D) => squeezeColumn(applyDenseTo(itemBias, [lookupRows(itemX, items)]));

  return {
    type: 'content',
    variables,
    score: (batch) => tf.add(rowDot(userVec(batch.users), itemVec(batch.items)), biasOf(batch.items)) as tf.Tensor1D,
    factors: (): Factors => ({
      dim: config.dim,
      users: rowsForAll(inputs.nUsers, config.dim, userVec),
      items: rowsForAll(inputs.nItems, config.dim, itemVec),
      itemBias: rowsForAll(inputs.nItems, 1, (ids) => tf.reshape(biasOf(ids), [-1, 1]) as tf.Tensor2D),
    }),
    summary: () => variableSummary('content', variables),
    dispose: () => {
      disposeVariables(variables);
      itemX.dispose();
      userX?.dispose();
      userMask?.dispose();
    },
  };
}

/** The `content` architecture definition. */
export const contentArchitecture: ArchitectureDefinition<ContentConfig> = {
  type: 'content',
  description: 'Content tower: item features -> MLP -> vector, user id embedding (or user features -> MLP); dot score. Scores cold items from their features.',
  needs: { itemFeatures: true, graph: true },
  build: (config, inputs) => buildInScope(() => buildContent(config, inputs)),
};

registerArchitecture(contentArchitecture);
