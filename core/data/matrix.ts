import type { SparseRows } from '../util';

/**
 * Compressed sparse rows of a user x item 0/1 (or weighted) matrix. Rows are users,
 * `indices[indptr[u]..indptr[u+1]]` are the items of user `u`, sorted ascending and unique.
 */
export type CsrMatrix = SparseRows;

/**
 * Builds a CSR matrix from (row, col) pairs; duplicates are merged (values summed when
 * `values` is given, else set to 1). `subset` restricts to those positions of the arrays.
 */
export function buildCsr(
  nRows: number,
  nCols: number,
  rows: Int32Array,
  cols: Int32Array,
  subset?: Int32Array,
  values?: Float32Array,
): CsrMatrix {
  const n = subset ? subset.length : rows.length;
  const counts = new Int32Array(nRows + 1);
  for (let k = 0; k < n; k++) counts[rows[subset ? subset[k] : k] + 1]++;
  for (let r = 0; r < nRows; r++) counts[r + 1] += counts[r];
  const fill = counts.slice();
  const rawCols = new Int32Array(n);
  const rawVals = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const p = subset ? subset[k] : k;
    const at = fill[rows[p]]++;
    rawCols[at] = cols[p];
    rawVals[at] = values ? values[p] : 1;
  }
  // Sort each row by column and merge duplicates.
  const indptr = new Int32Array(nRows + 1);
  const indices = new Int32Array(n);
  const vals = new Float32Array(n);
  let out = 0;
  for (let r = 0; r < nRows; r++) {
    const start = counts[r];
    const end = counts[r + 1];
    const order = Array.from({ length: end - start }, (_, i) => start + i).sort((a, b) => rawCols[a] - rawCols[b]);
    let last = -1;
    for (const p of order) {
      if (rawCols[p] === last) {
        if (values) vals[out - 1] += rawVals[p];
        continue;
      }
      last = rawCols[p];
      indices[out] = rawCols[p];
      vals[out] = rawVals[p];
      out++;
    }
    indptr[r + 1] = out;
  }
  return { nRows, nCols, indptr, indices: indices.slice(0, out), values: vals.slice(0, out) };
}

/**
 * Transposed copy (items x users for a user x item matrix). A counting sort by column:
 * walking the rows in order leaves each output row sorted, so nothing needs a sort.
 */
export function transposeCsr(m: CsrMatrix): CsrMatrix {
  const nnz = m.indptr[m.nRows];
  const indptr = new Int32Array(m.nCols + 1);
  for (let p = 0; p < nnz; p++) indptr[m.indices[p] + 1]++;
  for (let c = 0; c < m.nCols; c++) indptr[c + 1] += indptr[c];
  const next = indptr.slice(0, m.nCols);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  for (let r = 0; r < m.nRows; r++) {
    for (let p = m.indptr[r]; p < m.indptr[r + 1]; p++) {
      const at = next[m.indices[p]]++;
      indices[at] = r;
      values[at] = m.values[p];
    }
  }
  return { nRows: m.nCols, nCols: m.nRows, indptr, indices, values };
}

/** Position in `m.indices` of entry (`r`, `c`), or -1: a binary search in the row (rows are sorted by column). */
export function entryIndex(m: CsrMatrix, r: number, c: number): number {
  let lo = m.indptr[r];
  let hi = m.indptr[r + 1] - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = m.indices[mid];
    if (v === c) return mid;
    if (v < c) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Row `r`'s column indices (a view, not a copy). */
export function rowOf(m: CsrMatrix, r: number): Int32Array {
  return m.indices.subarray(m.indptr[r], m.indptr[r + 1]);
}

/** Number of stored entries per column (item popularity for a user x item matrix). */
export function columnCounts(m: CsrMatrix): Int32Array {
  const c = new Int32Array(m.nCols);
  for (let p = 0; p < m.indices.length; p++) c[m.indices[p]]++;
  return c;
}
