import * as tf from '@tensorflow/tfjs';
import { InputError, Rng } from '../../util';
import type { ModelSummary } from '../types';
import { DENSE_GRAD_KERNEL, DENSE_KERNEL, PAIRWISE_SUM_KERNEL } from './kernel-names';

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
  const rows = gatherRows(table as tf.Tensor2D, ids);
  lookupCollector?.push(rows);
  return rows;
}

/**
 * `tf.gather(table, ids)` whose gradient is the UnsortedSegmentSum alone. tfjs's gather
 * gradient wraps it in two reshapes and two transposes and saves the whole table; with
 * four lookups a step that was 20 extra kernel calls. `ids` goes through `save`, which
 * keeps it for the backward pass even when it is an intermediate of the forward pass
 * (e.g. a `tf.range` over all rows); a closure would see it freed by then.
 */
function gatherRows(table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  const nRows = table.shape[0];
  const f = tf.customGrad(((t: tf.Tensor2D, save: tf.GradSaveFunc) => {
    save([ids]);
    return {
      value: tf.gather(t, ids),
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => tf.unsortedSegmentSum(dy, saved[0] as tf.Tensor1D, nRows),
    };
  }) as any);
  return f(table) as tf.Tensor2D;
}

let lookupCollector: tf.Tensor2D[] | undefined;

/**
 * Puts a whole trainable table under the trainer's L2 penalty, as if every row had been
 * looked up, for models that use all rows each step (a softmax over all items) without
 * copying the table through a gather.
 */
export function reportWholeTable(table: tf.Variable): void {
  lookupCollector?.push(table as tf.Tensor as tf.Tensor2D);
}

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
  if (layer.activation === 'linear' || layer.activation === 'relu') return denseOp([x], [layer.kernel], layer.bias, layer.activation);
  const y = tf.add(tf.matMul(x, layer.kernel as tf.Tensor2D), layer.bias) as tf.Tensor2D;
  return layer.activation === 'sigmoid' ? tf.sigmoid(y) : tf.tanh(y);
}

/**
 * A dense layer over several inputs without concatenating them:
 * `act(x_1 · W_1 + ... + x_n · W_n + b)` equals a dense layer over concat(x_1..x_n) whose
 * kernel is W_1..W_n stacked by rows. Concat and its gradient (split) are among the
 * slowest ops of the wasm backend (~1-2 ms each at batch 1024, slower than the matmul).
 */
export interface MultiInputDenseLayer {
  name: string;
  inDims: number[];
  outDim: number;
  activation: 'linear' | 'relu';
  kernels: tf.Variable[];
  bias: tf.Variable;
}

/** A multi-input dense layer, glorot-initialised as one `sum(inDims) x outDim` kernel split by rows. */
export function multiInputDenseLayer(name: string, inDims: number[], outDim: number, rng: Rng, activation: 'linear' | 'relu' = 'linear'): MultiInputDenseLayer {
  const fanIn = inDims.reduce((a, d) => a + d, 0);
  if (!(fanIn > 0 && outDim > 0 && inDims.every((d) => d > 0))) {
    throw new InputError(`Dense layer '${name}' needs positive sizes, got [${inDims.join(', ')}] -> ${outDim}.`, 'SPEC');
  }
  const all = glorotUniformValues(rng, fanIn, outDim);
  let row = 0;
  const kernels = inDims.map((d, k) => {
    const part = all.subarray(row * outDim, (row + d) * outDim);
    row += d;
    return variableFrom(tf.tensor2d(part, [d, outDim]), `${name}/kernel_${k}`);
  });
  return { name, inDims, outDim, activation, kernels, bias: zerosVariable(`${name}/bias`, outDim) };
}

/** Applies a multi-input dense layer to inputs `xs[k]` of shape `batch x inDims[k]`. */
export function applyMultiInputDense(layer: MultiInputDenseLayer, xs: tf.Tensor2D[]): tf.Tensor2D {
  return denseOp(xs, layer.kernels, layer.bias, layer.activation);
}

/**
 * `act(sum_k xs[k] · ws[k] + b)` with a hand-written gradient. `tf.fused.matMul` falls
 * back to separate ops whenever a gradient is recorded (every training step); here the
 * forward pass uses the fused kernel, and the backward pass does only the products it
 * needs, with the bias gradient as a `ones · dz` product (a sum over the batch axis is
 * ~3x slower on wasm).
 */
function denseOp(xs: tf.Tensor2D[], ws: tf.Variable[], bias: tf.Variable, activation: 'linear' | 'relu'): tf.Tensor2D {
  if (kernelFits(ws) && tf.getKernel(DENSE_KERNEL, tf.getBackend())) return denseByKernel(xs, ws, bias, activation);
  const n = xs.length;
  const f = tf.customGrad(((...args: unknown[]) => {
    const save = args[2 * n + 1] as tf.GradSaveFunc;
    const x = args.slice(0, n) as tf.Tensor2D[];
    const w = args.slice(n, 2 * n) as tf.Tensor2D[];
    const b = args[2 * n] as tf.Tensor1D;
    const rows = x[0].shape[0];
    const outDim = w[0].shape[1];
    // The fused kernel works on rank-3 (batched) operands, as tf.fused.matMul passes them.
    const fused = (a: tf.Tensor2D, k: tf.Tensor2D, act: 'linear' | 'relu') =>
      tf.reshape(
        tf.engine().runKernel(
          '_FusedMatMul',
          { a: tf.reshape(a, [1, rows, a.shape[1]]), b: tf.reshape(k, [1, k.shape[0], outDim]), bias: b },
          { transposeA: false, transposeB: false, activation: act, leakyreluAlpha: 0 } as never,
        ) as tf.Tensor,
        [rows, outDim],
      ) as tf.Tensor2D;
    let y: tf.Tensor2D;
    if (n === 1) {
      y = fused(x[0], w[0], activation);
    } else {
      let z = fused(x[0], w[0], 'linear');
      for (let k = 1; k < n; k++) z = tf.add(z, tf.matMul(x[k], w[k]));
      y = activation === 'relu' ? tf.relu(z) : z;
    }
    save([...x, ...w, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const sx = saved.slice(0, n) as tf.Tensor2D[];
        const sw = saved.slice(n, 2 * n) as tf.Tensor2D[];
        const sy = saved[2 * n] as tf.Tensor2D;
        // relu'(z) is 1 where the output is positive (z > 0 exactly when relu(z) > 0).
        const dz = activation === 'relu' ? tf.mul(dy, tf.step(sy)) : dy;
        const dx = sw.map((wk) => tf.matMul(dz, wk, false, true));
        const dw = sx.map((xk) => tf.matMul(xk, dz, true, false));
        const db = tf.reshape(tf.matMul(tf.ones([1, rows]), dz), [outDim]);
        return [...dx, ...dw, db];
      },
    };
  }) as any);
  return f(...xs, ...ws, bias) as tf.Tensor2D;
}

/**
 * True when every product of the dense kernels runs in SIMD: input widths a multiple of
 * 4 and an output width a multiple of 4 or 1. Other widths (raw feature blocks) keep the
 * op-by-op path, whose wasm matmul beats the kernels' scalar fallback on them.
 */
function kernelFits(ws: tf.Variable[]): boolean {
  const outDim = ws[0].shape[1] as number;
  return (outDim % 4 === 0 || outDim === 1) && ws.every((w) => (w.shape[0] as number) % 4 === 0);
}

/**
 * {@link denseOp} as two kernels: the whole forward pass in one call, the whole backward
 * pass (ReLU mask, every dx and dw, the bias gradient) in another.
 */
function denseByKernel(xs: tf.Tensor2D[], ws: tf.Variable[], bias: tf.Variable, activation: 'linear' | 'relu'): tf.Tensor2D {
  const n = xs.length;
  const attrs = { inputs: n, relu: activation === 'relu' };
  const named = (prefix: string, ts: tf.Tensor[]) => Object.fromEntries(ts.map((t, k) => [`${prefix}${k}`, t]));
  const f = tf.customGrad(((...args: unknown[]) => {
    const save = args[2 * n + 1] as tf.GradSaveFunc;
    const x = args.slice(0, n) as tf.Tensor2D[];
    const w = args.slice(n, 2 * n) as tf.Tensor2D[];
    const y = tf.engine().runKernel(DENSE_KERNEL, { ...named('x', x), ...named('w', w), bias: args[2 * n] as tf.Tensor }, attrs as never) as tf.Tensor2D;
    save([...x, ...w, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) =>
        tf.engine().runKernel(
          DENSE_GRAD_KERNEL,
          { dy, y: saved[2 * n], ...named('x', saved.slice(0, n)), ...named('w', saved.slice(n, 2 * n)) },
          attrs as never,
        ) as tf.Tensor[],
    };
  }) as any);
  return f(...xs, ...ws, bias) as tf.Tensor2D;
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
 * NCF's MLP tower over concat(user row, item row): a ReLU multi-input first layer (the
 * concat as two kernel blocks, since concat is slow on wasm) and a ReLU stack after it.
 */
export interface PairTower {
  first: MultiInputDenseLayer;
  rest: DenseLayer[];
}

/**
 * A pair tower of hidden `sizes` (at least one) over user and item rows of width `dim`.
 * Layers are named `${name}/dense_k`; the first layer and the first of `rest` both take
 * index 0, names the exported bundles already carry.
 */
export function pairTower(name: string, dim: number, sizes: number[], rng: Rng): PairTower {
  const first = multiInputDenseLayer(`${name}/dense_0`, [dim, dim], sizes[0], rng, 'relu');
  return { first, rest: mlpStack(name, sizes[0], sizes.slice(1), rng, 'relu') };
}

/** The tower's output for paired `batch x dim` user and item rows. */
export function applyPairTower(tower: PairTower, userRows: tf.Tensor2D, itemRows: tf.Tensor2D): tf.Tensor2D {
  return applyMlp(tower.rest, applyMultiInputDense(tower.first, [userRows, itemRows]));
}

/** Variables of a pair tower: the first layer's kernels and bias, then each further layer's. */
export function pairTowerVariables(tower: PairTower): tf.Variable[] {
  return [...multiInputDenseVariables([tower.first]), ...denseVariables(tower.rest)];
}

/**
 * The output of an MLP tower over concat(user row, item row) for every item and each
 * user row in `userRows`, as `(users * nItems) x out` (user-major). The first layer's
 * user half is computed once per user and its item half once per item instead of once
 * per pair, and nothing is gathered per pair: full ranking does ~3x less work than
 * scoring pairs. Call inside tf.tidy.
 */
export function towerOverAllItems(userRows: tf.Tensor2D, itemTable: tf.Variable, { first, rest }: PairTower): tf.Tensor2D {
  const nItems = itemTable.shape[0] as number;
  const nUsers = userRows.shape[0];
  const userPart = tf.add(tf.matMul(userRows, first.kernels[0] as tf.Tensor2D), first.bias);
  const itemPart = tf.matMul(itemTable as tf.Tensor2D, first.kernels[1] as tf.Tensor2D);
  const relu = first.activation === 'relu';
  if (first.outDim % 4 === 0 && tf.getKernel(PAIRWISE_SUM_KERNEL, tf.getBackend())) {
    return applyMlp(rest, tf.engine().runKernel(PAIRWISE_SUM_KERNEL, { a: userPart, b: itemPart }, { relu } as never) as tf.Tensor2D);
  }
  let h: tf.Tensor = tf.add(tf.reshape(userPart, [nUsers, 1, first.outDim]), tf.reshape(itemPart, [1, nItems, first.outDim]));
  if (relu) h = tf.relu(h);
  return applyMlp(rest, tf.reshape(h, [nUsers * nItems, first.outDim]) as tf.Tensor2D);
}


/** Variables of multi-input dense layers, kernels then bias per layer. */
export function multiInputDenseVariables(layers: MultiInputDenseLayer[]): tf.Variable[] {
  return layers.flatMap((l) => [...l.kernels, l.bias]);
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
