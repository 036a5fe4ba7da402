import * as tf from '@tensorflow/tfjs';
import { transposeCsr, type CsrMatrix } from '../../data';
import { InputError, Rng } from '../../util';
import { applyDense, denseLayer, reportWholeTable, denseVariables, disposeVariables, glorotUniformValues, variableFrom, variableSummary, zerosVariable, type DenseLayer } from './layers';
import { registerArchitecture } from './registry';
import { buildInScope, checkSizes, rowDot } from './content';
import { csrFromTriples, sparseDenseMatMul, sparseTensors } from './sparse-matmul';
import type { ArchitectureBatch, ArchitectureDefinition, ArchitectureInputs, Factors, NeuralArchitecture, UserLogits } from './types';
import type { MultVaeConfig } from '../../spec';

export type { MultVaeConfig };

/**
 * The user's training history as the input row: each of the user's n items weighs
 * 1/sqrt(n) (the L2-normalised row), kept with probability 1 - dropout and scaled by
 * 1/(1 - dropout) during training. Built host-side as a CSR batch (the input is
 * ~100 nonzeros of 1682 on ML-100K), together with its transpose for the gradient.
 */
function historyRows(graph: CsrMatrix, users: Int32Array, dropout: number, rng: Rng | undefined) {
  let nnz = 0;
  for (const u of users) nnz += graph.indptr[u + 1] - graph.indptr[u];
  const row = new Int32Array(nnz);
  const col = new Int32Array(nnz);
  const value = new Float32Array(nnz);
  const keepScale = rng && dropout > 0 ? 1 / (1 - dropout) : 1;
  let at = 0;
  users.forEach((u, r) => {
    const lo = graph.indptr[u];
    const hi = graph.indptr[u + 1];
    const w = hi > lo ? keepScale / Math.sqrt(hi - lo) : 0;
    for (let p = lo; p < hi; p++) {
      if (rng && dropout > 0 && rng.next() < dropout) continue;
      row[at] = r;
      col[at] = graph.indices[p];
      value[at] = w;
      at++;
    }
  });
  const csr = csrFromTriples(users.length, graph.nCols, row.subarray(0, at), col.subarray(0, at), value.subarray(0, at));
  // Not kept: the batch's matrices belong to the caller's tidy scope (the training step).
  return { a: sparseTensors(csr, false), aT: sparseTensors(transposeCsr(csr), false) };
}

/**
 * Mult-VAE / Mult-DAE: an autoencoder of each user's whole history, trained with the
 * multinomial likelihood over all items (train loss `multinomial`). Encoder: history row
 * -> tanh layers -> latent code (mean and log-variance for the VAE); decoder: code ->
 * tanh layers -> one logit per item. The last decoder layer is an item table, so the
 * model is factorised (user vector = the decoder's last hidden layer), and a new user's
 * vector comes from their history alone (the training graph, extended by a bundle).
 */
function buildMultVae(config: MultVaeConfig, inputs: ArchitectureInputs): NeuralArchitecture {
  checkSizes('mult-vae', { hidden: config.hidden, latent: config.latent });
  if (!(config.dropout >= 0 && config.dropout < 1)) throw new InputError(`mult-vae: 'dropout' must be in [0, 1), got ${JSON.stringify(config.dropout)}.`, 'SPEC');
  if (!(config.beta >= 0) || !(Number.isInteger(config.annealSteps) && config.annealSteps >= 0)) {
    throw new InputError(`mult-vae: 'beta' must be >= 0 and 'annealSteps' an integer >= 0, got ${config.beta} and ${config.annealSteps}.`, 'SPEC');
  }
  if (!inputs.graph) throw new InputError('mult-vae needs the training graph.', 'SPEC');
  const graph = inputs.graph;
  const { nItems } = inputs;
  const rng = new Rng(inputs.seed);
  const noise = rng.fork(101);
  const codeWidth = config.variational ? 2 * config.latent : config.latent;
  const encoderSizes = [...config.hidden, codeWidth];

  // The input layer is an item table (one row per item), so a bundle can grow it for new items.
  const inputKernel = variableFrom(tf.tensor2d(glorotUniformValues(rng, nItems, encoderSizes[0]), [nItems, encoderSizes[0]]), 'mult-vae/encoder_0/kernel');
  const inputBias = zerosVariable('mult-vae/encoder_0/bias', encoderSizes[0]);
  const encoder: DenseLayer[] = [];
  for (let k = 1; k < encoderSizes.length; k++) {
    const last = k === encoderSizes.length - 1;
    // The VAE's mean/log-variance layer is linear; Mult-DAE keeps tanh on its code (as the paper's code).
    encoder.push(denseLayer(`mult-vae/encoder_${k}`, encoderSizes[k - 1], encoderSizes[k], rng, last && config.variational ? 'linear' : 'tanh'));
  }
  const decoderSizes = [config.latent, ...[...config.hidden].reverse()];
  const decoder: DenseLayer[] = [];
  for (let k = 1; k < decoderSizes.length; k++) decoder.push(denseLayer(`mult-vae/decoder_${k - 1}`, decoderSizes[k - 1], decoderSizes[k], rng, 'tanh'));
  const outDim = decoderSizes[decoderSizes.length - 1];
  const outputKernel = variableFrom(tf.tensor2d(glorotUniformValues(rng, nItems, outDim), [nItems, outDim]), 'mult-vae/output/kernel');
  const outputBias = zerosVariable('mult-vae/output/bias', nItems);
  const variables = [inputKernel, inputBias, ...denseVariables(encoder), ...denseVariables(decoder), outputKernel, outputBias];
  let trainingSteps = 0;

  /** Decoder's last hidden layer per user (the user vector) and the KL term of the batch. */
  const userVectors = (users: Int32Array, training: boolean): { vectors: tf.Tensor2D; kl?: tf.Scalar } => {
    const rows = historyRows(graph, users, config.dropout, training ? noise : undefined);
    const first = tf.add(sparseDenseMatMul(rows.a, rows.aT, inputKernel as tf.Tensor2D), inputBias) as tf.Tensor2D;
    // Without hidden layers the input layer itself emits the VAE's (linear) mean and log-variance.
    let h = encoderSizes.length === 1 && config.variational ? first : (tf.tanh(first) as tf.Tensor2D);
    for (const layer of encoder) h = applyDense(layer, h);
    let code = h;
    let kl: tf.Scalar | undefined;
    if (config.variational) {
      const mu = tf.slice(h, [0, 0], [-1, config.latent]) as tf.Tensor2D;
      const logVar = tf.slice(h, [0, config.latent], [-1, config.latent]) as tf.Tensor2D;
      code = mu;
      if (training) {
        const eps = new Float32Array(users.length * config.latent);
        for (let k = 0; k < eps.length; k++) eps[k] = noise.normal();
        code = tf.add(mu, tf.mul(tf.tensor2d(eps, [users.length, config.latent]), tf.exp(tf.mul(logVar, 0.5)))) as tf.Tensor2D;
        kl = tf.mean(tf.mul(tf.sum(tf.sub(tf.add(tf.exp(logVar), tf.square(mu)), tf.add(logVar, 1)), 1), 0.5)) as tf.Scalar;
      }
    }
    let d = code;
    for (const layer of decoder) d = applyDense(layer, d);
    return { vectors: d, kl };
  };

  const klWeight = () => (config.annealSteps === 0 ? config.beta : Math.min(config.beta, (config.beta * trainingSteps) / config.annealSteps));

  const idsOf = (t: tf.Tensor1D) => t.dataSync() as Int32Array;

  return {
    type: 'mult-vae',
    variables,
    score: (batch: ArchitectureBatch, training: boolean) => {
      const { vectors } = userVectors(idsOf(batch.users), training);
      return tf.add(rowDot(vectors, tf.gather(outputKernel, batch.items) as tf.Tensor2D), tf.gather(outputBias, batch.items)) as tf.Tensor1D;
    },
    userLogits: (users: tf.Tensor1D, training: boolean): UserLogits => {
      const { vectors, kl } = userVectors(idsOf(users), training);
      // Reported whole, the item tables take the trainer's `l2` (weight decay, as the paper's `lam`).
      reportWholeTable(outputKernel);
      reportWholeTable(inputKernel);
      const logits = tf.add(tf.matMul(vectors, outputKernel, false, true), outputBias) as tf.Tensor2D;
      if (!training || !kl) return { logits };
      const weight = klWeight();
      trainingSteps++;
      return { logits, penalty: tf.mul(kl, weight) as tf.Scalar };
    },
    factors: (): Factors => {
      const all = Int32Array.from({ length: graph.nRows }, (_, u) => u);
      const users = tf.tidy(() => userVectors(all, false).vectors);
      try {
        return { dim: outDim, users: users.dataSync() as Float32Array, items: outputKernel.dataSync() as Float32Array, itemBias: outputBias.dataSync() as Float32Array };
      } finally {
        users.dispose();
      }
    },
    summary: () => variableSummary('mult-vae', variables),
    dispose: () => disposeVariables(variables),
  };
}

/** The `mult-vae` architecture definition (Mult-VAE, or Mult-DAE with `variational: false`). */
export const multVaeArchitecture: ArchitectureDefinition<MultVaeConfig> = {
  type: 'mult-vae',
  description: 'Mult-VAE / Mult-DAE: an autoencoder of the user history with a softmax over all items (train with loss multinomial); factorised scoring.',
  needs: { graph: true },
  build: (config, inputs) => buildInScope(() => buildMultVae(config, inputs)),
};

registerArchitecture(multVaeArchitecture);
