import * as tf from '@tensorflow/tfjs';
import { transposeCsr } from '../../data';
import { InputError } from '../../util';
import { applyDense, applyMlp, type DenseLayer } from './layers';
import { sparseDenseMatMul, sparseTensors, type SparseCsr } from './sparse-matmul';
import type { FeatureBlock } from './types';

/*
 * Constant per-entity feature tables of the feature-reading architectures, and dense
 * layers over them. Feature rows are mostly zeros (multi-hot genres, one-hot categories,
 * TF-IDF: on ML-100K 4.4 nonzeros in 592 item columns), so the first layer over a feature
 * block is a sparse x dense product of the batch's rows, and its gradient is a product
 * with the transposed rows. Gathering dense rows instead made every step multiply
 * `batch x 592` zeros forward and twice backward (~90 % of the step of a hybrid).
 */

/** Tables at most this dense are kept as CSR; denser ones (SVD factors, scaled numbers) as a dense tensor. */
const SPARSE_MAX_DENSITY = 0.25;

/** A constant `rows x dim` feature table (not trainable): one row per user or item. */
export interface FeatureTable {
  readonly rows: number;
  readonly dim: number;
  /** Whether the table is held as CSR (chosen by density). */
  readonly sparse: boolean;
  /**
   * `X[ids] · w` for `w` of shape `dim x d`, differentiable in `w` only (features are
   * data). `squared` uses the squared feature values (DeepFM's diagonal term).
   */
  times(ids: tf.Tensor1D, w: tf.Tensor2D, squared?: boolean): tf.Tensor2D;
  /** The dense rows `X[ids]`, for the consumers that need the values themselves. */
  rowsOf(ids: tf.Tensor1D): tf.Tensor2D;
  /** The nonzeros of rows `ids`, as an `ids.length x dim` CSR on the host. */
  entries(ids: tf.Tensor1D): SparseCsr;
  dispose(): void;
}

/**
 * A FeatureBlock as a constant table. Checks the block has one row per entity, since a
 * mismatch would silently shift every feature row, and that every value is finite.
 */
export function featureTable(block: FeatureBlock, rows: number, what: 'user' | 'item'): FeatureTable {
  if (!(block.dim > 0)) throw new InputError(`The ${what} feature block has dim ${block.dim}; expected at least one column. Check the features section of the spec.`, 'SPEC');
  if (block.values.length !== rows * block.dim) {
    throw new InputError(
      `The ${what} feature block has ${block.values.length} values; expected ${rows} ${what}s x ${block.dim} columns = ${rows * block.dim}. ` +
        `Fit the feature pipeline on the same ${what} index as the model.`,
      'SPEC',
    );
  }
  let nnz = 0;
  for (let k = 0; k < block.values.length; k++) {
    const v = block.values[k];
    if (!Number.isFinite(v)) {
      const row = Math.floor(k / block.dim);
      const col = k % block.dim;
      throw new InputError(`The ${what} feature block has ${v} at ${what} ${row}, column ${block.names?.[col] ?? col}; features must be finite numbers.`, 'SPEC');
    }
    if (v !== 0) nnz++;
  }
  return nnz <= SPARSE_MAX_DENSITY * block.values.length ? new SparseTable(block, rows, nnz) : new DenseTable(block, rows);
}

/** Rows `ids` of a feature table, as one input block of a dense layer. */
export interface FeatureLookup {
  table: FeatureTable;
  ids: tf.Tensor1D;
}

/** An input block of a dense layer over several inputs: a dense tensor or feature-table rows. */
export type LayerInput = tf.Tensor2D | FeatureLookup;

/** Rows `ids` of `table` as a layer input. */
export function lookupRows(table: FeatureTable, ids: tf.Tensor1D): FeatureLookup {
  return { table, ids };
}

function isLookup(x: LayerInput): x is FeatureLookup {
  return (x as FeatureLookup).table !== undefined;
}

function widthOf(x: LayerInput): number {
  return isLookup(x) ? x.table.dim : x.shape[1];
}

/**
 * `concat(inputs) · w` without building the concatenation: block `k` multiplies its own
 * row range of `w` (a slice, whose gradient pads back into `w`), feature blocks by the
 * sparse product.
 */
export function timesInputs(inputs: LayerInput[], w: tf.Tensor2D): tf.Tensor2D {
  const total = inputs.reduce((s, x) => s + widthOf(x), 0);
  if (total !== w.shape[0]) throw new Error(`timesInputs: inputs have ${total} columns, the kernel ${w.shape[0]} rows`);
  const parts: tf.Tensor2D[] = [];
  let row = 0;
  for (const x of inputs) {
    const width = widthOf(x);
    const wk = inputs.length === 1 ? w : (tf.slice(w, [row, 0], [width, w.shape[1]]) as tf.Tensor2D);
    parts.push(isLookup(x) ? x.table.times(x.ids, wk) : tf.matMul(x, wk));
    row += width;
  }
  return parts.length === 1 ? parts[0] : (tf.addN(parts) as tf.Tensor2D);
}

/** A dense layer applied to `concat(inputs)`; all-dense single inputs take the layer's fused path. */
export function applyDenseTo(layer: DenseLayer, inputs: LayerInput[]): tf.Tensor2D {
  if (inputs.length === 1 && !isLookup(inputs[0])) return applyDense(layer, inputs[0]);
  const z = tf.add(timesInputs(inputs, layer.kernel as tf.Tensor2D), layer.bias) as tf.Tensor2D;
  switch (layer.activation) {
    case 'relu':
      return tf.relu(z);
    case 'sigmoid':
      return tf.sigmoid(z);
    case 'tanh':
      return tf.tanh(z);
    default:
      return z;
  }
}

/** An MLP applied to `concat(inputs)`: the first layer by {@link applyDenseTo}, the rest as usual. */
export function applyMlpTo(layers: DenseLayer[], inputs: LayerInput[]): tf.Tensor2D {
  if (layers.length === 0) throw new Error('applyMlpTo: no layers');
  return applyMlp(layers.slice(1), applyDenseTo(layers[0], inputs));
}

/** One-hot rows: row `b` has `weight[ids[b]]` (1 without weights) in column `ids[b]` of `size`. */
export interface OneHotRows {
  ids: tf.Tensor1D;
  size: number;
  weight?: Float32Array;
}

function oneHotEntries(side: OneHotRows): SparseCsr {
  const idx = side.ids.dataSync();
  const n = idx.length;
  const indptr = new Int32Array(n + 1);
  const indices = new Int32Array(n);
  const values = new Float32Array(n);
  let p = 0;
  for (let b = 0; b < n; b++) {
    const v = side.weight ? side.weight[idx[b]] : 1;
    if (v !== 0) {
      indices[p] = idx[b];
      values[p++] = v;
    }
    indptr[b + 1] = p;
  }
  return { nRows: n, nCols: side.size, indptr, indices: indices.subarray(0, p), values: values.subarray(0, p) };
}

/**
 * Per batch row `b`: `left_b' W right_b`, both sides sparse rows (feature-table rows or
 * one-hot ids), differentiable in `W`. Sums `x_p y_q W[p, q]` over the pairs of nonzeros
 * only (a gather from W and a segment sum), so no `batch x dim` dense rows are built:
 * wide-deep's crosses `x_u' W x_i` and `W[u] · x_i` over 592 mostly-zero item columns.
 */
export function bilinear(left: FeatureLookup | OneHotRows, right: FeatureLookup, w: tf.Tensor2D): tf.Tensor1D {
  const a = isLookup(left as LayerInput) ? (left as FeatureLookup).table.entries(left.ids) : oneHotEntries(left as OneHotRows);
  const b = right.table.entries(right.ids);
  const n = a.nRows;
  if (b.nRows !== n || w.shape[0] !== a.nCols || w.shape[1] !== b.nCols) {
    throw new Error(`bilinear: ${n} x ${a.nCols} and ${b.nRows} x ${b.nCols} rows with a ${w.shape.join(' x ')} weight`);
  }
  // Pair k of row r reads W[p, q] with coefficient x_p y_q; the per-row sums are a sparse
  // `n x pairs` product (its transpose carries the gradient back to the gathered weights).
  const indptr = new Int32Array(n + 1);
  for (let r = 0; r < n; r++) indptr[r + 1] = indptr[r] + (a.indptr[r + 1] - a.indptr[r]) * (b.indptr[r + 1] - b.indptr[r]);
  const pairs = indptr[n];
  const flat = new Int32Array(pairs);
  const coef = new Float32Array(pairs);
  let k = 0;
  for (let r = 0; r < n; r++) {
    for (let p = a.indptr[r]; p < a.indptr[r + 1]; p++) {
      const base = a.indices[p] * b.nCols;
      for (let q = b.indptr[r]; q < b.indptr[r + 1]; q++) {
        flat[k] = base + b.indices[q];
        coef[k++] = a.values[p] * b.values[q];
      }
    }
  }
  const sums: SparseCsr = { nRows: n, nCols: pairs, indptr, indices: Int32Array.from({ length: pairs }, (_, j) => j), values: coef };
  const terms = tf.reshape(tf.gather(tf.reshape(w, [-1]), tf.tensor1d(flat, 'int32')), [pairs, 1]) as tf.Tensor2D;
  return tf.reshape(sparseDenseMatMul(sparseTensors(sums, false), sparseTensors(transposeCsr(sums), false), terms), [n]) as tf.Tensor1D;
}

/** Below this share of distinct ids a batch is computed once per distinct id (a BPR batch has each user twice). */
const DEDUPE_MAX_UNIQUE_SHARE = 0.75;

/**
 * `f(ids)` computed once per distinct id and gathered back into `ids`' order (the
 * gather's gradient sums the rows of repeated ids, as `f(ids)` would). For per-entity
 * towers: a training batch repeats users and items, and a tower's matmuls are the
 * largest cost of a step. `f` must be a function of the id alone and must not report
 * embedding lookups to the trainer's L2 penalty (that penalty is a mean over the batch's
 * rows, so it would change); batches with few repeats run `f(ids)` directly.
 */
export function perDistinctId(ids: tf.Tensor1D, f: (ids: tf.Tensor1D) => tf.Tensor2D): tf.Tensor2D {
  const idx = ids.dataSync();
  const n = idx.length;
  const slot = new Map<number, number>();
  const inverse = new Int32Array(n);
  const distinct: number[] = [];
  for (let k = 0; k < n; k++) {
    let s = slot.get(idx[k]);
    if (s === undefined) {
      s = distinct.length;
      slot.set(idx[k], s);
      distinct.push(idx[k]);
    }
    inverse[k] = s;
  }
  if (distinct.length > DEDUPE_MAX_UNIQUE_SHARE * n) return f(ids);
  return tf.gather(f(tf.tensor1d(distinct, 'int32')), tf.tensor1d(inverse, 'int32')) as tf.Tensor2D;
}

// ---------------------------------------------------------------------------------------

class DenseTable implements FeatureTable {
  readonly rows: number;
  readonly dim: number;
  readonly sparse = false;
  private readonly x: tf.Tensor2D;
  private x2: tf.Tensor2D | undefined;
  private readonly values: Float32Array;

  constructor(block: FeatureBlock, rows: number) {
    this.rows = rows;
    this.dim = block.dim;
    this.values = block.values;
    this.x = tf.keep(tf.tensor2d(block.values, [rows, block.dim]));
  }

  entries(ids: tf.Tensor1D): SparseCsr {
    const idx = ids.dataSync();
    const picked: number[] = [];
    const cols: number[] = [];
    const indptr = new Int32Array(idx.length + 1);
    for (let b = 0; b < idx.length; b++) {
      const r = checkedRow(idx[b], this.rows);
      for (let c = 0; c < this.dim; c++) {
        if (this.values[r * this.dim + c] !== 0) {
          picked.push(this.values[r * this.dim + c]);
          cols.push(c);
        }
      }
      indptr[b + 1] = cols.length;
    }
    return { nRows: idx.length, nCols: this.dim, indptr, indices: Int32Array.from(cols), values: Float32Array.from(picked) };
  }

  times(ids: tf.Tensor1D, w: tf.Tensor2D, squared = false): tf.Tensor2D {
    const rows = tf.gather(squared ? this.squares() : this.x, ids) as tf.Tensor2D;
    // Only the weight's gradient: a matmul's gradient would also multiply out one for the
    // constant rows. The rows are saved, or the gradient engine frees them before backprop.
    const op = tf.customGrad(((input: tf.Tensor2D, save: tf.GradSaveFunc) => {
      save([rows]);
      return {
        value: tf.matMul(rows, input),
        gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => tf.matMul(saved[0] as tf.Tensor2D, dy, true, false),
      };
    }) as any);
    return op(w) as tf.Tensor2D;
  }

  rowsOf(ids: tf.Tensor1D): tf.Tensor2D {
    return tf.gather(this.x, ids) as tf.Tensor2D;
  }

  private squares(): tf.Tensor2D {
    if (!this.x2) this.x2 = tf.keep(tf.square(this.x));
    return this.x2;
  }

  dispose(): void {
    this.x.dispose();
    this.x2?.dispose();
  }
}

class SparseTable implements FeatureTable {
  readonly rows: number;
  readonly dim: number;
  readonly sparse = true;
  private readonly csr: SparseCsr;
  private squaredValues: Float32Array | undefined;
  private dense: tf.Tensor2D | undefined;
  private readonly block: FeatureBlock;

  constructor(block: FeatureBlock, rows: number, nnz: number) {
    this.rows = rows;
    this.dim = block.dim;
    this.block = block;
    const indptr = new Int32Array(rows + 1);
    const indices = new Int32Array(nnz);
    const values = new Float32Array(nnz);
    let p = 0;
    for (let r = 0; r < rows; r++) {
      const base = r * block.dim;
      for (let c = 0; c < block.dim; c++) {
        const v = block.values[base + c];
        if (v !== 0) {
          indices[p] = c;
          values[p++] = v;
        }
      }
      indptr[r + 1] = p;
    }
    this.csr = { nRows: rows, nCols: block.dim, indptr, indices, values };
  }

  times(ids: tf.Tensor1D, w: tf.Tensor2D, squared = false): tf.Tensor2D {
    const picked = this.pick(ids, squared);
    // Per-batch matrices belong to the caller's scope (the trainer's step disposes them).
    const a = sparseTensors(picked, false);
    const aT = sparseTensors(transposeCsr(picked), false);
    return sparseDenseMatMul(a, aT, w);
  }

  rowsOf(ids: tf.Tensor1D): tf.Tensor2D {
    // Kept lazily: only gates and crosses read dense rows.
    if (!this.dense) this.dense = tf.keep(tf.tensor2d(this.block.values, [this.rows, this.dim]));
    return tf.gather(this.dense, ids) as tf.Tensor2D;
  }

  entries(ids: tf.Tensor1D): SparseCsr {
    return this.pick(ids, false);
  }

  /** The rows `ids` of the table as a `ids.length x dim` CSR. */
  private pick(ids: tf.Tensor1D, squared: boolean): SparseCsr {
    const { indptr, indices } = this.csr;
    const source = squared ? this.squares() : this.csr.values;
    const idx = ids.dataSync();
    const n = idx.length;
    const outPtr = new Int32Array(n + 1);
    for (let b = 0; b < n; b++) {
      const r = checkedRow(idx[b], this.rows);
      outPtr[b + 1] = outPtr[b] + indptr[r + 1] - indptr[r];
    }
    const outIdx = new Int32Array(outPtr[n]);
    const outVal = new Float32Array(outPtr[n]);
    for (let b = 0; b < n; b++) {
      const r = idx[b];
      outIdx.set(indices.subarray(indptr[r], indptr[r + 1]), outPtr[b]);
      outVal.set(source.subarray(indptr[r], indptr[r + 1]), outPtr[b]);
    }
    return { nRows: n, nCols: this.dim, indptr: outPtr, indices: outIdx, values: outVal };
  }

  private squares(): Float32Array {
    if (!this.squaredValues) this.squaredValues = this.csr.values.map((v) => v * v);
    return this.squaredValues;
  }

  dispose(): void {
    this.dense?.dispose();
    this.dense = undefined;
  }
}

function checkedRow(r: number, rows: number): number {
  if (!(r >= 0 && r < rows && Number.isInteger(r))) throw new Error(`FeatureTable: row ${r} is not in [0, ${rows - 1}]`);
  return r;
}
