import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { UMAP } from 'umap-js';
import { InputError, Rng } from '../util';

/** Points in 2-D, one per input row. */
export interface Projection2d {
  x: Float64Array;
  y: Float64Array;
}

/** PCA's two components and the share of the variance each explains. */
export interface PcaProjection extends Projection2d {
  /** Share of the total variance along each of the two axes. */
  explained: [number, number];
  /** The two principal directions (unit vectors of length `dim`). */
  components: [Float64Array, Float64Array];
}

function checkShape(values: Float32Array | Float64Array, rows: number, dim: number): void {
  if (!(rows >= 0 && dim >= 1 && values.length === rows * dim)) throw new InputError(`projection: ${values.length} values are not ${rows} rows x ${dim} columns.`, 'INPUT');
}

/**
 * Principal component analysis to 2-D: the rows (`rows x dim`, row-major) are centred and
 * projected on the two eigenvectors of their covariance with the largest eigenvalues. Each
 * direction's sign is fixed (its largest-magnitude entry is positive), so the same vectors
 * always give the same picture. With one column, the second axis is zero.
 */
export function pca2d(values: Float32Array | Float64Array, rows: number, dim: number): PcaProjection {
  checkShape(values, rows, dim);
  const mean = new Float64Array(dim);
  for (let r = 0; r < rows; r++) for (let d = 0; d < dim; d++) mean[d] += values[r * dim + d];
  for (let d = 0; d < dim; d++) mean[d] /= Math.max(1, rows);
  // Covariance dim x dim: cheap for embedding widths (tens to hundreds), whatever the number of items.
  const cov = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  for (let r = 0; r < rows; r++) {
    for (let d = 0; d < dim; d++) centred[d] = values[r * dim + d] - mean[d];
    for (let a = 0; a < dim; a++) {
      const ca = centred[a];
      if (ca === 0) continue;
      for (let b = a; b < dim; b++) cov[a * dim + b] += ca * centred[b];
    }
  }
  const denom = Math.max(1, rows - 1);
  const m = new Matrix(dim, dim);
  for (let a = 0; a < dim; a++)
    for (let b = a; b < dim; b++) {
      const v = cov[a * dim + b] / denom;
      m.set(a, b, v);
      m.set(b, a, v);
    }
  const evd = new EigenvalueDecomposition(m, { assumeSymmetric: true });
  const eig = evd.realEigenvalues;
  const vecs = evd.eigenvectorMatrix;
  const order = eig.map((_, i) => i).sort((a, b) => eig[b] - eig[a]);
  const total = eig.reduce((s, v) => s + Math.max(0, v), 0);
  const component = (rank: number): Float64Array => {
    const out = new Float64Array(dim);
    if (rank >= dim) return out;
    const c = order[rank];
    let pivot = 0;
    for (let d = 0; d < dim; d++) {
      out[d] = vecs.get(d, c);
      if (Math.abs(out[d]) > Math.abs(out[pivot])) pivot = d;
    }
    if (out[pivot] < 0) for (let d = 0; d < dim; d++) out[d] = -out[d];
    return out;
  };
  const c1 = component(0);
  const c2 = component(1);
  const x = new Float64Array(rows);
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let sx = 0;
    let sy = 0;
    for (let d = 0; d < dim; d++) {
      const v = values[r * dim + d] - mean[d];
      sx += v * c1[d];
      sy += v * c2[d];
    }
    x[r] = sx;
    y[r] = sy;
  }
  const share = (rank: number) => (rank < dim && total > 0 ? Math.max(0, eig[order[rank]]) / total : 0);
  return { x, y, explained: [share(0), share(1)], components: [c1, c2] };
}

/** UMAP settings; defaults are umap-learn's. */
export interface UmapOptions {
  seed: number;
  nNeighbors?: number;
  minDist?: number;
  /** Told after each optimisation epoch; return true to stop early. */
  onEpoch?: (epoch: number) => void | boolean;
}

/**
 * UMAP to 2-D (umap-js, seeded with RecLab's own generator so the same seed gives the same
 * layout). Yields to the event loop between epochs. Fewer than 3 rows have no neighbourhood
 * graph to lay out: they are placed by PCA instead.
 */
export async function umap2d(values: Float32Array | Float64Array, rows: number, dim: number, opts: UmapOptions): Promise<Projection2d> {
  checkShape(values, rows, dim);
  if (rows < 3) return pca2d(values, rows, dim);
  const rng = new Rng(opts.seed);
  const umap = new UMAP({ nComponents: 2, nNeighbors: Math.min(opts.nNeighbors ?? 15, rows - 1), minDist: opts.minDist ?? 0.1, random: () => rng.next() });
  const data: number[][] = [];
  for (let r = 0; r < rows; r++) data.push(Array.from(values.subarray(r * dim, r * dim + dim)));
  const embedding = await umap.fitAsync(data, opts.onEpoch);
  return { x: Float64Array.from(embedding, (p) => p[0]), y: Float64Array.from(embedding, (p) => p[1]) };
}
