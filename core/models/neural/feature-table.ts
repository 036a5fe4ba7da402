import * as tf from '@tensorflow/tfjs';
import { InputError } from '../../util';
import { applyDense, applyMlp, type DenseLayer } from './layers';
import { sparseDenseMatMul, sparseTensors, transposeCsr, type SparseCsr } from './sparse-matmul';
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

  constructor(block: FeatureBlock, rows: number) {
    this.rows = rows;
    this.dim = block.dim;
    this.x = tf.keep(tf.tensor2d(block.values, [rows, block.dim]));
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

  /** The rows `ids` of the table as a `ids.length x dim` CSR. */
  private pick(ids: tf.Tensor1D, squared: boolean): SparseCsr {
    const { indptr, indices } = this.csr;
    const source = squared ? this.squares() : this.csr.values;
    const idx = ids.dataSync();
    const n = idx.length;
    const outPtr = new Int32Array(n + 1);
    for (let b = 0; b < n; b++) {
      const r = idx[b];
      if (!(r >= 0 && r < this.rows && Number.isInteger(r))) throw new Error(`FeatureTable: row ${r} is not in [0, ${this.rows - 1}]`);
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
