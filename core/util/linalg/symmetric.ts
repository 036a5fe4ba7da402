/** Copies the lower triangle of row-major x (n x n) onto its upper triangle, in cache-sized tiles. */
export function mirrorLower(x: Float32Array | Float64Array, n: number): void {
  const B = 64;
  for (let i0 = 0; i0 < n; i0 += B) {
    const i1 = Math.min(n, i0 + B);
    for (let j0 = 0; j0 <= i0; j0 += B) {
      const j1 = Math.min(n, j0 + B);
      for (let i = i0; i < i1; i++) {
        const ri = i * n;
        const jEnd = Math.min(j1, i);
        for (let j = j0; j < jEnd; j++) x[j * n + i] = x[ri + j];
      }
    }
  }
}
