import { createHash } from 'node:crypto';

/** Hex SHA-256 over a sequence of strings and typed arrays, in order. */
export function sha256(...parts: (string | ArrayBufferView)[]): string {
  const h = createHash('sha256');
  for (const p of parts) {
    if (typeof p === 'string') h.update(p, 'utf8');
    else h.update(new Uint8Array(p.buffer, p.byteOffset, p.byteLength));
  }
  return h.digest('hex');
}

/** JSON with object keys sorted, so equal values hash equally. */
export function stableStringify(v: unknown): string {
  if (v === undefined) return 'null';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableStringify(o[k])}`)
    .join(',')}}`;
}
