import { RecLabError } from '../errors';

/*
 * The diagonal blocks of the blocked SPD inverse (at most a few hundred rows), in float64
 * JavaScript: their cost is n·nb²/3 against the n³ of the products around them, and
 * doing them in double precision keeps the float32 path's pivots accurate.
 */

/** The matrix has a pivot ≤ 0 (or NaN) in its Cholesky factorisation: it is not positive definite. */
export class NotPositiveDefiniteError extends RecLabError {
  constructor(
    readonly pivot: number,
    readonly value: number,
  ) {
    super(`The matrix is not positive definite: Cholesky pivot ${pivot} is ${value}.`, 'NOT_POSITIVE_DEFINITE', { pivot, value });
    this.name = 'NotPositiveDefiniteError';
  }
}

/**
 * Cholesky factor of the lower triangle of row-major d (b x b), in place: d's lower
 * triangle becomes L with L Lᵀ = d (the upper part is not read and not written).
 * `offset` names the block's first row in error messages.
 */
export function choleskyInPlace(d: Float64Array, b: number, offset = 0): void {
  for (let j = 0; j < b; j++) {
    const rj = j * b;
    let s = d[rj + j];
    for (let k = 0; k < j; k++) s -= d[rj + k] * d[rj + k];
    if (!(s > 0)) throw new NotPositiveDefiniteError(offset + j, s);
    const pivot = Math.sqrt(s);
    d[rj + j] = pivot;
    const inv = 1 / pivot;
    for (let i = j + 1; i < b; i++) {
      const ri = i * b;
      let t = d[ri + j];
      for (let k = 0; k < j; k++) t -= d[ri + k] * d[rj + k];
      d[ri + j] = t * inv;
    }
  }
}

/**
 * M = L⁻¹ for the lower triangle L of row-major l (b x b); M is lower triangular with
 * zeros above the diagonal. Row i of M = (e_i - Σ_{k<i} L[i][k] M[k]) / L[i][i].
 */
export function lowerInverse(l: Float64Array, b: number): Float64Array {
  const m = new Float64Array(b * b);
  for (let i = 0; i < b; i++) {
    const ri = i * b;
    m[ri + i] = 1;
    for (let k = 0; k < i; k++) {
      const f = l[ri + k];
      if (f === 0) continue;
      const rk = k * b;
      for (let j = 0; j <= k; j++) m[ri + j] -= f * m[rk + j];
    }
    const inv = 1 / l[ri + i];
    for (let j = 0; j <= i; j++) m[ri + j] *= inv;
  }
  return m;
}
