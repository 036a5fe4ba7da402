import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../util';
import { disposeVariables, embeddingLookup, embeddingVariable, reportWholeTable, variableSummary, zerosVariable } from './layers';
import { registerArchitecture } from './registry';
import type { ArchitectureBatch, ArchitectureDefinition, ArchitectureInputs, NeuralArchitecture, UserLogits } from './types';
import type { MfConfig } from '../../spec';

export type { MfConfig };

/** Matrix factorisation as a neural architecture (trains with BCE or BPR like the others). */
export class MfArchitecture implements NeuralArchitecture {
  readonly type = 'mf';
  readonly variables: tf.Variable[];
  private readonly userEmb: tf.Variable;
  private readonly itemEmb: tf.Variable;
  private readonly itemBias: tf.Variable;

  constructor(
    readonly config: MfConfig,
    inputs: ArchitectureInputs,
  ) {
    const rng = new Rng(inputs.seed);
    this.userEmb = embeddingVariable('mf/user_embedding', inputs.nUsers, config.dim, rng, config.initStd);
    this.itemEmb = embeddingVariable('mf/item_embedding', inputs.nItems, config.dim, rng, config.initStd);
    this.itemBias = zerosVariable('mf/item_bias', inputs.nItems);
    this.variables = [this.userEmb, this.itemEmb, this.itemBias];
  }

  score(batch: ArchitectureBatch): tf.Tensor1D {
    const u = embeddingLookup(this.userEmb, batch.users);
    const i = embeddingLookup(this.itemEmb, batch.items);
    return tf.add(tf.sum(tf.mul(u, i), 1), tf.gather(this.itemBias, batch.items)) as tf.Tensor1D;
  }

  /**
   * All items' logits for `users` (full softmax training). The item table goes through
   * under the trainer's L2 penalty whole, so it covers every item row each step.
   */
  userLogits(users: tf.Tensor1D): UserLogits {
    const u = embeddingLookup(this.userEmb, users);
    reportWholeTable(this.itemEmb);
    return { logits: tf.add(tf.matMul(u, this.itemEmb, false, true), this.itemBias) as tf.Tensor2D };
  }

  factors() {
    return {
      dim: this.config.dim,
      users: this.userEmb.dataSync() as Float32Array,
      items: this.itemEmb.dataSync() as Float32Array,
      itemBias: this.itemBias.dataSync() as Float32Array,
    };
  }

  summary() {
    return variableSummary(this.type, this.variables);
  }

  dispose(): void {
    disposeVariables(this.variables);
  }
}

export const mfArchitecture: ArchitectureDefinition<MfConfig> = {
  type: 'mf',
  description: 'Matrix factorisation: dot product of user and item embeddings plus an item bias.',
  build: (config, inputs) => new MfArchitecture(config, inputs),
};

registerArchitecture(mfArchitecture);
