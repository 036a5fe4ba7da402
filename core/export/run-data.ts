import fs from 'node:fs';
import path from 'node:path';
import { buildCsr, parseCsv, type AttributeKind, type AttributeValue, type CsrMatrix } from '../data';
import type { ExperimentSpec } from '../spec';
import { InputError } from '../util';
import type { BundleIds, BundleItems } from './bundle';
import type { RunItems } from './run-artifacts';

/** Folder name of a run's model bundle inside its artifact folder. */
export const RUN_BUNDLE_DIR = 'bundle';

/** One top-K list of the run's evaluation (topk.csv), in dense indices. */
export interface EvaluatedList {
  items: Int32Array;
  scores: Float32Array;
}

/** A split part (train, valid or test) by user, in dense indices. */
export interface SplitPart {
  /** user x item, 0/1, repeats merged: what evaluation masks. */
  matrix: CsrMatrix;
  /** The part's rows grouped by user (`ptr[u]..ptr[u+1]`), in file order, with time and rating (NaN when absent). */
  rows: { ptr: Int32Array; items: Int32Array; timestamp: Float64Array; rating: Float32Array };
}

/**
 * What a finished run left in its artifact folder, read once and indexed: the catalogue
 * with attributes, the users, the three split parts, the evaluation's top-K lists, and
 * where its bundle is. Dense indices are the run's own (the bundle's ids.json) when it has
 * a bundle, so the seeded tie order of core/eval applies to them as it did in evaluation.
 */
export interface RunData {
  dir: string;
  spec: ExperimentSpec;
  itemIds: string[];
  itemIndex: Map<string, number>;
  itemColumns: { name: string; kind: AttributeKind; values: AttributeValue[] }[];
  /** Where the catalogue came from: the run's items.json, its bundle, or (older baseline runs) the split files alone. */
  itemsFrom: 'items.json' | 'bundle' | 'splits';
  userIds: string[];
  userIndex: Map<string, number>;
  train: SplitPart;
  valid: SplitPart;
  test: SplitPart;
  /** Training interactions per item. */
  popularity: Int32Array;
  /** The evaluation's lists by dense user index (test users with a relevant item). */
  evaluated: Map<number, EvaluatedList>;
  /** Length of the evaluation's lists (the largest evaluate K). */
  evaluatedK: number;
  /** The bundle folder, when the run kept a model. */
  bundleDir?: string;
  /** The column shown as an item's title (`title`, `name`, else the first text column), if any. */
  titleColumn?: string;
}

function readJsonFile<T>(file: string): T {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch (e) {
    throw new InputError(`${file}: not valid JSON (${(e as Error).message}); the run's artifacts are damaged.`, 'ARTIFACTS');
  }
}

function requireFile(dir: string, name: string): string {
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) {
    throw new InputError(
      `${file} is missing: the run has no evaluation artifacts (it did not finish, or its folder was changed). Inspect a FINISHED run, or run it again.`,
      'NO_ARTIFACTS',
      { file },
    );
  }
  return file;
}

/** Rows of one of the run's CSV files, header checked. */
function readRunCsv(file: string, header: string[]): { rows: string[][]; lines: number[] } {
  const { rows, lines } = parseCsv(fs.readFileSync(file, 'utf8'), ',', file);
  const got = rows.shift();
  lines.shift();
  if (!got || header.some((h, j) => got[j] !== h)) throw new InputError(`${file}: expected the header ${header.join(',')}, found ${got?.join(',') ?? 'nothing'}.`, 'ARTIFACTS');
  return { rows, lines };
}

/** Picks the column shown as an item's title. */
export function titleColumnOf(columns: { name: string; kind: AttributeKind }[]): string | undefined {
  const byName = columns.find((c) => /^(title|name)$/i.test(c.name));
  return (byName ?? columns.find((c) => c.kind === 'text'))?.name;
}

/** Interns ids in order of first appearance. */
function intern(id: string, index: Map<string, number>, ids: string[]): number {
  let k = index.get(id);
  if (k === undefined) {
    k = ids.length;
    index.set(id, k);
    ids.push(id);
  }
  return k;
}

/**
 * Reads a run's artifact folder (train/valid/test/topk CSVs, spec.json, items.json, and the
 * bundle's ids when present). Throws an InputError naming the missing or damaged file.
 */
export function readRunData(dir: string): RunData {
  const spec = readJsonFile<ExperimentSpec>(requireFile(dir, 'spec.json'));
  const splitFiles = (['train', 'valid', 'test'] as const).map((p) => readRunCsv(requireFile(dir, `${p}.csv`), ['user', 'item', 'rating', 'timestamp']));
  const topk = readRunCsv(requireFile(dir, 'topk.csv'), ['user', 'item', 'rank', 'score']);
  const bundleDir = path.join(dir, RUN_BUNDLE_DIR);
  const hasBundle = fs.existsSync(path.join(bundleDir, 'manifest.json'));

  // Dense orders: the bundle's (= the run's dataset order) when there is one.
  const bundleIds = hasBundle ? readJsonFile<BundleIds>(path.join(bundleDir, 'ids.json')) : undefined;
  const runItemsFile = path.join(dir, 'items.json');
  let itemIds: string[];
  let itemColumns: RunData['itemColumns'];
  let itemsFrom: RunData['itemsFrom'];
  if (fs.existsSync(runItemsFile)) {
    const items = readJsonFile<RunItems>(runItemsFile);
    itemIds = items.ids;
    itemColumns = items.columns;
    itemsFrom = 'items.json';
  } else if (bundleIds) {
    itemIds = bundleIds.items;
    itemColumns = readJsonFile<BundleItems>(path.join(bundleDir, 'items.json')).columns ?? [];
    itemsFrom = 'bundle';
  } else {
    itemIds = [];
    itemColumns = [];
    itemsFrom = 'splits';
  }
  if (bundleIds && (bundleIds.items.length !== itemIds.length || bundleIds.items.some((id, i) => itemIds[i] !== id)))
    throw new InputError(`${runItemsFile} and ${path.join(bundleDir, 'ids.json')} list different items; the run's artifacts are damaged.`, 'ARTIFACTS');
  const itemIndex = new Map(itemIds.map((id, i) => [id, i]));
  const userIds = bundleIds ? [...bundleIds.users] : [];
  const userIndex = new Map(userIds.map((id, u) => [id, u]));
  const closedUsers = bundleIds !== undefined;
  const closedItems = itemsFrom !== 'splits';

  const lookup = (file: string, line: number, id: string, index: Map<string, number>, ids: string[], closed: boolean, what: string): number => {
    if (!closed) return intern(id, index, ids);
    const k = index.get(id);
    if (k === undefined) throw new InputError(`${file}, line ${line}: ${what} '${id}' is not in the run's catalogue; the run's artifacts are damaged.`, 'ARTIFACTS');
    return k;
  };

  const parts = splitFiles.map(({ rows, lines }, p) => {
    const file = path.join(dir, `${['train', 'valid', 'test'][p]}.csv`);
    const n = rows.length;
    const users = new Int32Array(n);
    const items = new Int32Array(n);
    const ts = new Float64Array(n);
    const rating = new Float32Array(n);
    for (let r = 0; r < n; r++) {
      const row = rows[r];
      users[r] = lookup(file, lines[r], row[0], userIndex, userIds, closedUsers, 'user');
      items[r] = lookup(file, lines[r], row[1], itemIndex, itemIds, closedItems, 'item');
      rating[r] = row[2] === '' ? NaN : Number(row[2]);
      ts[r] = row[3] === '' ? NaN : Number(row[3]);
    }
    return { users, items, ts, rating };
  });
  const topUsers: number[] = [];
  const topItems: number[] = [];
  const topScores: number[] = [];
  const topFile = path.join(dir, 'topk.csv');
  topk.rows.forEach((row, r) => {
    topUsers.push(lookup(topFile, topk.lines[r], row[0], userIndex, userIds, closedUsers, 'user'));
    topItems.push(lookup(topFile, topk.lines[r], row[1], itemIndex, itemIds, closedItems, 'item'));
    topScores.push(Number(row[3]));
  });

  const nU = userIds.length;
  const nI = itemIds.length;
  const part = (p: number): SplitPart => {
    const { users, items, ts, rating } = parts[p];
    // The rows of each user in file order (a counting sort), times and ratings carried along.
    const ptr = new Int32Array(nU + 1);
    for (const u of users) ptr[u + 1]++;
    for (let u = 0; u < nU; u++) ptr[u + 1] += ptr[u];
    const fill = ptr.slice();
    const rowItems = new Int32Array(users.length);
    const rowTime = new Float64Array(users.length);
    const rowRating = new Float32Array(users.length);
    for (let r = 0; r < users.length; r++) {
      const at = fill[users[r]]++;
      rowItems[at] = items[r];
      rowTime[at] = ts[r];
      rowRating[at] = rating[r];
    }
    return { matrix: buildCsr(nU, nI, users, items), rows: { ptr, items: rowItems, timestamp: rowTime, rating: rowRating } };
  };
  const train = part(0);
  const popularity = new Int32Array(nI);
  for (const i of train.matrix.indices) popularity[i]++;

  const evaluated = new Map<number, EvaluatedList>();
  let evaluatedK = 0;
  for (let r = 0; r < topUsers.length; ) {
    let end = r;
    while (end < topUsers.length && topUsers[end] === topUsers[r]) end++;
    evaluated.set(topUsers[r], { items: Int32Array.from(topItems.slice(r, end)), scores: Float32Array.from(topScores.slice(r, end)) });
    evaluatedK = Math.max(evaluatedK, end - r);
    r = end;
  }
  return {
    dir,
    spec,
    itemIds,
    itemIndex,
    itemColumns,
    itemsFrom,
    userIds,
    userIndex,
    train,
    valid: part(1),
    test: part(2),
    popularity,
    evaluated,
    evaluatedK,
    bundleDir: hasBundle ? bundleDir : undefined,
    titleColumn: titleColumnOf(itemColumns),
  };
}
