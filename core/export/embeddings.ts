import fs from 'node:fs';
import path from 'node:path';
import { BugIndicatingError } from '../util';

/**
 * Item vectors in the TensorBoard Embedding Projector format
 * (https://projector.tensorflow.org, "Load"): a vectors TSV with one row per item and
 * no header, and a metadata TSV with a header row and one row per item in the same
 * order. (With a single metadata column the projector expects no header; we always
 * write at least two columns, id and one more, so the header is required.)
 */

/** A TSV cell: tabs and line breaks would break the row, so they become spaces. */
export function tsvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = Array.isArray(v) ? v.join('|') : String(v);
  return s.replace(/[\t\r\n]+/g, ' ');
}

/** Writes `rows x dim` vectors (row-major) as tab-separated numbers, one row per line. */
export function writeEmbeddingsTsv(file: string, vectors: Float32Array, rows: number, dim: number): void {
  if (vectors.length !== rows * dim) throw new BugIndicatingError(`embeddings: ${vectors.length} values is not ${rows} x ${dim}`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const lines: string[] = new Array(rows);
  for (let r = 0; r < rows; r++) {
    const parts: string[] = new Array(dim);
    // 7 significant digits: float32 precision, no longer lines than needed.
    for (let d = 0; d < dim; d++) parts[d] = Number(vectors[r * dim + d].toPrecision(7)).toString();
    lines[r] = parts.join('\t');
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

/** Writes a metadata TSV: header `columns`, then one row per entry of `rows`. */
export function writeMetadataTsv(file: string, columns: string[], rows: unknown[][]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const lines = [columns.map(tsvCell).join('\t'), ...rows.map((r) => r.map(tsvCell).join('\t'))];
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

/** Reads a vectors TSV back (for tests and tools): `{rows, dim, values}`. */
export function readEmbeddingsTsv(file: string): { rows: number; dim: number; values: Float32Array } {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);
  const dim = lines.length > 0 ? lines[0].split('\t').length : 0;
  const values = new Float32Array(lines.length * dim);
  lines.forEach((l, r) => l.split('\t').forEach((x, d) => (values[r * dim + d] = Number(x))));
  return { rows: lines.length, dim, values };
}
