import * as tf from '@tensorflow/tfjs';
import { InputError, Rng } from '../../util';
import {
  applyDense,
  applyMlp,
  denseLayer,
  denseVariables,
  disposeVariables,
  embeddingLookup,
  embeddingVariable,
  reportWholeTable,
  variableSummary,
  type DenseLayer,
} from './layers';
import { solveIals } from './ials';
import { registerArchitecture } from './registry';
import type { ArchitectureBatch, ArchitectureDefinition, ArchitectureInputs, Factors, NeuralArchitecture, UserLogits } from './types';
import {
  interactionCounts,
  maskedLookup,
  rowDot,
  rowsForAll,
  squeezeColumn,
  towerLayers,
  warmMask,
  checkSizes,
  buildInScope,
  constantRows,
  zerosTable,
} from './content';
import { applyDenseTo, applyMlpTo, featureTable, lookupRows, perDistinctId, timesInputs, type LayerInput } from './feature-table';
import type { HybridConfig } from '../../spec';

/** How the collaborative and the content branch are fused. */
export type HybridFusion = HybridConfig['fusion'];

export type { HybridConfig };

/**
 * Collaborative branch (user and item id embeddings, id item bias) plus content branch
 * (item features -> MLP; user features -> MLP or projected user id embedding, feature item
 * bias), fused by `concat`, `sum` (LightFM-style) or `gate`: g * collab + (1 - g) *
 * content (over probabilities or logits, see `gateMixes`), g = sigmoid(MLP([item features,
 * warm/cold signal, user features?])). Id embeddings and id biases of users and items
 * without training interactions are masked to zero, so for cold items the collaborative
 * branch is its global bias (the base rate) and the content branch does the work.
 */
function buildHybrid(config: HybridConfig, inputs: ArchitectureInputs): NeuralArchitecture {
  const contentDim = config.contentDim ?? config.dim;
  checkSizes('hybrid', { dim: config.dim, contentDim, contentHidden: config.contentHidden, fusionHidden: config.fusionHidden, gateHidden: config.gateHidden });
  if (config.fusion === 'sum' && contentDim !== config.dim) {
    throw new InputError(`hybrid: fusion 'sum' adds content vectors to id embeddings, so contentDim (${contentDim}) must equal dim (${config.dim}); leave contentDim out.`, 'SPEC');
  }
  if (!['concat', 'sum', 'gate'].includes(config.fusion)) throw new InputError(`hybrid: fusion must be 'concat', 'sum' or 'gate', got '${config.fusion}'.`, 'SPEC');
  if (!['logits', 'probabilities'].includes(config.gateMixes)) throw new InputError(`hybrid: gateMixes must be 'logits' or 'probabilities', got '${config.gateMixes}'.`, 'SPEC');
  if (!['popularity', 'confidence'].includes(config.gateSignal)) throw new InputError(`hybrid: gateSignal must be 'popularity' or 'confidence', got '${config.gateSignal}'.`, 'SPEC');
  if (!(config.itemIdDropout >= 0 && config.itemIdDropout < 1)) throw new InputError(`hybrid: itemIdDropout must be in [0, 1), got ${config.itemIdDropout}.`, 'SPEC');
  if (!(config.contentDropout >= 0 && config.contentDropout < 1)) throw new InputError(`hybrid: contentDropout must be in [0, 1), got ${config.contentDropout}.`, 'SPEC');
  if (!(config.gateInit > 0 && config.gateInit < 1)) throw new InputError(`hybrid: gateInit must be in (0, 1), got ${config.gateInit}.`, 'SPEC');
  if (!['random', 'ials'].includes(config.collabInit)) throw new InputError(`hybrid: collabInit must be 'random' or 'ials', got '${config.collabInit}'.`, 'SPEC');
  if (config.collabInit === 'ials' && config.fusion === 'concat') {
    throw new InputError(`hybrid: collabInit 'ials' starts a dot-product collaborative branch (fusion 'sum' or 'gate'); fusion 'concat' has none. Use collabInit 'random'.`, 'SPEC');
  }
  if (!inputs.itemFeatures) throw new InputError(`hybrid needs item features for its content branch; add an item feature pipeline to the spec.`, 'SPEC');
  if (!inputs.graph) throw new InputError(`hybrid needs the training graph to tell warm from cold ids.`, 'SPEC');
  const userContent = config.userContent === 'auto' ? (inputs.userFeatures ? 'features' : 'id-projection') : config.userContent;
  if (userContent === 'features' && !inputs.userFeatures) {
    throw new InputError(`hybrid with userContent: 'features' needs user features; add a user feature pipeline or set userContent: 'id-projection'.`, 'SPEC');
  }
  const { nUsers, nItems, dim } = { nUsers: inputs.nUsers, nItems: inputs.nItems, dim: config.dim };
  const rng = new Rng(inputs.seed);
  const counts = interactionCounts(inputs.graph, nUsers, nItems);
  const itemX = featureTable(inputs.itemFeatures, nItems, 'item');
  const userX = inputs.userFeatures ? featureTable(inputs.userFeatures, nUsers, 'user') : undefined;
  const userMask = warmMask(counts.users);
  const itemMask = warmMask(counts.items);
  const allItems = tf.keep(tf.range(0, nItems, 1, 'int32') as tf.Tensor1D);
  const constants: tf.Tensor[] = [userMask, itemMask, allItems];

  // Collaborative branch.
  const userEmb = embeddingVariable('hybrid/user_emb', nUsers, dim, rng, config.initStd);
  const itemEmb = embeddingVariable('hybrid/item_emb', nItems, dim, rng, config.initStd);
  // Content branch.
  const itemTower = towerLayers('hybrid/item_content', inputs.itemFeatures.dim, config.contentHidden, contentDim, rng);
  const userTower: DenseLayer[] =
    userContent === 'features'
      ? towerLayers('hybrid/user_content', inputs.userFeatures!.dim, config.contentHidden, contentDim, rng)
      : [denseLayer('hybrid/user_projection', dim, contentDim, rng, 'linear')];
  const variables: tf.Variable[] = [userEmb, itemEmb, ...denseVariables(userTower), ...denseVariables(itemTower)];

  // `warm` is a per-example `batch x 1` column: 1 where the item's id signal is used, 0 for
  // cold items (and, in training, for items dropped by itemIdDropout).
  let dropoutCalls = 0;
  const warmOf = (items: tf.Tensor1D, training: boolean): tf.Tensor2D => {
    const known = constantRows(itemMask, items);
    if (!training || config.itemIdDropout === 0) return known;
    // Seeded per call, so a run repeats exactly for the same seed.
    const draw = tf.randomUniform([items.shape[0], 1], 0, 1, 'float32', inputs.seed * 7919 + ++dropoutCalls);
    return tf.mul(known, tf.cast(tf.greaterEqual(draw, config.itemIdDropout), 'float32'));
  };
  // `warmOf` for every item at once (`nItems x 1`): training drops whole items for the step.
  const warmAll = (training: boolean): tf.Tensor2D => {
    if (!training || config.itemIdDropout === 0) return itemMask;
    const draw = tf.randomUniform([nItems, 1], 0, 1, 'float32', inputs.seed * 7919 + ++dropoutCalls);
    return tf.mul(itemMask, tf.cast(tf.greaterEqual(draw, config.itemIdDropout), 'float32'));
  };
  const userId = (u: tf.Tensor1D) => maskedLookup(userEmb, userMask, u);
  const itemId = (i: tf.Tensor1D, warm: tf.Tensor2D) => tf.mul(embeddingLookup(itemEmb, i), warm) as tf.Tensor2D;
  // Content towers read features only, so they run once per distinct user or item of a batch.
  // A content tower over feature rows, with dropout on its hidden units in training.
  let contentDropoutCalls = 0;
  const tower = (layers: DenseLayer[], rows: LayerInput, training: boolean): tf.Tensor2D => {
    if (!training || config.contentDropout === 0) return applyMlpTo(layers, [rows]);
    let h = applyDenseTo(layers[0], [rows]);
    for (const layer of layers.slice(1)) h = applyDense(layer, tf.dropout(h, config.contentDropout, undefined, inputs.seed * 104729 + ++contentDropoutCalls) as tf.Tensor2D);
    return h;
  };
  const userContentVec = (u: tf.Tensor1D, training = false) =>
    userContent === 'features' ? perDistinctId(u, (d) => tower(userTower, lookupRows(userX!, d), training)) : applyMlp(userTower, userId(u));
  const itemContentVec = (i: tf.Tensor1D, training = false) => perDistinctId(i, (d) => tower(itemTower, lookupRows(itemX, d), training));
  // The user's content vector given the id rows `p` already looked up (all-items scoring looks them up once).
  const userContentFrom = (u: tf.Tensor1D, p: tf.Tensor2D, training: boolean) =>
    userContent === 'features' ? tower(userTower, lookupRows(userX!, u), training) : applyMlp(userTower, p);
  const itemContentAll = (training: boolean) => tower(itemTower, lookupRows(itemX, allItems), training);
  /** The item table under the trainer's L2 penalty whole, as MF's all-items scoring does. */
  const itemIdAll = (warm: tf.Tensor2D) => {
    reportWholeTable(itemEmb);
    return tf.mul(itemEmb, warm) as tf.Tensor2D;
  };

  // Item biases: an id bias (collaborative, masked for cold items) and a feature-linear one.
  let idBias: tf.Variable | undefined;
  let featureBias: DenseLayer | undefined;
  if (config.fusion !== 'concat') {
    idBias = zerosTable('hybrid/item_id_bias', nItems, 1);
    featureBias = denseLayer('hybrid/item_feature_bias', inputs.itemFeatures.dim, 1, rng, 'linear');
    variables.push(idBias, ...denseVariables([featureBias]));
  }
  const idBiasOf = (i: tf.Tensor1D, warm: tf.Tensor2D) => squeezeColumn(tf.mul(embeddingLookup(idBias!, i), warm));
  const featureBiasOf = (i: tf.Tensor1D) => squeezeColumn(applyDenseTo(featureBias!, [lookupRows(itemX, i)]));
  // Biases of all items as a `1 x nItems` row. The id biases stay out of the L2 penalty here, as MF's item bias does.
  const idBiasRow = (warm: tf.Tensor2D) => tf.reshape(tf.mul(idBias!, warm), [1, nItems]) as tf.Tensor2D;
  const featureBiasRow = () => tf.reshape(applyDenseTo(featureBias!, [lookupRows(itemX, allItems)]), [1, nItems]) as tf.Tensor2D;

  const activeUsers = counts.users.reduce((n, c) => n + (c > 0 ? 1 : 0), 0);
  const initialise =
    config.collabInit === 'ials'
      ? (log?: (line: string) => void) => {
          const t0 = performance.now();
          const f = solveIals(inputs.graph!, {
            dim,
            unobservedWeight: config.collabInitUnobservedWeight,
            userL2: config.collabInitL2,
            itemL2: (config.collabInitL2 * activeUsers) / nItems,
            sweeps: config.collabInitSweeps,
            cgSteps: 3,
            initStd: 0.1,
            seed: inputs.seed,
          });
          tf.tidy(() => {
            userEmb.assign(tf.tensor2d(f.users, [nUsers, dim]));
            itemEmb.assign(tf.tensor2d(f.items, [nItems, dim]));
            idBias!.assign(tf.tensor2d(f.itemBias, [nItems, 1]));
          });
          log?.(`hybrid: collaborative branch initialised by iALS (dim ${dim}, ${config.collabInitSweeps} sweeps, ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
        }
      : undefined;

  const base = {
    type: 'hybrid',
    variables,
    ...(initialise ? { initialise } : {}),
    summary: () => variableSummary('hybrid', variables),
    dispose: () => {
      disposeVariables(variables);
      for (const t of constants) t.dispose();
      itemX.dispose();
      userX?.dispose();
    },
  };

  if (config.fusion === 'concat') {
    const fusion = towerLayers('hybrid/fusion', 2 * dim + 2 * contentDim, config.fusionHidden, 1, rng);
    variables.push(...denseVariables(fusion));
    return {
      ...base,
      score: (batch, training) => {
        const warm = warmOf(batch.items, training);
        const x = tf.concat([userId(batch.users), itemId(batch.items, warm), userContentVec(batch.users, training), itemContentVec(batch.items, training)], 1) as tf.Tensor2D;
        return squeezeColumn(applyMlp(fusion, x));
      },
    };
  }

  if (config.fusion === 'sum') {
    const userVec = (u: tf.Tensor1D, training = false) => tf.add(userId(u), userContentVec(u, training)) as tf.Tensor2D;
    const itemVec = (i: tf.Tensor1D, warm: tf.Tensor2D, training = false) => tf.add(itemId(i, warm), itemContentVec(i, training)) as tf.Tensor2D;
    const biasOf = (i: tf.Tensor1D, warm: tf.Tensor2D) => tf.add(idBiasOf(i, warm), featureBiasOf(i)) as tf.Tensor1D;
    return {
      ...base,
      score: (batch, training) => {
        const warm = warmOf(batch.items, training);
        return tf.add(rowDot(userVec(batch.users, training), itemVec(batch.items, warm, training)), biasOf(batch.items, warm)) as tf.Tensor1D;
      },
      userLogits: (users, training): UserLogits => {
        const warm = warmAll(training);
        const p = userId(users);
        const items = tf.add(itemIdAll(warm), itemContentAll(training)) as tf.Tensor2D;
        const scores = tf.matMul(tf.add(p, userContentFrom(users, p, training)) as tf.Tensor2D, items, false, true);
        return { logits: tf.add(tf.add(scores, idBiasRow(warm)), featureBiasRow()) as tf.Tensor2D };
      },
      factors: (): Factors => ({
        dim,
        users: rowsForAll(nUsers, dim, userVec),
        items: rowsForAll(nItems, dim, (i) => itemVec(i, warmOf(i, false))),
        itemBias: rowsForAll(nItems, 1, (i) => tf.reshape(biasOf(i, warmOf(i, false)), [-1, 1]) as tf.Tensor2D),
      }),
    };
  }

  // Gate fusion.
  const gateUsesUser = config.gateUserFeatures && userX !== undefined;
  let signal: tf.Tensor2D | tf.Variable;
  if (config.gateSignal === 'popularity') {
    const maxLog = Math.log1p(counts.items.reduce((m, c) => Math.max(m, c), 0)) || 1;
    const pop = new Float32Array(nItems);
    for (let i = 0; i < nItems; i++) pop[i] = Math.log1p(counts.items[i]) / maxLog;
    signal = tf.keep(tf.tensor2d(pop, [nItems, 1]));
    constants.push(signal);
  } else {
    signal = zerosTable('hybrid/item_confidence', nItems, 1);
    variables.push(signal as tf.Variable);
  }
  const signalOf = (i: tf.Tensor1D, warm: tf.Tensor2D) =>
    tf.mul(config.gateSignal === 'popularity' ? constantRows(signal as tf.Tensor2D, i) : embeddingLookup(signal, i), warm) as tf.Tensor2D;
  const gateIn = (config.gateItemFeatures ? inputs.itemFeatures.dim : 0) + 1 + (gateUsesUser ? inputs.userFeatures!.dim : 0);
  const gateNet = towerLayers('hybrid/gate', gateIn, config.gateHidden, 1, rng);
  gateNet[gateNet.length - 1].bias.assign(tf.fill([1], Math.log(config.gateInit / (1 - config.gateInit))));
  // The collaborative branch's global bias is its whole score for an item without id
  // signal. Without it that score is a logit of 0 (probability 1/2), which on implicit
  // data with sampled negatives is an over-confident guess, and the gate learns to pick
  // it over content; with it, "no id signal" means "the base rate".
  const collabBias = zerosTable('hybrid/collab_bias', 1, 1);
  variables.push(...denseVariables(gateNet), collabBias);
  // The fused score of gate g over the two branches' logits (any matching shapes, broadcast).
  const mix = <T extends tf.Tensor>(g: tf.Tensor, collab: T, content: T): T =>
    config.gateMixes === 'probabilities' ? mixtureLogit(g, collab, content) : (tf.add(tf.mul(g, collab), tf.mul(tf.sub(1, g), content)) as T);

  const gateOf = (users: tf.Tensor1D, items: tf.Tensor1D, warm: tf.Tensor2D): tf.Tensor1D => {
    const parts: LayerInput[] = config.gateItemFeatures ? [lookupRows(itemX, items), signalOf(items, warm)] : [signalOf(items, warm)];
    if (gateUsesUser) parts.push(lookupRows(userX!, users));
    return tf.sigmoid(squeezeColumn(applyMlpTo(gateNet, parts)));
  };
  // The gate of every (user in `users`, item) pair, `users x nItems`, or `1 x nItems` when it
  // reads no user input. With user features, the first layer's item part is computed once per
  // item and its user part once per user, and only the hidden units are formed per pair.
  const gateAll = (users: tf.Tensor1D, warm: tf.Tensor2D): tf.Tensor2D => {
    const signalAll = tf.mul(signal, warm) as tf.Tensor2D;
    if (config.gateSignal === 'confidence') reportWholeTable(signal as tf.Variable);
    const itemParts: LayerInput[] = config.gateItemFeatures ? [lookupRows(itemX, allItems), signalAll] : [signalAll];
    if (!gateUsesUser) return tf.reshape(tf.sigmoid(applyMlpTo(gateNet, itemParts)), [1, nItems]) as tf.Tensor2D;
    const [first, ...rest] = gateNet;
    const itemRows = (config.gateItemFeatures ? itemX.dim : 0) + 1;
    const hidden = first.outDim;
    const itemPart = timesInputs(itemParts, tf.slice(first.kernel, [0, 0], [itemRows, hidden]) as tf.Tensor2D);
    const userPart = tf.add(userX!.times(users, tf.slice(first.kernel, [itemRows, 0], [userX!.dim, hidden]) as tf.Tensor2D), first.bias);
    const b = users.shape[0];
    let h: tf.Tensor = tf.add(tf.reshape(userPart, [b, 1, hidden]), tf.reshape(itemPart, [1, nItems, hidden]));
    if (first.activation === 'relu') h = tf.relu(h);
    else if (first.activation !== 'linear') throw new Error(`hybrid gate: unexpected activation ${first.activation}`);
    return tf.reshape(tf.sigmoid(applyMlp(rest, tf.reshape(h, [b * nItems, hidden]) as tf.Tensor2D)), [b, nItems]) as tf.Tensor2D;
  };
  const collabScore = (b: ArchitectureBatch, warm: tf.Tensor2D) =>
    tf.add(tf.add(rowDot(userId(b.users), itemId(b.items, warm)), idBiasOf(b.items, warm)), tf.reshape(collabBias, [1])) as tf.Tensor1D;
  const contentScore = (b: ArchitectureBatch, training: boolean) =>
    tf.add(rowDot(userContentVec(b.users, training), itemContentVec(b.items, training)), featureBiasOf(b.items)) as tf.Tensor1D;

  // One forward pass: the fused logits and each branch's own logits (for auxiliary losses).
  const gatedForward = (batch: ArchitectureBatch, training: boolean) => {
    const warm = warmOf(batch.items, training);
    const g = gateOf(batch.users, batch.items, warm);
    const collab = collabScore(batch, warm);
    const content = contentScore(batch, training);
    return { logits: mix(g, collab, content), auxiliary: [collab, content] };
  };
  const gated: NeuralArchitecture = {
    ...base,
    score: (batch, training) => gatedForward(batch, training).logits,
    scoreWithAuxiliary: gatedForward,
    userLogits: (users, training): UserLogits => {
      const warm = warmAll(training);
      const p = userId(users);
      const collab = tf.add(tf.add(tf.matMul(p, itemIdAll(warm), false, true), idBiasRow(warm)), collabBias) as tf.Tensor2D;
      const content = tf.add(tf.matMul(userContentFrom(users, p, training), itemContentAll(training), false, true), featureBiasRow()) as tf.Tensor2D;
      return { logits: mix(gateAll(users, warm), collab, content), auxiliary: [collab, content] };
    },
    gate: (batch) => tf.tidy(() => gateOf(batch.users, batch.items, warmOf(batch.items, false))),
  };
  if (!gateUsesUser && config.gateMixes === 'logits') {
    // g depends on the item only, so g*(p.q + b) + (1-g)*(c_u.c_i + b') factorises exactly:
    // users [p, c_u], items [g q, (1-g) c_i], item bias g b + (1-g) b'.
    const itemGate = (i: tf.Tensor1D) => tf.reshape(gateOf(tf.zerosLike(i), i, warmOf(i, false)), [-1, 1]) as tf.Tensor2D;
    gated.factors = (): Factors => ({
      dim: dim + contentDim,
      users: rowsForAll(nUsers, dim + contentDim, (u) => tf.concat([userId(u), userContentVec(u)], 1) as tf.Tensor2D),
      items: rowsForAll(nItems, dim + contentDim, (i) => {
        const g = itemGate(i);
        return tf.concat([tf.mul(g, itemId(i, warmOf(i, false))), tf.mul(tf.sub(1, g), itemContentVec(i))], 1) as tf.Tensor2D;
      }),
      itemBias: rowsForAll(nItems, 1, (i) => {
        const g = itemGate(i);
        const collab = tf.add(tf.reshape(idBiasOf(i, warmOf(i, false)), [-1, 1]), collabBias);
        const b = tf.add(tf.mul(g, collab), tf.mul(tf.sub(1, g), tf.reshape(featureBiasOf(i), [-1, 1])));
        return b as tf.Tensor2D;
      }),
    });
  }
  return gated;
}

/**
 * Logit of the mixture g * sigmoid(a) + (1 - g) * sigmoid(b), computed in log space:
 * log p = logsumexp(log g + log sigmoid(a), log(1-g) + log sigmoid(b)), and log(1-p) alike.
 */
function mixtureLogit<T extends tf.Tensor>(g: tf.Tensor, a: T, b: T): T {
  const eps = 1e-7;
  const logG = tf.log(tf.add(g, eps));
  const log1mG = tf.log(tf.add(tf.sub(1, g), eps));
  // log sigmoid(x) = -softplus(-x); tf.logSigmoid's gradient reads a disposed tensor under variableGrads (tfjs 4.22).
  const logSig = (x: tf.Tensor) => tf.neg(tf.softplus(tf.neg(x)));
  // log(e^x + e^y) = y + softplus(x - y): exact and stable, and 3 element-wise ops where
  // logSumExp over a stacked pair cost ~10 (stack, max, equal, unstack...) forward and back.
  const logAddExp = (x: tf.Tensor, y: tf.Tensor) => tf.add(y, tf.softplus(tf.sub(x, y)));
  const logP = logAddExp(tf.add(logG, logSig(a)), tf.add(log1mG, logSig(b)));
  const logQ = logAddExp(tf.add(logG, logSig(tf.neg(a))), tf.add(log1mG, logSig(tf.neg(b))));
  return tf.sub(logP, logQ) as T;
}

/** The `hybrid` architecture definition. */
export const hybridArchitecture: ArchitectureDefinition<HybridConfig> = {
  type: 'hybrid',
  description:
    'Collaborative (id embeddings) + content (feature MLPs) branches fused by concat -> MLP, a LightFM-style sum, or a learned per-example gate g*collab + (1-g)*content that shifts cold items to content.',
  needs: { itemFeatures: true, graph: true },
  build: (config, inputs) => buildInScope(() => buildHybrid(config, inputs)),
};

registerArchitecture(hybridArchitecture);
