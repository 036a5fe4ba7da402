import { sha256 as sha256Hash } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';

/**
 * Hex SHA-256 over a sequence of strings (as UTF-8) and typed arrays (their bytes), in
 * order. Pure JS (@noble/hashes) rather than node:crypto, so core/util stays browser-safe;
 * the digests are the same SHA-256 as before (test/core/util/hash.test.ts compares them
 * with node:crypto), so stored fingerprints keep matching.
 */
export function sha256(...parts: (string | ArrayBufferView)[]): string {
  const h = sha256Hash.create();
  for (const p of parts) h.update(typeof p === 'string' ? utf8ToBytes(p) : new Uint8Array(p.buffer, p.byteOffset, p.byteLength));
  return bytesToHex(h.digest());
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
