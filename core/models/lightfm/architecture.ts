import * as tf from '@tensorflow/tfjs';
import { BugIndicatingError, InputError, Rng } from '../../util';
import { disposeVariables, variableFrom, variableSummary } from '../neural';
import type { ArchitectureBatch, ArchitectureDefinition, ArchitectureInputs, Factors, NeuralArchitecture } from '../neural';
import { lightfmModel, type LightfmConfig } from './config';
import { buildFeatureRows, type FeatureRows } from './feature-rows';
import { initParams, representAll, type LightfmParams } from './params';
import { scoreFactorised } from './scoring';

/**
 * A trained `lightfm` model as a NeuralArchitecture, for model bundles: core/export saves
 * an architecture's variables and rebuilds it from its spec and inputs with rows for new
 * users and items (architecture-state.ts), and fold-in fits a new user's id rows through
 * `score` (fold-in.ts). Training never goes through here: LightfmRecommender trains on
 * typed arrays and copies the result in with `assign`.
 *
 * The variables split each side's table at the identity columns, because the identity
 * tables grow with the entities (a new user or item appends a row) and the attribute
 * tables do not:
 *   lightfm/user_id_embedding [nUsers, d], lightfm/user_id_bias [nUsers, 1]   (userIdentity)
 *   lightfm/user_feature_embedding [userDim, d]     (user features)
 *   lightfm/item_id_embedding [nItems, d], lightfm/item_id_bias [nItems]          (itemIdentity)
 *   lightfm/item_feature_embedding [itemDim, d], lightfm/item_feature_bias [itemDim]  (item features)
 * A new entity's identity rows are zero, so it is scored from its attributes (and, for a
 * user with a history, from the id row fold-in fits).
 *
 * The user bias is zero for every trained user (pairwise training gives it no gradient,
 * and a per-user constant changes no ranking, so full ranking leaves it out). It is here
 * for fold-in: its loss is pointwise (BCE against sampled negatives), and without an
 * intercept of its own the new user's vector would spend itself shifting every score
 * down to the 1:4 label ratio (measured on the sample: the history fell against the
 * catalogue mean) instead of ranking the history up.
 */
export class LightfmArchitecture implements NeuralArchitecture {
  readonly type = 'lightfm';
  readonly variables: tf.Variable[];
  readonly userRows: FeatureRows;
  readonly itemRows: FeatureRows;
  private readonly tables: {
    userId?: tf.Variable;
    userIdBias?: tf.Variable;
    userFeature?: tf.Variable;
    itemId?: tf.Variable;
    itemIdBias?: tf.Variable;
    itemFeature?: tf.Variable;
    itemFeatureBias?: tf.Variable;
  };

  constructor(
    readonly config: LightfmConfig,
    inputs: ArchitectureInputs,
  ) {
    this.userRows = buildFeatureRows(inputs.nUsers, config.userIdentity, inputs.userFeatures, config.normalize);
    this.itemRows = buildFeatureRows(inputs.nItems, config.itemIdentity, inputs.itemFeatures, config.normalize);
    checkSides(this.userRows, this.itemRows);
    const d = config.components;
    const init = initParams(d, this.userRows, this.itemRows, new Rng(inputs.seed), config.initScale);
    const table = (name: string, values: Float32Array, rows: number, cols?: number) =>
      rows > 0 ? variableFrom(cols === undefined ? tf.tensor1d(values) : tf.tensor2d(values, [rows, cols]), `lightfm/${name}`) : undefined;
    const u = split(init.userEmbeddings, this.userRows, d);
    const i = split(init.itemEmbeddings, this.itemRows, d);
    const b = split(init.itemBiases, this.itemRows, 1);
    this.tables = {
      userId: table('user_id_embedding', u.identity, this.userRows.identityCols, d),
      // [nUsers, 1], not [nUsers]: fold-in masks its gradients row-wise as [rows, 1].
      userIdBias: table('user_id_bias', new Float32Array(this.userRows.identityCols), this.userRows.identityCols, 1),
      userFeature: table('user_feature_embedding', u.features, this.userRows.nCols - this.userRows.identityCols, d),
      itemId: table('item_id_embedding', i.identity, this.itemRows.identityCols, d),
      itemIdBias: table('item_id_bias', b.identity, this.itemRows.identityCols),
      itemFeature: table('item_feature_embedding', i.features, this.itemRows.nCols - this.itemRows.identityCols, d),
      itemFeatureBias: table('item_feature_bias', b.features, this.itemRows.nCols - this.itemRows.identityCols),
    };
    const t = this.tables;
    this.variables = [t.userId, t.userIdBias, t.userFeature, t.itemId, t.itemIdBias, t.itemFeature, t.itemFeatureBias].filter((v): v is tf.Variable => v !== undefined);
  }

  /** Sets every variable from trained typed arrays (shapes as `initParams` makes them for these rows). */
  assign(params: LightfmParams): void {
    const d = this.config.components;
    if (params.dim !== d || params.userEmbeddings.length !== this.userRows.nCols * d || params.itemEmbeddings.length !== this.itemRows.nCols * d) {
      throw new BugIndicatingError('LightfmArchitecture.assign: parameters do not match the feature rows');
    }
    const u = split(params.userEmbeddings, this.userRows, d);
    const i = split(params.itemEmbeddings, this.itemRows, d);
    const b = split(params.itemBiases, this.itemRows, 1);
    const t = this.tables;
    const set = (v: tf.Variable | undefined, values: Float32Array) => {
      if (v) tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
    };
    set(t.userId, u.identity);
    set(t.userIdBias, new Float32Array(this.userRows.identityCols));
    set(t.userFeature, u.features);
    set(t.itemId, i.identity);
    set(t.itemIdBias, b.identity);
    set(t.itemFeature, i.features);
    set(t.itemFeatureBias, b.features);
  }

  /** The variables' values as the typed arrays training works on. */
  params(): LightfmParams {
    const d = this.config.components;
    const t = this.tables;
    const read = (v: tf.Variable | undefined) => (v ? (v.dataSync() as Float32Array) : new Float32Array(0));
    return {
      dim: d,
      userEmbeddings: concat(read(t.userId), read(t.userFeature)),
      itemEmbeddings: concat(read(t.itemId), read(t.itemFeature)),
      itemBiases: concat(read(t.itemIdBias), read(t.itemFeatureBias)),
    };
  }

  /** Logits of (user, item) pairs; differentiable in the variables (fold-in fits a new user's id row through it). */
  score(batch: ArchitectureBatch): tf.Tensor1D {
    const users = batch.users.dataSync() as Int32Array;
    const items = batch.items.dataSync() as Int32Array;
    const t = this.tables;
    const u = sideRepresentation(this.userRows, users, batch.users, t.userId, t.userFeature);
    const i = sideRepresentation(this.itemRows, items, batch.items, t.itemId, t.itemFeature);
    const bias = sideBias(this.itemRows, items, batch.items, t.itemIdBias, t.itemFeatureBias);
    const logits = tf.add(tf.sum(tf.mul(u, i), 1), bias) as tf.Tensor1D;
    return t.userIdBias ? (tf.add(logits, tf.reshape(tf.gather(t.userIdBias, batch.users), [users.length])) as tf.Tensor1D) : logits;
  }

  /** User and item representations: full ranking multiplies them once (and core/export writes the item vectors out). */
  factors(): Factors {
    const p = this.params();
    const users = representAll(this.userRows, p.userEmbeddings, p.dim);
    const items = representAll(this.itemRows, p.itemEmbeddings, p.dim, p.itemBiases);
    return { dim: p.dim, users: users.vectors, items: items.vectors, itemBias: items.biases };
  }

  /** Ranks as LightfmRecommender does (scoreFactorised's sums, not a tf matMul), so a bundle's top-K equals the run's. */
  scoreFunction(): (users: Int32Array, out: Float32Array) => void {
    const f = this.factors();
    return (users, out) => scoreFactorised(f.users, f.items, f.itemBias, f.dim, users, out);
  }

  summary() {
    return variableSummary(this.type, this.variables);
  }

  dispose(): void {
    disposeVariables(this.variables);
  }
}

/** A model with neither identity nor attributes on a side has nothing to learn there. */
export function checkSides(users: FeatureRows, items: FeatureRows): void {
  if (users.nCols === 0) throw new InputError("lightfm: users have no features: keep userIdentity true or add user features to the spec's features section.", 'SPEC');
  if (items.nCols === 0) throw new InputError("lightfm: items have no features: keep itemIdentity true or add item features to the spec's features section.", 'SPEC');
}

/** A side's table cut at the identity columns (`width` values per column). */
function split(values: Float32Array, rows: FeatureRows, width: number): { identity: Float32Array; features: Float32Array } {
  const cut = rows.identityCols * width;
  return { identity: values.subarray(0, cut), features: values.subarray(cut) };
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * Each id's identity weight (`ids.length`) and attribute weights as a dense
 * `ids.length x attributes` block, from the CSR rows: the batches here are small
 * (fold-in: a user's history and some negatives), so dense is simplest.
 */
function batchWeights(rows: FeatureRows, ids: Int32Array): { identity: Float32Array; dense: Float32Array; width: number } {
  const width = rows.nCols - rows.identityCols;
  const identity = new Float32Array(ids.length);
  const dense = new Float32Array(ids.length * width);
  for (let r = 0; r < ids.length; r++) {
    for (let q = rows.indptr[ids[r]]; q < rows.indptr[ids[r] + 1]; q++) {
      const f = rows.indices[q];
      if (f < rows.identityCols) identity[r] = rows.values[q];
      else dense[r * width + f - rows.identityCols] = rows.values[q];
    }
  }
  return { identity, dense, width };
}

function sideRepresentation(rows: FeatureRows, ids: Int32Array, idTensor: tf.Tensor1D, idTable?: tf.Variable, featureTable?: tf.Variable): tf.Tensor2D {
  const w = batchWeights(rows, ids);
  const parts: tf.Tensor2D[] = [];
  if (idTable) parts.push(tf.mul(tf.gather(idTable, idTensor), tf.tensor2d(w.identity, [ids.length, 1])) as tf.Tensor2D);
  if (featureTable) parts.push(tf.matMul(tf.tensor2d(w.dense, [ids.length, w.width]), featureTable as tf.Tensor2D));
  return parts.length === 1 ? parts[0] : (tf.addN(parts) as tf.Tensor2D);
}

function sideBias(rows: FeatureRows, ids: Int32Array, idTensor: tf.Tensor1D, idBias?: tf.Variable, featureBias?: tf.Variable): tf.Tensor1D {
  const w = batchWeights(rows, ids);
  const parts: tf.Tensor1D[] = [];
  if (idBias) parts.push(tf.mul(tf.gather(idBias, idTensor), tf.tensor1d(w.identity)) as tf.Tensor1D);
  if (featureBias) parts.push(tf.reshape(tf.matMul(tf.tensor2d(w.dense, [ids.length, w.width]), tf.reshape(featureBias, [w.width, 1])), [ids.length]) as tf.Tensor1D);
  return parts.length === 1 ? parts[0] : (tf.addN(parts) as tf.Tensor1D);
}

/** Parses a `lightfm` config (the model spec with or without its `type`), naming every wrong key. */
export function parseLightfmConfig(input: unknown): LightfmConfig {
  const { type, ...config } = (input ?? {}) as Record<string, unknown>;
  if (type !== undefined && type !== 'lightfm') throw new InputError(`A lightfm model was given the spec of model type '${String(type)}'.`, 'SPEC');
  const r = lightfmModel.config.safeParse(config);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `${['model', ...i.path].join('.')}: ${i.message}`).join('; ');
  throw new InputError(`The lightfm model config is not valid: ${issues}.`, 'SPEC');
}

/** Registered as an architecture so a bundle can rebuild a trained `lightfm` model (see the class comment). */
export const lightfmArchitecture: ArchitectureDefinition<LightfmConfig> = {
  type: 'lightfm',
  description: 'LightFM-style factorised hybrid (scoring form for bundles): users and items are sums of identity and attribute embeddings.',
  build: (config, inputs) => new LightfmArchitecture(parseLightfmConfig(config), inputs),
};
