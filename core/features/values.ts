import type { AttributeColumn, AttributeKind, AttributeValue, Dataset } from '../data';
import { InputError } from '../util';
import type { FeatureSide } from './types';

/**
 * The attribute column a transformer reads, checked against the kinds it accepts. A wrong
 * name or kind is the spec author's mistake, so the message lists what is there.
 */
export function attributeColumn(ds: Dataset, side: FeatureSide, name: string, kinds: readonly AttributeKind[]): AttributeColumn {
  const columns = side === 'user' ? ds.userAttributes : ds.itemAttributes;
  const col = columns.find((c) => c.name === name);
  if (!col) {
    const known = columns.map((c) => `${c.name} (${c.kind})`).join(', ') || 'none';
    throw new InputError(`Dataset '${ds.name}' has no ${side} attribute '${name}'. Its ${side} attributes: ${known}.`, 'SPEC');
  }
  if (!kinds.includes(col.kind)) {
    throw new InputError(
      `${side} attribute '${name}' of dataset '${ds.name}' is ${col.kind}; this transformer needs ${kinds.join(' or ')}. Pick another transformer or column.`,
      'SPEC',
    );
  }
  return col;
}

/** A categorical cell as a string, or null when missing (null, '' or NaN). */
export function categoryOf(v: AttributeValue | undefined): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isNaN(v) ? null : String(v);
  if (Array.isArray(v)) return v.length === 0 ? null : v.join('|');
  return v === '' ? null : v;
}

/**
 * A multi-valued cell as a token list. Datasets hold lists; a plain string (as a new
 * entity's attributes may come from a form or CSV) is split on '|', MovieLens style.
 */
export function tokensOf(v: AttributeValue | undefined): string[] {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return v.filter((t) => t !== '');
  if (typeof v === 'number') return Number.isNaN(v) ? [] : [String(v)];
  return v
    .split('|')
    .map((t) => t.trim())
    .filter((t) => t !== '');
}

/** A numeric cell, or NaN when missing or not a number (numeric strings are parsed). */
export function numberOf(v: AttributeValue | undefined): number {
  if (typeof v === 'number') return Number.isFinite(v) ? v : NaN;
  if (typeof v === 'string' && v.trim() !== '') {
    const x = Number(v);
    return Number.isFinite(x) ? x : NaN;
  }
  return NaN;
}

/** A text cell as a string ('' when missing; lists are joined with spaces). */
export function textOf(v: AttributeValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.join(' ');
  if (typeof v === 'number') return Number.isNaN(v) ? '' : String(v);
  return v;
}

/** The typed arrays fitted states keep as base64 text. */
type StoredArray = Float32Array | Float64Array | Int32Array;

/** Encodes a typed array as base64 of its little-endian bytes, for compact JSON state. */
export function encodeBase64(a: StoredArray): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

/** Inverse of `encodeBase64`, given the array type that was encoded: `decodeBase64(s, Float32Array)`. */
export function decodeBase64<T extends StoredArray>(s: string, kind: { new (length: number): T; readonly BYTES_PER_ELEMENT: number }): T {
  const b = Buffer.from(s, 'base64');
  const out = new kind(b.byteLength / kind.BYTES_PER_ELEMENT);
  new Uint8Array(out.buffer).set(b);
  return out;
}
