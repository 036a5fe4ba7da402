import fs from 'node:fs';
import path from 'node:path';
import type { AttributeKind, AttributeValue, Dataset } from '../data';

/** One recommended item of a user's top-K list, in original ids. */
export interface TopKRow {
  user: number;
  items: Int32Array;
  scores: Float32Array;
}

/** A CSV field, quoted (RFC 4180) when it holds a comma, a quote or a line break. */
export function csvField(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/**
 * Writes one part of a split as CSV with ORIGINAL user and item ids, so any outside tool
 * can rebuild the exact protocol: `user,item,rating,timestamp`.
 */
export function writeSplitCsv(file: string, ds: Dataset, index: Int32Array): void {
  const { user, item, rating, timestamp } = ds.interactions;
  const lines: string[] = ['user,item,rating,timestamp'];
  for (let k = 0; k < index.length; k++) {
    const p = index[k];
    const r = Number.isNaN(rating[p]) ? '' : String(rating[p]);
    const t = Number.isNaN(timestamp[p]) ? '' : String(timestamp[p]);
    lines.push(`${csvField(ds.userIds[user[p]])},${csvField(ds.itemIds[item[p]])},${r},${t}`);
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

/** Writes each user's ranked list as `user,item,rank,score` (rank starts at 1), original ids. */
export function writeTopKCsv(file: string, ds: Dataset, rows: Iterable<TopKRow>): void {
  const out: string[] = ['user,item,rank,score'];
  for (const r of rows) {
    const u = csvField(ds.userIds[r.user]);
    for (let j = 0; j < r.items.length; j++) out.push(`${u},${csvField(ds.itemIds[r.items[j]])},${j + 1},${r.scores[j]}`);
  }
  fs.writeFileSync(file, out.join('\n') + '\n');
}

/** Writes pretty JSON, creating the folder. */
export function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

/**
 * `items.json` of a run's artifacts: the catalogue in the run's dense item order (original
 * ids) and every item attribute column, so a run's recommendations can be shown with titles
 * and attributes whether or not it kept a model (baselines keep none).
 */
export interface RunItems {
  ids: string[];
  columns: { name: string; kind: AttributeKind; values: AttributeValue[] }[];
}

/** Writes a run's `items.json` from its dataset. */
export function writeRunItems(file: string, ds: Dataset): void {
  const items: RunItems = { ids: ds.itemIds, columns: ds.itemAttributes.map((c) => ({ name: c.name, kind: c.kind, values: c.values })) };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Compact: a large catalogue's attributes (text) would double in size pretty-printed.
  fs.writeFileSync(file, JSON.stringify(items) + '\n');
}
