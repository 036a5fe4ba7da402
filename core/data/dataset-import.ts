import fs from 'node:fs';
import path from 'node:path';
import { csvImportSchema, formatIssues, type CsvImportSpec, type DataSpec } from '../spec';
import { InputError } from '../util';
import { detectDelimiter, detectHeader, inferAttributeKind, parseCsv, readCsvTable, type CsvReadOptions, type CsvTable } from './csv';
import { loadDataset } from './load';
import { loadMovieLens100k } from './movielens';
import { datasetStats, type DatasetStats } from './stats';
import type { AttributeKind } from './types';
import { checkDatasetName, readWorkspaceDatasets, saveWorkspaceDataset } from './workspace-datasets';

/**
 * Importing a dataset into a workspace, shared by `reclab datasets import` and the app:
 * a CSV mapping checked against core/spec's strict schema (paths made absolute), every
 * file read and checked (errors name file, line and column), then, only when all of it
 * loaded, the dataset registered in the workspace's datasets.json with its summary.
 */

/** Where an import is: one event per file read, then the checks, then registering. */
export interface ImportProgress {
  name: string;
  stage: 'reading' | 'checking' | 'registering' | 'done';
  /** The file being read (absolute). */
  file?: string;
  /** 0..1 over the whole import. */
  fraction: number;
  message: string;
}

export interface ImportedDataset {
  name: string;
  spec: DataSpec;
  stats: DatasetStats;
}

export interface ImportOptions {
  /** Replace a dataset of the same name; otherwise that is refused (EXISTS). */
  replace?: boolean;
  onProgress?: (p: ImportProgress) => void;
}

/**
 * A CSV mapping (raw JSON) as a data spec: checked against the strict mapping schema (an
 * unknown key names the key meant), with every path resolved against `baseDir`.
 */
export function csvMappingSpec(raw: unknown, baseDir: string, label = 'the CSV mapping'): DataSpec {
  const parsed = csvImportSchema.safeParse(raw);
  if (!parsed.success) throw new InputError(`${label}: invalid CSV mapping: ${formatIssues(parsed.error).join('; ')}`, 'MAPPING');
  const abs = <T extends { path: string }>(f: T): T => ({ ...f, path: path.resolve(baseDir, f.path) });
  const m = parsed.data;
  const csv: CsvImportSpec = { interactions: abs(m.interactions) };
  if (m.items) csv.items = abs(m.items);
  if (m.users) csv.users = abs(m.users);
  if (m.itemAttributes) csv.itemAttributes = m.itemAttributes.map(abs);
  if (m.userAttributes) csv.userAttributes = m.userAttributes.map(abs);
  return { source: 'csv', csv };
}

/** Reads a mapping file (JSON) as a data spec, paths relative to the file's folder. */
export function readCsvMappingFile(file: string): DataSpec {
  const mappingFile = path.resolve(file);
  if (!fs.existsSync(mappingFile)) throw new InputError(`Mapping file not found: ${mappingFile}`, 'NOT_FOUND', { file: mappingFile });
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(mappingFile, 'utf8'));
  } catch (e) {
    throw new InputError(`${mappingFile} is not valid JSON (${(e as Error).message}).`, 'MAPPING_JSON', { file: mappingFile });
  }
  return csvMappingSpec(raw, path.dirname(mappingFile), mappingFile);
}

/** The files a CSV spec reads, each with its read options and role. */
function mappingFiles(csv: CsvImportSpec): { file: string; opts: CsvReadOptions; role: string }[] {
  const of = (f: { path: string; delimiter?: string; header?: boolean; listSeparator?: string }, role: string) => ({
    file: f.path,
    opts: { delimiter: f.delimiter, header: f.header, listSeparator: f.listSeparator },
    role,
  });
  return [
    ...(csv.items ? [of(csv.items, 'items')] : []),
    ...(csv.users ? [of(csv.users, 'users')] : []),
    of(csv.interactions, 'interactions'),
    ...(csv.itemAttributes ?? []).map((f) => of(f, `item attribute '${f.as ?? f.column}'`)),
    ...(csv.userAttributes ?? []).map((f) => of(f, `user attribute '${f.as ?? f.column}'`)),
  ];
}

function tableKey(file: string, opts: CsvReadOptions): string {
  return JSON.stringify([path.resolve(file), opts.delimiter ?? null, opts.header ?? null, opts.listSeparator ?? null]);
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Imports a dataset (`source` `movielens-100k` or `csv`, absolute paths) under `name`: reads
 * and checks every file, reporting progress per file, and registers it in `datasetsFile` only
 * when all of it loaded, so a failed import leaves the workspace as it was. `baseDir` resolves
 * relative paths (default the current folder).
 */
export async function importWorkspaceDataset(datasetsFile: string, name: string, spec: DataSpec, opts: ImportOptions & { baseDir?: string } = {}): Promise<ImportedDataset> {
  checkDatasetName(name);
  if (!opts.replace && readWorkspaceDatasets(datasetsFile)[name])
    throw new InputError(`A dataset named '${name}' is already imported; choose another name, or replace it.`, 'EXISTS', { name });
  const baseDir = opts.baseDir ?? process.cwd();
  const report = (stage: ImportProgress['stage'], fraction: number, message: string, file?: string) =>
    opts.onProgress?.({ name, stage, fraction, message, ...(file ? { file } : {}) });
  let ds;
  if (spec.source === 'csv') {
    if (!spec.csv) throw new InputError('A CSV import needs a mapping (interactions file and its columns).', 'MAPPING');
    const files = mappingFiles(spec.csv);
    const tables = new Map<string, CsvTable>();
    for (const [k, f] of files.entries()) {
      const file = path.resolve(baseDir, f.file);
      report('reading', (0.8 * k) / files.length, `reading ${f.role}: ${path.basename(file)} (${k + 1} of ${files.length})`, file);
      // Let the progress event out before the (synchronous) parse of this file.
      await yieldToEventLoop();
      const key = tableKey(file, f.opts);
      if (!tables.has(key)) tables.set(key, readCsvTable(file, f.opts));
    }
    report('checking', 0.8, 'checking ids, values and attributes');
    await yieldToEventLoop();
    const read = (file: string, o: CsvReadOptions) => tables.get(tableKey(file, o)) ?? readCsvTable(file, o);
    ds = loadDataset(spec, baseDir, {}, read);
  } else if (spec.source === 'movielens-100k') {
    report('reading', 0, `reading MovieLens 100K from ${spec.path ?? 'its default places'}`, spec.path);
    await yieldToEventLoop();
    ds = loadDataset(spec, baseDir);
  } else {
    throw new InputError(`Only MovieLens 100K and CSV files are imported; got source '${spec.source}'.`, 'USAGE');
  }
  report('registering', 0.95, 'computing the summary and registering');
  await yieldToEventLoop();
  const stats = datasetStats(ds);
  saveWorkspaceDataset(datasetsFile, name, { spec, imported: new Date().toISOString(), stats: stats as unknown as Record<string, unknown> });
  report('done', 1, `imported '${name}': ${stats.users} users, ${stats.items} items, ${stats.interactions} interactions`);
  return { name, spec, stats };
}

// ---- previews

/** The first rows of a CSV file as an import form shows them. */
export interface CsvPreview {
  kind: 'csv';
  file: string;
  bytes: number;
  delimiter: string;
  hasHeader: boolean;
  columns: { name: string; kind: AttributeKind; samples: string[] }[];
  rows: string[][];
  /** More rows follow those shown. */
  truncated: boolean;
  /** Columns whose names suggest a role in the interactions mapping. */
  suggested: { user?: string; item?: string; rating?: string; timestamp?: string };
}

/** A MovieLens 100K folder or zip at a glance. */
export interface MovieLensPreview {
  kind: 'movielens';
  path: string;
  stats: Pick<DatasetStats, 'users' | 'items' | 'interactions' | 'density' | 'explicit' | 'ratingMean' | 'timeRange'>;
  items: { id: string; title: string | null; genres: string[]; year: number | null }[];
}

/** A folder that is not MovieLens: the CSV-like files in it, to choose from. */
export interface FolderPreview {
  kind: 'folder';
  path: string;
  files: { name: string; path: string; bytes: number }[];
}

export type DataPreview = CsvPreview | MovieLensPreview | FolderPreview;

const HEAD_BYTES = 256 * 1024;
const ROLE_PATTERNS: [keyof CsvPreview['suggested'], RegExp][] = [
  ['user', /^(user|users|user_?id|userid|customer|customer_?id|visitor_?id)$/i],
  ['item', /^(item|items|item_?id|itemid|movie_?id|movieid|product|product_?id|book_?id|isbn|track_?id)$/i],
  ['rating', /^(rating|ratings|score|stars|value)$/i],
  ['timestamp', /^(timestamp|time|ts|date|datetime|event_?time|created_?at)$/i],
];

/**
 * A CSV file's first `rows` data rows, read from its first 256 KiB only: the delimiter and
 * header as the import would detect them (or as given), each column with an inferred
 * attribute kind and samples, and the columns that look like user, item, rating and time.
 */
export function previewCsvFile(file: string, opts: CsvReadOptions & { rows?: number } = {}): CsvPreview {
  if (!fs.existsSync(file)) throw new InputError(`File not found: ${file}. Give an absolute path or one relative to the workspace folder.`, 'NOT_FOUND', { file });
  const bytes = fs.statSync(file).size;
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(Math.min(HEAD_BYTES, bytes));
  try {
    fs.readSync(fd, buf, 0, buf.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  let text = buf.toString('utf8');
  const whole = buf.length === bytes;
  if (!whole) text = text.slice(0, text.lastIndexOf('\n') + 1);
  if (text.replace(/^\ufeff/, '').trim() === '') throw new InputError(`CSV file is empty: ${file}.`, 'CSV_EMPTY', { file });
  const delimiter = opts.delimiter ?? detectDelimiter(text.slice(0, 64 * 1024), opts.listSeparator);
  let parsed: { rows: string[][]; lines: number[] } | undefined;
  // The head may end inside a quoted field that holds a line break: drop the last line and try again.
  for (let attempt = 0; attempt < 20 && !parsed; attempt++) {
    try {
      parsed = parseCsv(text, delimiter, file);
    } catch (e) {
      if (whole || (e as InputError).code !== 'CSV_QUOTE') throw e;
      text = text.slice(0, text.lastIndexOf('\n', text.length - 2) + 1);
    }
  }
  if (!parsed) throw new InputError(`${file}: could not find where the first rows end (an unclosed quote?).`, 'CSV_QUOTE', { file });
  const hasHeader = opts.header ?? detectHeader(parsed.rows);
  const width = parsed.rows[0]?.length ?? 0;
  const names = hasHeader ? parsed.rows[0].map((c) => c.trim()) : Array.from({ length: width }, (_, j) => String(j + 1));
  const body = hasHeader ? parsed.rows.slice(1) : parsed.rows;
  const shown = body.slice(0, opts.rows ?? 20);
  const columns = names.map((name, j) => {
    const values = body.map((r) => r[j] ?? '');
    return { name, kind: inferAttributeKind(values, opts.listSeparator ?? '|'), samples: [...new Set(values.filter((v) => v.trim() !== ''))].slice(0, 5) };
  });
  const suggested: CsvPreview['suggested'] = {};
  for (const [role, re] of ROLE_PATTERNS) {
    const hit = names.find((n) => re.test(n));
    if (hit && !Object.values(suggested).includes(hit)) suggested[role] = hit;
  }
  return { kind: 'csv', file, bytes, delimiter, hasHeader, columns, rows: shown, truncated: body.length > shown.length || !whole, suggested };
}

function isMovieLens(p: string): boolean {
  if (!fs.statSync(p).isDirectory()) return /\.zip$/i.test(p);
  return fs.existsSync(path.join(p, 'u.data')) || fs.existsSync(path.join(p, 'ml-100k', 'u.data'));
}

/**
 * What an import form shows for a path: a MovieLens 100K folder or zip (loaded: its summary
 * and first movies), a CSV file (its first rows), or another folder (its CSV-like files).
 */
export function previewDataPath(p: string, opts: CsvReadOptions & { rows?: number } = {}): DataPreview {
  if (!fs.existsSync(p)) throw new InputError(`Nothing at ${p}. Give an absolute path or one relative to the workspace folder.`, 'NOT_FOUND', { path: p });
  if (isMovieLens(p)) {
    const ds = loadMovieLens100k(p);
    const s = datasetStats(ds);
    const col = (name: string) => ds.itemAttributes.find((c) => c.name === name)!.values;
    const [title, genres, year] = [col('title'), col('genres'), col('year')];
    return {
      kind: 'movielens',
      path: p,
      stats: { users: s.users, items: s.items, interactions: s.interactions, density: s.density, explicit: s.explicit, ratingMean: s.ratingMean, timeRange: s.timeRange },
      items: ds.itemIds.slice(0, opts.rows ?? 20).map((id, i) => ({ id, title: title[i] as string | null, genres: (genres[i] as string[] | null) ?? [], year: year[i] as number | null })),
    };
  }
  if (fs.statSync(p).isDirectory()) {
    const files = fs
      .readdirSync(p, { withFileTypes: true })
      .filter((e) => e.isFile() && /\.(csv|tsv|txt|dat)$/i.test(e.name))
      .map((e) => ({ name: e.name, path: path.join(p, e.name), bytes: fs.statSync(path.join(p, e.name)).size }))
      .sort((a, b) => a.name.localeCompare(b.name))
      .slice(0, 500);
    return { kind: 'folder', path: p, files };
  }
  return previewCsvFile(p, opts);
}
