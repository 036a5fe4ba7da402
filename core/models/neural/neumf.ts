import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../util';
import {
  applyDense,
  applyMlp,
  denseLayer,
  denseVariables,
  disposeVariables,
  embeddingLookup,
  embeddingVariable,
  mlpStack,
  towerOverAllItems,
  variableSummary,
} from './layers';
import { registerArchitecture } from './registry';
import type { ArchitectureBatch, ArchitectureDefinition, ArchitectureInputs, NeuralArchitecture } from './types';

/** Config of `neumf`: GMF and MLP branches with separate embeddings, fused by one output layer. */
export interface NeumfConfig {
  gmfDim: number;
  mlpDim: number;
  /** MLP hidden sizes (ReLU); the first takes concat(user, item) of width 2 * mlpDim. */
  layers: number[];
  initStd: number;
}

/**
 * NeuMF (He et al., NCF 2017): logit = w · concat(pu_g ⊙ qi_g, MLP(concat(pu_m, qi_m))) + b.
 * With the defaults it is exactly the network of the PyTorch reference benchmark.
 */
export class NeumfArchitecture implements NeuralArchitecture {
  readonly type = 'neumf';
  readonly variables: tf.Variable[];
  private readonly gmfUser: tf.Variable;
  private readonly gmfItem: tf.Variable;
  private readonly mlpUser: tf.Variable;
  private readonly mlpItem: tf.Variable;
  private readonly tower;
  private readonly out;

  constructor(
    readonly config: NeumfConfig,
    inputs: ArchitectureInputs,
  ) {
    const rng = new Rng(inputs.seed);
    const { nUsers, nItems } = inputs;
    this.gmfUser = embeddingVariable('neumf/gmf_user_embedding', nUsers, config.gmfDim, rng, config.initStd);
    this.gmfItem = embeddingVariable('neumf/gmf_item_embedding', nItems, config.gmfDim, rng, config.initStd);
    this.mlpUser = embeddingVariable('neumf/mlp_user_embedding', nUsers, config.mlpDim, rng, config.initStd);
    this.mlpItem = embeddingVariable('neumf/mlp_item_embedding', nItems, config.mlpDim, rng, config.initStd);
    this.tower = mlpStack('neumf/mlp', 2 * config.mlpDim, config.layers, rng, 'relu');
    const last = config.layers.length > 0 ? config.layers[config.layers.length - 1] : 2 * config.mlpDim;
    this.out = denseLayer('neumf/out', config.gmfDim + last, 1, rng);
    this.variables = [this.gmfUser, this.gmfItem, this.mlpUser, this.mlpItem, ...denseVariables([...this.tower, this.out])];
  }

  score(batch: ArchitectureBatch): tf.Tensor1D {
    const gmf = tf.mul(embeddingLookup(this.gmfUser, batch.users), embeddingLookup(this.gmfItem, batch.items));
    const x = tf.concat([embeddingLookup(this.mlpUser, batch.users), embeddingLookup(this.mlpItem, batch.items)], 1) as tf.Tensor2D;
    const h = applyMlp(this.tower, x);
    return tf.reshape(applyDense(this.out, tf.concat([gmf, h], 1) as tf.Tensor2D), [-1]) as tf.Tensor1D;
  }

  /**
   * Logits of every item for `users` (`users x nItems`), for full ranking. The GMF half is
   * a factorised product (h folds into the user vector) and the MLP tower's first layer
   * is computed per user and per item, not per pair (see towerOverAllItems).
   */
  scoreAllItems(users: tf.Tensor1D): tf.Tensor2D {
    const nUsers = users.shape[0];
    const nItems = this.gmfItem.shape[0] as number;
    const g = this.config.gmfDim;
    const last = (this.out.kernel.shape[0] as number) - g;
    const wGmf = tf.reshape(tf.slice(this.out.kernel, [0, 0], [g, 1]), [1, g]);
    const wMlp = tf.slice(this.out.kernel, [g, 0], [last, 1]) as tf.Tensor2D;
    const gmf = tf.matMul(tf.mul(embeddingLookup(this.gmfUser, users), wGmf) as tf.Tensor2D, this.gmfItem as tf.Tensor2D, false, true);
    const mlp = tf.reshape(tf.matMul(towerOverAllItems(this.mlpUser, this.mlpItem, users, this.tower), wMlp), [nUsers, nItems]);
    return tf.add(tf.add(gmf, mlp), this.out.bias) as tf.Tensor2D;
  }

  summary() {
    return variableSummary(this.type, this.variables);
  }

  dispose(): void {
    disposeVariables(this.variables);
  }
}

export const neumfArchitecture: ArchitectureDefinition<NeumfConfig> = {
  type: 'neumf',
  description: 'NeuMF (NCF): a GMF branch and an MLP branch with their own embeddings, fused into one logit.',
  defaults: { gmfDim: 32, mlpDim: 32, layers: [64, 32, 16], initStd: 0.01 },
  build: (config, inputs) => new NeumfArchitecture(config, inputs),
};

registerArchitecture(neumfArchitecture);
