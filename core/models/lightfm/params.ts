import type { Rng } from '../../util';
import type { FeatureRows } from './feature-rows';

/**
 * The trained values of a LightFM-style model: one embedding per feature column of each
 * side (identity columns first, then the pipeline's) and one bias per item feature
 * column. Users have no bias: every loss here is pairwise (a positive against a negative
 * of the same user), so a user bias would get no gradient and change no ranking.
 */
export interface LightfmParams {
  dim: number;
  /** `userCols x dim`, row-major. */
  userEmbeddings: Float32Array;
  /** `itemCols x dim`, row-major. */
  itemEmbeddings: Float32Array;
  /** `itemCols`. */
  itemBiases: Float32Array;
}

/**
 * LightFM's initialisation: embeddings uniform in ±scale / (2 dim), biases zero. The
 * identity rows of `zeroUsers` / `zeroItems` (entities held out of training, which no
 * step will ever move) start at zero instead, so a held-out entity is scored from its
 * attributes alone rather than from untrained noise.
 */
export function initParams(
  dim: number,
  users: FeatureRows,
  items: FeatureRows,
  rng: Rng,
  scale = 1,
  zero: { users?: Int32Array; items?: Int32Array } = {},
): LightfmParams {
  const uniform = (n: number) => {
    const out = new Float32Array(n);
    for (let k = 0; k < n; k++) out[k] = ((rng.next() - 0.5) * scale) / dim;
    return out;
  };
  const params: LightfmParams = {
    dim,
    userEmbeddings: uniform(users.nCols * dim),
    itemEmbeddings: uniform(items.nCols * dim),
    itemBiases: new Float32Array(items.nCols),
  };
  const clear = (emb: Float32Array, rows: FeatureRows, ids: Int32Array | undefined) => {
    if (!ids || rows.identityCols === 0) return;
    for (const e of ids) emb.fill(0, e * dim, e * dim + dim);
  };
  clear(params.userEmbeddings, users, zero.users);
  clear(params.itemEmbeddings, items, zero.items);
  return params;
}

/** A deep copy (early stopping keeps the best epoch's values). */
export function copyParams(p: LightfmParams): LightfmParams {
  return { dim: p.dim, userEmbeddings: p.userEmbeddings.slice(), itemEmbeddings: p.itemEmbeddings.slice(), itemBiases: p.itemBiases.slice() };
}

/**
 * Row `e` of `rows` times `embeddings` into `out[0..dim)`; returns the row times `biases`
 * (0 without biases). The representation of one user or item.
 */
export function representRow(rows: FeatureRows, e: number, embeddings: Float32Array, dim: number, out: Float32Array, biases?: Float32Array): number {
  const { indptr, indices, values } = rows;
  for (let c = 0; c < dim; c++) out[c] = 0;
  let bias = 0;
  for (let p = indptr[e], end = indptr[e + 1]; p < end; p++) {
    const f = indices[p];
    const x = values[p];
    const off = f * dim;
    for (let c = 0; c < dim; c++) out[c] += x * embeddings[off + c];
    if (biases) bias += x * biases[f];
  }
  return bias;
}

/** Every row's representation (`nRows x dim`) and, with `biases`, its bias. */
export function representAll(rows: FeatureRows, embeddings: Float32Array, dim: number, biases?: Float32Array): { vectors: Float32Array; biases?: Float32Array } {
  const vectors = new Float32Array(rows.nRows * dim);
  const rowBiases = biases ? new Float32Array(rows.nRows) : undefined;
  const buf = new Float32Array(dim);
  for (let e = 0; e < rows.nRows; e++) {
    const b = representRow(rows, e, embeddings, dim, buf, biases);
    vectors.set(buf, e * dim);
    if (rowBiases) rowBiases[e] = b;
  }
  return { vectors, biases: rowBiases };
}
