import * as tf from '@tensorflow/tfjs';
import { InputError, Rng } from '../../util';
import {
  applyMultiInputDense,
  applyPairTower,
  disposeVariables,
  embeddingLookup,
  embeddingVariable,
  multiInputDenseLayer,
  multiInputDenseVariables,
  pairTower,
  pairTowerVariables,
  towerOverAllItems,
  variableSummary,
  type MultiInputDenseLayer,
  type PairTower,
} from './layers';
import { registerArchitecture } from './registry';
import type { ArchitectureBatch, ArchitectureDefinition, ArchitectureInputs, NeuralArchitecture } from './types';
import type { NeumfConfig } from '../../spec';

export type { NeumfConfig };

/**
 * NeuMF (He et al., NCF 2017): logit = w · concat(pu_g ⊙ qi_g, MLP(concat(pu_m, qi_m))) + b.
 * With the defaults it is exactly the network of the PyTorch reference benchmark. The
 * two concatenations are computed as sums of products with row blocks of the kernels
 * (the same function, without the slow concat/split ops), so the first MLP kernel and
 * the output kernel are stored as two variables each.
 */
export class NeumfArchitecture implements NeuralArchitecture {
  readonly type = 'neumf';
  readonly variables: tf.Variable[];
  private readonly gmfUser: tf.Variable;
  private readonly gmfItem: tf.Variable;
  private readonly mlpUser: tf.Variable;
  private readonly mlpItem: tf.Variable;
  private readonly tower: PairTower;
  private readonly out: MultiInputDenseLayer;

  constructor(
    readonly config: NeumfConfig,
    inputs: ArchitectureInputs,
  ) {
    if (config.layers.length === 0) throw new InputError('neumf.layers needs at least one hidden layer size, e.g. [64, 32, 16].', 'SPEC');
    const rng = new Rng(inputs.seed);
    const { nUsers, nItems } = inputs;
    this.gmfUser = embeddingVariable('neumf/gmf_user_embedding', nUsers, config.gmfDim, rng, config.initStd);
    this.gmfItem = embeddingVariable('neumf/gmf_item_embedding', nItems, config.gmfDim, rng, config.initStd);
    this.mlpUser = embeddingVariable('neumf/mlp_user_embedding', nUsers, config.mlpDim, rng, config.initStd);
    this.mlpItem = embeddingVariable('neumf/mlp_item_embedding', nItems, config.mlpDim, rng, config.initStd);
    this.tower = pairTower('neumf/mlp', config.mlpDim, config.layers, rng);
    const last = config.layers[config.layers.length - 1];
    this.out = multiInputDenseLayer('neumf/out', [config.gmfDim, last], 1, rng);
    this.variables = [
      this.gmfUser,
      this.gmfItem,
      this.mlpUser,
      this.mlpItem,
      ...pairTowerVariables(this.tower),
      ...multiInputDenseVariables([this.out]),
    ];
  }

  score(batch: ArchitectureBatch): tf.Tensor1D {
    const gmf = tf.mul(embeddingLookup(this.gmfUser, batch.users), embeddingLookup(this.gmfItem, batch.items)) as tf.Tensor2D;
    const h = applyPairTower(this.tower, embeddingLookup(this.mlpUser, batch.users), embeddingLookup(this.mlpItem, batch.items));
    return tf.reshape(applyMultiInputDense(this.out, [gmf, h]), [-1]) as tf.Tensor1D;
  }

  /**
   * Logits of every item for `users` (`users x nItems`), for full ranking. The GMF half is
   * a factorised product (the output weights fold into the user vector) and the MLP
   * tower's first layer is computed per user and per item, not per pair.
   */
  scoreAllItems(users: tf.Tensor1D): tf.Tensor2D {
    const nUsers = users.shape[0];
    const nItems = this.gmfItem.shape[0] as number;
    const [wGmf, wMlp] = this.out.kernels as tf.Tensor2D[];
    const gmfUsers = tf.mul(embeddingLookup(this.gmfUser, users), tf.reshape(wGmf, [1, -1])) as tf.Tensor2D;
    const gmf = tf.matMul(gmfUsers, this.gmfItem as tf.Tensor2D, false, true);
    const tower = towerOverAllItems(embeddingLookup(this.mlpUser, users), this.mlpItem, this.tower);
    const mlp = tf.reshape(tf.matMul(tower, wMlp), [nUsers, nItems]);
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
  build: (config, inputs) => new NeumfArchitecture(config, inputs),
};

registerArchitecture(neumfArchitecture);
