import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../util';
import { applyDense, denseLayer, denseVariables, disposeVariables, embeddingLookup, embeddingVariable, variableSummary } from './layers';
import { registerArchitecture } from './registry';
import type { ArchitectureBatch, ArchitectureDefinition, ArchitectureInputs, NeuralArchitecture } from './types';
import type { GmfConfig } from '../../spec';

export type { GmfConfig };

/** GMF of He et al. (NCF, 2017). Still factorised: h folds into the user vector. */
export class GmfArchitecture implements NeuralArchitecture {
  readonly type = 'gmf';
  readonly variables: tf.Variable[];
  private readonly userEmb: tf.Variable;
  private readonly itemEmb: tf.Variable;
  private readonly out;

  constructor(
    readonly config: GmfConfig,
    inputs: ArchitectureInputs,
  ) {
    const rng = new Rng(inputs.seed);
    this.userEmb = embeddingVariable('gmf/user_embedding', inputs.nUsers, config.dim, rng, config.initStd);
    this.itemEmb = embeddingVariable('gmf/item_embedding', inputs.nItems, config.dim, rng, config.initStd);
    this.out = denseLayer('gmf/out', config.dim, 1, rng);
    this.variables = [this.userEmb, this.itemEmb, ...denseVariables([this.out])];
  }

  score(batch: ArchitectureBatch): tf.Tensor1D {
    const u = embeddingLookup(this.userEmb, batch.users);
    const i = embeddingLookup(this.itemEmb, batch.items);
    return tf.reshape(applyDense(this.out, tf.mul(u, i) as tf.Tensor2D), [-1]) as tf.Tensor1D;
  }

  factors() {
    const dim = this.config.dim;
    const h = this.out.kernel.dataSync();
    const users = (this.userEmb.dataSync() as Float32Array).slice();
    for (let p = 0; p < users.length; p++) users[p] *= h[p % dim];
    const b = this.out.bias.dataSync()[0];
    const items = this.itemEmb.dataSync() as Float32Array;
    return { dim, users, items, itemBias: new Float32Array(items.length / dim).fill(b) };
  }

  summary() {
    return variableSummary(this.type, this.variables);
  }

  dispose(): void {
    disposeVariables(this.variables);
  }
}

export const gmfArchitecture: ArchitectureDefinition<GmfConfig> = {
  type: 'gmf',
  description: 'Generalised matrix factorisation (NCF): a learned weighting of the element-wise product of user and item embeddings.',
  build: (config, inputs) => new GmfArchitecture(config, inputs),
};

registerArchitecture(gmfArchitecture);
