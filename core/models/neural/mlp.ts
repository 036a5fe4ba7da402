import * as tf from '@tensorflow/tfjs';
import { InputError, Rng } from '../../util';
import {
  applyDense,
  applyPairTower,
  denseLayer,
  denseVariables,
  disposeVariables,
  embeddingLookup,
  embeddingVariable,
  pairTower,
  pairTowerVariables,
  towerOverAllItems,
  variableSummary,
  type DenseLayer,
  type PairTower,
} from './layers';
import { registerArchitecture } from './registry';
import type { ArchitectureBatch, ArchitectureDefinition, ArchitectureInputs, NeuralArchitecture } from './types';
import type { MlpConfig } from '../../spec';

export type { MlpConfig };

/** The MLP model of NCF: concat(user, item) -> ReLU stack -> one logit. */
export class MlpArchitecture implements NeuralArchitecture {
  readonly type = 'mlp';
  readonly variables: tf.Variable[];
  private readonly userEmb: tf.Variable;
  private readonly itemEmb: tf.Variable;
  private readonly tower: PairTower;
  private readonly out: DenseLayer;

  constructor(
    readonly config: MlpConfig,
    inputs: ArchitectureInputs,
  ) {
    const rng = new Rng(inputs.seed);
    this.userEmb = embeddingVariable('mlp/user_embedding', inputs.nUsers, config.dim, rng, config.initStd);
    this.itemEmb = embeddingVariable('mlp/item_embedding', inputs.nItems, config.dim, rng, config.initStd);
    if (config.layers.length === 0) throw new InputError('mlp.layers needs at least one hidden layer size, e.g. [64, 32, 16].', 'SPEC');
    this.tower = pairTower('mlp/tower', config.dim, config.layers, rng);
    this.out = denseLayer('mlp/out', config.layers[config.layers.length - 1], 1, rng);
    this.variables = [this.userEmb, this.itemEmb, ...pairTowerVariables(this.tower), ...denseVariables([this.out])];
  }

  score(batch: ArchitectureBatch): tf.Tensor1D {
    const h = applyPairTower(this.tower, embeddingLookup(this.userEmb, batch.users), embeddingLookup(this.itemEmb, batch.items));
    return tf.reshape(applyDense(this.out, h), [-1]) as tf.Tensor1D;
  }

  /** Logits of every item for `users` (`users x nItems`), for full ranking (see towerOverAllItems). */
  scoreAllItems(users: tf.Tensor1D): tf.Tensor2D {
    const nItems = this.itemEmb.shape[0] as number;
    const h = towerOverAllItems(embeddingLookup(this.userEmb, users), this.itemEmb, this.tower);
    return tf.reshape(applyDense(this.out, h), [users.shape[0], nItems]) as tf.Tensor2D;
  }

  summary() {
    return variableSummary(this.type, this.variables);
  }

  dispose(): void {
    disposeVariables(this.variables);
  }
}

export const mlpArchitecture: ArchitectureDefinition<MlpConfig> = {
  type: 'mlp',
  description: 'NCF MLP: user and item embeddings concatenated and passed through a ReLU tower to one logit.',
  build: (config, inputs) => new MlpArchitecture(config, inputs),
};

registerArchitecture(mlpArchitecture);
