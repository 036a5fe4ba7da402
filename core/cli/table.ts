/**
 * Renders rows as an aligned plain-text table: columns of numbers right-aligned, others
 * left, unless `rightAligned` says which (for numbers already formatted, with marks).
 */
export function formatTable(header: string[], rows: (string | number | undefined)[][], rightAligned?: boolean[]): string {
  const cells = rows.map((r) => r.map((c) => (c === undefined ? '-' : typeof c === 'number' ? formatNumber(c) : c)));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const numeric = rightAligned ?? header.map((_, i) => rows.every((r) => r[i] === undefined || typeof r[i] === 'number'));
  const line = (r: string[]) => r.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Inf' : '-Inf';
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
  return Math.abs(v) >= 1000 ? v.toFixed(1) : v.toFixed(4);
}
