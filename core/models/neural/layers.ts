import * as tf from '@tensorflow/tfjs';
import { InputError, Rng } from '../../util';
import type { ModelSummary } from '../types';

/**
 * Small building blocks for architectures that own raw `tf.Variable`s (no layers API):
 * seeded initialisers, embedding tables, dense layers and MLP stacks. Initial values
 * come from the seeded `Rng` in plain JS, so a seed gives the same weights on every
 * backend (tf.randomNormal's seed is backend-specific).
 */

/** Normal(0, std) values from `rng`, as a Float32Array of `n`. */
export function normalValues(rng: Rng, n: number, std: number): Float32Array {
  const out = new Float32Array(n);
  for (let k = 0; k < n; k++) out[k] = rng.normal() * std;
  return out;
}

/** Glorot (Xavier) uniform values for a `fanIn x fanOut` kernel, as Keras initialises Dense layers. */
export function glorotUniformValues(rng: Rng, fanIn: number, fanOut: number): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const out = new Float32Array(fanIn * fanOut);
  for (let k = 0; k < out.length; k++) out[k] = (rng.next() * 2 - 1) * limit;
  return out;
}

/** A trainable `rows x dim` embedding table, normal(0, std) initialised (std 0.01 as in NCF). */
export function embeddingVariable(name: string, rows: number, dim: number, rng: Rng, std = 0.01): tf.Variable {
  if (!(rows > 0 && dim > 0)) throw new InputError(`Embedding '${name}' needs rows > 0 and dim > 0, got ${rows} x ${dim}.`, 'SPEC');
  return variableFrom(tf.tensor2d(normalValues(rng, rows * dim, std), [rows, dim]), name);
}

/** A trainable vector of `n` zeros (biases). */
export function zerosVariable(name: string, n: number): tf.Variable {
  return variableFrom(tf.zeros([n]), name);
}

/** A trainable variable holding `init`'s values; `init` is disposed (the variable keeps the data). */
export function variableFrom(init: tf.Tensor, name: string): tf.Variable {
  const v = tf.variable(init, true, uniqueName(name));
  init.dispose();
  return v;
}

/**
 * Rows `ids` of `table` (an embedding lookup). Every architecture goes through this one
 * function, so a faster lookup or sparse-gradient path applies to all of them.
 */
export function embeddingLookup(table: tf.Tensor2D | tf.Variable, ids: tf.Tensor1D): tf.Tensor2D {
  const rows = tf.gather(table as tf.Tensor2D, ids) as tf.Tensor2D;
  lookupCollector?.push(rows);
  return rows;
}

let lookupCollector: tf.Tensor2D[] | undefined;

/**
 * Runs `f` and also returns every embedding row block looked up during it, so the
 * trainer can put an L2 penalty on the rows a batch used (as NCF and BPR do) without
 * knowing the architecture. Call inside the tidy/gradient scope that owns the tensors.
 */
export function collectLookups<T>(f: () => T): { result: T; lookups: tf.Tensor2D[] } {
  const previous = lookupCollector;
  const lookups: tf.Tensor2D[] = [];
  lookupCollector = lookups;
  try {
    return { result: f(), lookups };
  } finally {
    lookupCollector = previous;
  }
}

/** Activations a dense layer supports; `relu` and `linear` are fused into the matmul. */
export type Activation = 'linear' | 'relu' | 'sigmoid' | 'tanh';

/** A dense layer's variables: `y = act(x · kernel + bias)`. */
export interface DenseLayer {
  name: string;
  inDim: number;
  outDim: number;
  activation: Activation;
  kernel: tf.Variable;
  bias: tf.Variable;
}

/** A dense layer with a glorot-uniform kernel and zero bias. */
export function denseLayer(name: string, inDim: number, outDim: number, rng: Rng, activation: Activation = 'linear'): DenseLayer {
  if (!(inDim > 0 && outDim > 0)) throw new InputError(`Dense layer '${name}' needs positive sizes, got ${inDim} -> ${outDim}.`, 'SPEC');
  const kernel = variableFrom(tf.tensor2d(glorotUniformValues(rng, inDim, outDim), [inDim, outDim]), `${name}/kernel`);
  const bias = zerosVariable(`${name}/bias`, outDim);
  return { name, inDim, outDim, activation, kernel, bias };
}

/** Applies a dense layer to a `batch x inDim` input. */
export function applyDense(layer: DenseLayer, x: tf.Tensor2D): tf.Tensor2D {
  // One fused kernel (matmul + bias + relu) instead of three ops: fewer kernel launches
  // and intermediate tensors per step, which dominates at batch sizes around 1024.
  if (layer.activation === 'linear' || layer.activation === 'relu') {
    return tf.fused.matMul({ a: x, b: layer.kernel as tf.Tensor2D, bias: layer.bias, activation: layer.activation }) as tf.Tensor2D;
  }
  const y = tf.add(tf.matMul(x, layer.kernel as tf.Tensor2D), layer.bias) as tf.Tensor2D;
  return layer.activation === 'sigmoid' ? tf.sigmoid(y) : tf.tanh(y);
}

/** A stack of dense layers `inDim -> sizes[0] -> ... -> sizes[n-1]`, all with `activation`. */
export function mlpStack(name: string, inDim: number, sizes: number[], rng: Rng, activation: Activation = 'relu'): DenseLayer[] {
  const layers: DenseLayer[] = [];
  let d = inDim;
  sizes.forEach((s, k) => {
    layers.push(denseLayer(`${name}/dense_${k}`, d, s, rng, activation));
    d = s;
  });
  return layers;
}

/** Applies a stack of dense layers in order. */
export function applyMlp(layers: DenseLayer[], x: tf.Tensor2D): tf.Tensor2D {
  let h = x;
  for (const l of layers) h = applyDense(l, h);
  return h;
}

/**
 * The output of an MLP tower over concat(user row, item row) for every item and each of
 * `users`, as `users x nItems x last` flattened to `(users * nItems) x last`. The first
 * layer is split (concat(u, i) · W = u · W_top + i · W_bottom), so the item half is
 * computed once per item and the user half once per user instead of once per pair, and
 * no embedding is gathered per pair: full ranking does ~3x less work than scoring pairs.
 * Call inside tf.tidy.
 */
export function towerOverAllItems(userTable: tf.Variable, itemTable: tf.Variable, users: tf.Tensor1D, tower: DenseLayer[]): tf.Tensor2D {
  const [first, ...rest] = tower;
  const dim = userTable.shape[1] as number;
  const nItems = itemTable.shape[0] as number;
  const nUsers = users.shape[0];
  if (!first) {
    const u = tf.tile(tf.expandDims(embeddingLookup(userTable, users), 1), [1, nItems, 1]);
    const i = tf.tile(tf.expandDims(itemTable, 0), [nUsers, 1, 1]);
    return tf.reshape(tf.concat([u, i], 2), [nUsers * nItems, 2 * dim]);
  }
  const wTop = tf.slice(first.kernel, [0, 0], [dim, first.outDim]) as tf.Tensor2D;
  const wBottom = tf.slice(first.kernel, [dim, 0], [dim, first.outDim]) as tf.Tensor2D;
  const userPart = tf.add(tf.matMul(embeddingLookup(userTable, users), wTop), first.bias);
  const itemPart = tf.matMul(itemTable as tf.Tensor2D, wBottom);
  let h = tf.add(tf.reshape(userPart, [nUsers, 1, first.outDim]), tf.reshape(itemPart, [1, nItems, first.outDim]));
  h = first.activation === 'relu' ? tf.relu(h) : first.activation === 'sigmoid' ? tf.sigmoid(h) : first.activation === 'tanh' ? tf.tanh(h) : h;
  return applyMlp(rest, tf.reshape(h, [nUsers * nItems, first.outDim]) as tf.Tensor2D);
}

/** Variables of dense layers, kernel then bias per layer. */
export function denseVariables(layers: DenseLayer[]): tf.Variable[] {
  return layers.flatMap((l) => [l.kernel, l.bias]);
}

/** Summary rows, one per variable: name, shape and parameter count. */
export function variableSummary(type: string, variables: tf.Variable[]): ModelSummary {
  const layers = variables.map((v) => ({ name: v.name, shape: `[${v.shape.join(', ')}]`, parameters: v.size }));
  return { type, parameters: layers.reduce((s, l) => s + l.parameters, 0), layers };
}

/** Disposes variables that are still alive. */
export function disposeVariables(variables: tf.Variable[]): void {
  for (const v of variables) if (!v.isDisposed) v.dispose();
}

// tfjs variable names are global and must be unique; two models of one type may coexist.
let nameCounter = 0;
function uniqueName(name: string): string {
  return `${name}_${++nameCounter}`;
}
