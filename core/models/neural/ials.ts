import { transposeCsr, type CsrMatrix } from '../../data';
import { InputError, Rng } from '../../util';

/*
 * Alternating least squares on the iALS objective, the one the `squared` loss trains by
 * gradient steps, so a factorised branch can start where that training would end:
 *
 *   sum_u [ sum_{i in I_u} (1 - s_ui)^2 + alpha * sum_{i warm} s_ui^2 ]
 *     + userL2 * sum_u |p_u|^2 + itemL2 * sum_i |q_i|^2,     s_ui = p_u . q_i + b_i
 *
 * over the users with training interactions and the items with them ("warm"; the others
 * keep zero rows, as the masked id tables of the hybrids do). Each half-step solves every
 * row's normal equations by a few conjugate-gradient steps started from the row's current
 * value (Takacs, Pilaszy & Tikk 2011): d^2 per step instead of a d^3 factorisation, and
 * near the optimum a few steps are as good as an exact solve.
 */

/** Settings of {@link solveIals}. */
export interface IalsOptions {
  dim: number;
  /** Weight of the all-items term (iALS alpha_0; the squared loss's `unobservedWeight`). */
  unobservedWeight: number;
  /** Ridge penalty on each user row. */
  userL2: number;
  /** Ridge penalty on each item row (the item bias is not penalised). */
  itemL2: number;
  /** Alternations (users, then items). */
  sweeps: number;
  /** Conjugate-gradient steps per row and half-step. */
  cgSteps: number;
  /** Std of the normal initialisation of the item rows (users are solved first). */
  initStd: number;
  seed: number;
}

/** User rows, item rows (row-major, `dim` wide) and item biases; score = p_u . q_i + b_i. */
export interface IalsFactors {
  dim: number;
  users: Float32Array;
  items: Float32Array;
  itemBias: Float32Array;
}

/** Minimises the iALS objective above by `sweeps` alternations; rows of users and items without interactions stay zero. */
export function solveIals(train: CsrMatrix, options: IalsOptions): IalsFactors {
  const { dim, unobservedWeight: alpha, userL2, itemL2, sweeps, cgSteps } = options;
  for (const [key, v] of Object.entries({ dim, sweeps, cgSteps })) {
    if (!(Number.isInteger(v) && v > 0)) throw new InputError(`iALS: ${key} must be a positive integer, got ${v}.`, 'SPEC');
  }
  for (const [key, v] of Object.entries({ unobservedWeight: alpha, userL2, itemL2 })) {
    if (!(v >= 0 && Number.isFinite(v))) throw new InputError(`iALS: ${key} must be a finite number >= 0, got ${v}.`, 'SPEC');
  }
  const nUsers = train.nRows;
  const nItems = train.nCols;
  const byItem = transposeCsr(train);
  const activeUsers = rowsWithEntries(train);
  const warmItems = rowsWithEntries(byItem);
  // Users carry a constant 1 after their d factors, so the item side solves [q_i, b_i] at once.
  const w = dim + 1;
  const users = new Float64Array(nUsers * w);
  for (const u of activeUsers) users[u * w + dim] = 1;
  const items = new Float64Array(nItems * w);
  const rng = new Rng(options.seed);
  for (const i of warmItems) for (let c = 0; c < dim; c++) items[i * w + c] = rng.normal() * options.initStd;

  const cg = new ConjugateGradient(w);
  const gram = new Float64Array(w * w);
  const rhs = new Float64Array(w);
  for (let sweep = 0; sweep < sweeps; sweep++) {
    // Users: (alpha G + sum_{i in I_u} q q^T + userL2 I) p = sum_{i in I_u} q_i (1 - b_i) - alpha Q^T b,
    // G and Q^T b over the warm items; the bias coordinate of p stays 1 (solved on the first d only).
    gramOf(items, warmItems, w, gram);
    const qb = new Float64Array(dim);
    for (const i of warmItems) {
      const b = items[i * w + dim];
      for (let c = 0; c < dim; c++) qb[c] += items[i * w + c] * b;
    }
    for (const u of activeUsers) {
      const lo = train.indptr[u];
      const hi = train.indptr[u + 1];
      rhs.fill(0);
      for (let p = lo; p < hi; p++) {
        const q = train.indices[p] * w;
        const target = 1 - items[q + dim];
        for (let c = 0; c < dim; c++) rhs[c] += items[q + c] * target;
      }
      for (let c = 0; c < dim; c++) rhs[c] -= alpha * qb[c];
      cg.solve(dim, users, u * w, rhs, cgSteps, (v, out) => {
        normalProduct(gram, w, dim, alpha, userL2, v, out);
        for (let p = lo; p < hi; p++) {
          const q = train.indices[p] * w;
          let dot = 0;
          for (let c = 0; c < dim; c++) dot += items[q + c] * v[c];
          for (let c = 0; c < dim; c++) out[c] += items[q + c] * dot;
        }
      });
    }
    // Items: (alpha H + sum_{u in U_i} x x^T + diag(itemL2, ..., itemL2, 0)) [q; b] = sum_{u in U_i} x_u, x_u = [p_u, 1].
    gramOf(users, activeUsers, w, gram);
    for (const i of warmItems) {
      const lo = byItem.indptr[i];
      const hi = byItem.indptr[i + 1];
      rhs.fill(0);
      for (let p = lo; p < hi; p++) {
        const x = byItem.indices[p] * w;
        for (let c = 0; c < w; c++) rhs[c] += users[x + c];
      }
      cg.solve(w, items, i * w, rhs, cgSteps, (v, out) => {
        normalProduct(gram, w, w, alpha, 0, v, out);
        for (let c = 0; c < dim; c++) out[c] += itemL2 * v[c];
        for (let p = lo; p < hi; p++) {
          const x = byItem.indices[p] * w;
          let dot = 0;
          for (let c = 0; c < w; c++) dot += users[x + c] * v[c];
          for (let c = 0; c < w; c++) out[c] += users[x + c] * dot;
        }
      });
    }
  }
  const out: IalsFactors = { dim, users: new Float32Array(nUsers * dim), items: new Float32Array(nItems * dim), itemBias: new Float32Array(nItems) };
  for (let u = 0; u < nUsers; u++) for (let c = 0; c < dim; c++) out.users[u * dim + c] = users[u * w + c];
  for (let i = 0; i < nItems; i++) {
    for (let c = 0; c < dim; c++) out.items[i * dim + c] = items[i * w + c];
    out.itemBias[i] = items[i * w + dim];
  }
  return out;
}

/** The iALS objective of `f` on `train` (for tests and progress logs). */
export function ialsObjective(train: CsrMatrix, f: IalsFactors, options: Pick<IalsOptions, 'unobservedWeight' | 'userL2' | 'itemL2'>): number {
  const { dim } = f;
  const warm = new Uint8Array(train.nCols);
  for (let p = 0; p < train.indices.length; p++) warm[train.indices[p]] = 1;
  let total = 0;
  for (let u = 0; u < train.nRows; u++) {
    if (train.indptr[u + 1] === train.indptr[u]) continue;
    const score = (i: number) => {
      let s = f.itemBias[i];
      for (let c = 0; c < dim; c++) s += f.users[u * dim + c] * f.items[i * dim + c];
      return s;
    };
    for (let p = train.indptr[u]; p < train.indptr[u + 1]; p++) total += (1 - score(train.indices[p])) ** 2;
    for (let i = 0; i < train.nCols; i++) if (warm[i]) total += options.unobservedWeight * score(i) ** 2;
    for (let c = 0; c < dim; c++) total += options.userL2 * f.users[u * dim + c] ** 2;
  }
  for (let i = 0; i < train.nCols; i++) for (let c = 0; c < dim; c++) total += options.itemL2 * f.items[i * dim + c] ** 2;
  return total;
}

function rowsWithEntries(m: CsrMatrix): Int32Array {
  const rows: number[] = [];
  for (let r = 0; r < m.nRows; r++) if (m.indptr[r + 1] > m.indptr[r]) rows.push(r);
  return Int32Array.from(rows);
}

/** `gram` (w x w) = sum over `rows` of x x^T, x the row's w values. */
function gramOf(table: Float64Array, rows: Int32Array, w: number, gram: Float64Array): void {
  gram.fill(0);
  for (const r of rows) {
    const x = r * w;
    for (let a = 0; a < w; a++) {
      const xa = table[x + a];
      if (xa === 0) continue;
      const row = a * w;
      for (let b = a; b < w; b++) gram[row + b] += xa * table[x + b];
    }
  }
  for (let a = 0; a < w; a++) for (let b = 0; b < a; b++) gram[a * w + b] = gram[b * w + a];
}

/** out = (alpha * gram[:n, :n] + l2 I) v, for the leading n x n block of the w x w `gram`. */
function normalProduct(gram: Float64Array, w: number, n: number, alpha: number, l2: number, v: Float64Array, out: Float64Array): void {
  for (let a = 0; a < n; a++) {
    const row = a * w;
    let s = 0;
    for (let b = 0; b < n; b++) s += gram[row + b] * v[b];
    out[a] = alpha * s + l2 * v[a];
  }
}

/** Conjugate gradient on n x n SPD systems given by their product, with reused scratch space. */
class ConjugateGradient {
  private readonly x: Float64Array;
  private readonly r: Float64Array;
  private readonly p: Float64Array;
  private readonly ap: Float64Array;

  constructor(maxN: number) {
    this.x = new Float64Array(maxN);
    this.r = new Float64Array(maxN);
    this.p = new Float64Array(maxN);
    this.ap = new Float64Array(maxN);
  }

  /** Improves table[at..at+n) towards the solution of A x = b by `steps` CG steps; `apply(v, out)` writes A v. */
  solve(n: number, table: Float64Array, at: number, b: Float64Array, steps: number, apply: (v: Float64Array, out: Float64Array) => void): void {
    const x = this.x.subarray(0, n);
    const r = this.r.subarray(0, n);
    const p = this.p.subarray(0, n);
    const ap = this.ap.subarray(0, n);
    x.set(table.subarray(at, at + n));
    apply(x, ap);
    let rs = 0;
    for (let c = 0; c < n; c++) {
      r[c] = b[c] - ap[c];
      p[c] = r[c];
      rs += r[c] * r[c];
    }
    for (let k = 0; k < steps && rs > 1e-20; k++) {
      apply(p, ap);
      let pap = 0;
      for (let c = 0; c < n; c++) pap += p[c] * ap[c];
      if (!(pap > 0)) break;
      const step = rs / pap;
      let next = 0;
      for (let c = 0; c < n; c++) {
        x[c] += step * p[c];
        r[c] -= step * ap[c];
        next += r[c] * r[c];
      }
      const beta = next / rs;
      for (let c = 0; c < n; c++) p[c] = r[c] + beta * p[c];
      rs = next;
    }
    table.set(x, at);
  }
}
