import { InputError } from '../../util';
import type { FeatureBlock } from '../neural';

/**
 * The feature matrix of one side (users or items) as LightFM sees it: row e lists the
 * features of entity e with their weights. Columns 0..n-1 are the identity features (when
 * `identity`), then the pipeline's columns. Kept as CSR because a row has one identity
 * entry and a handful of nonzero attributes (a genre or two, a few title words) out of
 * hundreds of columns, and the training loop walks rows, never columns.
 */
export interface FeatureRows {
  nRows: number;
  /** Identity columns + pipeline columns. */
  nCols: number;
  /** Identity columns (n entities or 0); pipeline column c is column `identityCols + c`. */
  identityCols: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

/**
 * Builds the rows of `n` entities from the identity option and the pipeline's dense block
 * (its zeros dropped). With `normalize`, each row is divided by the sum of its absolute
 * weights (LightFM's Dataset normalises rows to sum 1), so an entity with many attributes
 * does not get a longer vector than one with few; a row without any feature stays empty.
 */
export function buildFeatureRows(n: number, identity: boolean, block: FeatureBlock | undefined, normalize: boolean): FeatureRows {
  const dim = block?.dim ?? 0;
  if (block && block.values.length !== n * dim) {
    throw new InputError(`Feature block holds ${block.values.length} values; ${n} rows x ${dim} columns need ${n * dim}.`, 'SPEC');
  }
  const identityCols = identity ? n : 0;
  const values = block?.values;
  let nnz = identityCols;
  if (values) for (let k = 0; k < values.length; k++) if (values[k] !== 0) nnz++;
  const indptr = new Int32Array(n + 1);
  const indices = new Int32Array(nnz);
  const weights = new Float32Array(nnz);
  let at = 0;
  for (let e = 0; e < n; e++) {
    const start = at;
    if (identity) {
      indices[at] = e;
      weights[at++] = 1;
    }
    if (values) {
      for (let c = 0, off = e * dim; c < dim; c++) {
        const v = values[off + c];
        if (v === 0) continue;
        indices[at] = identityCols + c;
        weights[at++] = v;
      }
    }
    if (normalize) {
      let sum = 0;
      for (let p = start; p < at; p++) sum += Math.abs(weights[p]);
      if (sum > 0) for (let p = start; p < at; p++) weights[p] /= sum;
    }
    indptr[e + 1] = at;
  }
  return { nRows: n, nCols: identityCols + dim, identityCols, indptr, indices, values: weights };
}
