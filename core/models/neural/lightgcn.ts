import * as tf from '@tensorflow/tfjs';
import { InputError, Rng } from '../../util';
import type { CsrMatrix } from '../../data';
import { disposeVariables, embeddingLookup, embeddingVariable, variableSummary } from './layers';
import { registerArchitecture } from './registry';
import type { ArchitectureDefinition, ArchitectureInputs, Factors, NeuralArchitecture } from './types';
import { checkSizes, interactionCounts, rowDot, warmMask, buildInScope, constantRows } from './content';
import { csrFromTriples, disposeSparse, sparseDenseMatMul, sparseTensors } from './sparse-matmul';
import type { LightGcnConfig } from '../../spec';

export type { LightGcnConfig };

/**
 * The user-item graph as a message list for gather + segment-sum: node ids are users
 * `0..nUsers-1` then items `nUsers..nUsers+nItems-1`; edge `e` sends `weight[e] *
 * E[source[e]]` to `target[e]`. Both directions of each interaction are present, with
 * the symmetric normalisation weight 1 / sqrt(deg(u) deg(i)) of D^-1/2 A D^-1/2.
 */
export interface NormalisedEdges {
  nodes: number;
  source: Int32Array;
  target: Int32Array;
  weight: Float32Array;
}

/** Builds the normalised adjacency D^-1/2 A D^-1/2 of the bipartite graph of `graph` (entries count as 1). */
export function normalisedEdges(graph: CsrMatrix): NormalisedEdges {
  const nUsers = graph.nRows;
  const nnz = graph.indices.length;
  const itemDegree = new Float64Array(graph.nCols);
  for (let p = 0; p < nnz; p++) itemDegree[graph.indices[p]]++;
  const source = new Int32Array(2 * nnz);
  const target = new Int32Array(2 * nnz);
  const weight = new Float32Array(2 * nnz);
  for (let u = 0; u < nUsers; u++) {
    const du = graph.indptr[u + 1] - graph.indptr[u];
    for (let p = graph.indptr[u]; p < graph.indptr[u + 1]; p++) {
      const i = nUsers + graph.indices[p];
      const w = 1 / Math.sqrt(du * itemDegree[graph.indices[p]]);
      source[2 * p] = i;
      target[2 * p] = u;
      weight[2 * p] = w;
      source[2 * p + 1] = u;
      target[2 * p + 1] = i;
      weight[2 * p + 1] = w;
    }
  }
  return { nodes: nUsers + graph.nCols, source, target, weight };
}

/**
 * LightGCN (He et al. 2020): layer-0 embeddings for all users and items, K rounds of
 * E_{k+1} = D^-1/2 A D^-1/2 E_k (a CSR sparse x dense product; no weights, no
 * nonlinearity), final embedding = mean of E_0..E_K, logit = dot.
 * Each score() call propagates the whole graph, as in the paper's training. Nodes with no
 * training edges are masked to zero (they would otherwise keep random noise).
 */
function buildLightGcn(config: LightGcnConfig, inputs: ArchitectureInputs): NeuralArchitecture {
  checkSizes('lightgcn', { dim: config.dim });
  if (!(Number.isInteger(config.layers) && config.layers >= 0)) throw new InputError(`lightgcn: 'layers' must be an integer >= 0, got ${JSON.stringify(config.layers)}.`, 'SPEC');
  if (!inputs.graph) throw new InputError(`lightgcn needs the training graph.`, 'SPEC');
  const { nUsers, nItems } = inputs;
  const counts = interactionCounts(inputs.graph, nUsers, nItems);
  const degree = new Float32Array(nUsers + nItems);
  degree.set(counts.users, 0);
  degree.set(counts.items, nUsers);
  const edges = normalisedEdges(inputs.graph);
  const nodeMask = warmMask(degree);
  // Row = target, column = source. The matrix is symmetric, so it is its own transpose
  // (the gradient of A x is A^T dy).
  const adjacency = sparseTensors(csrFromTriples(edges.nodes, edges.nodes, edges.target, edges.source, edges.weight));

  const rng = new Rng(inputs.seed);
  const embedding = embeddingVariable('lightgcn/embedding', nUsers + nItems, config.dim, rng, config.initStd);
  const variables = [embedding];

  /** Final (layer-mean) embeddings of all nodes. */
  const propagate = (): tf.Tensor2D =>
    tf.tidy(() => {
      let layer = tf.mul(embedding, nodeMask) as tf.Tensor2D;
      let total = layer;
      for (let k = 0; k < config.layers && edges.source.length > 0; k++) {
        layer = sparseDenseMatMul(adjacency, adjacency, layer);
        total = tf.add(total, layer);
      }
      return tf.div(total, config.layers + 1) as tf.Tensor2D;
    });

  return {
    type: 'lightgcn',
    variables,
    score: (batch, training) => {
      const itemNodes = tf.add(batch.items, tf.scalar(nUsers, 'int32')) as tf.Tensor1D;
      if (training) {
        // Looked up only so that the trainer's per-batch L2 penalty (which collects
        // embeddingLookup rows) falls on the batch's layer-0 rows, as in the paper.
        embeddingLookup(embedding, batch.users);
        embeddingLookup(embedding, itemNodes);
      }
      const all = propagate();
      return rowDot(constantRows(all, batch.users), constantRows(all, itemNodes));
    },
    factors: (): Factors => {
      const all = propagate();
      const values = all.dataSync() as Float32Array;
      all.dispose();
      return { dim: config.dim, users: values.slice(0, nUsers * config.dim), items: values.slice(nUsers * config.dim) };
    },
    summary: () => variableSummary('lightgcn', variables),
    dispose: () => {
      disposeVariables(variables);
      nodeMask.dispose();
      disposeSparse(adjacency);
    },
  };
}

/** The `lightgcn` architecture definition. */
export const lightGcnArchitecture: ArchitectureDefinition<LightGcnConfig> = {
  type: 'lightgcn',
  description: 'LightGCN: K rounds of symmetric-normalised propagation over the user-item graph, layer-mean embeddings, dot score.',
  needs: { graph: true },
  build: (config, inputs) => buildInScope(() => buildLightGcn(config, inputs)),
};

registerArchitecture(lightGcnArchitecture);
