/** A chart's data as a table: what its CSV export writes. */
export interface ChartTable {
  header: string[];
  rows: unknown[][];
}

/** One CSV field: quoted when it holds a comma, quote or line break. */
function csvField(v: unknown): string {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A table as CSV text (RFC 4180). */
export function tableCsv(t: ChartTable): string {
  return [t.header, ...t.rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}
