import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../util';
import type { DataSpec } from '../spec';
import type { Dataset } from './types';
import { generateSampleDataset } from './sample';
import { loadMovieLens100k } from './movielens';
import { importCsvDataset, type CsvTableReader } from './csv';
import { kcoreFilter, toImplicit } from './transform';

/** Environment variable naming the ML-100K folder or zip when the spec gives no path. */
export const ML100K_ENV = 'RECLAB_ML100K';

/**
 * Where ML-100K is looked for when the spec has no path, in order: $RECLAB_ML100K, then
 * `ml-100k` (folder) and `ml-100k.zip` under `datasets`, `.reclab/downloads` (where
 * `reclab datasets download ml-100k` puts them), `.reclab/datasets` and `shared/datasets` of `baseDir` and
 * of its parents up to three levels (so a notebook in `experiments/` finds the data
 * next to the workspace).
 */
export function movieLens100kCandidates(baseDir: string, env: NodeJS.ProcessEnv = process.env, parentLevels = 3): string[] {
  const found: string[] = [];
  if (env[ML100K_ENV]) found.push(path.resolve(baseDir, env[ML100K_ENV]!));
  let dir = path.resolve(baseDir);
  for (let level = 0; level <= parentLevels; level++) {
    for (const sub of ['datasets', path.join('.reclab', 'downloads'), path.join('.reclab', 'datasets'), path.join('shared', 'datasets')])
      for (const leaf of ['ml-100k', 'ml-100k.zip']) {
        const c = path.join(dir, sub, leaf);
        if (!found.includes(c)) found.push(c);
      }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return found;
}

/**
 * Where a data spec without a path is looked for. Defaults suit users; tests pass their
 * own so that a `shared/datasets` above the temporary folder does not change what they see.
 */
export interface DataSearchOptions {
  env?: NodeJS.ProcessEnv;
  /** How many parents of `baseDir` are searched (default 3). */
  parentLevels?: number;
}

function locateMovieLens100k(baseDir: string, search: DataSearchOptions): string {
  const candidates = movieLens100kCandidates(baseDir, search.env, search.parentLevels);
  const hit = candidates.find((c) => fs.existsSync(c));
  if (!hit)
    throw new InputError(
      `MovieLens 100K was not found. Set data.path to the unpacked ml-100k folder or to ml-100k.zip, set ${ML100K_ENV}, or run \`reclab datasets download ml-100k\`. Looked in: ${candidates.join(', ')}.`,
      'ML100K_MISSING',
      { candidates },
    );
  return hit;
}

/** Every `path` a CSV mapping names (interactions, items, users, and any other file it lists). */
function csvPaths(v: unknown): string[] {
  if (Array.isArray(v)) return v.flatMap(csvPaths);
  if (!v || typeof v !== 'object') return [];
  return Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => (k === 'path' && typeof x === 'string' ? [x] : csvPaths(x)));
}

/**
 * Checks, without reading them, that the files a data spec names are there (a CSV
 * mapping's files, a MovieLens folder or zip), so a run that could not even start is
 * refused before it is recorded. Errors say which file and what to do.
 */
export function checkDataSpecFiles(spec: DataSpec, baseDir: string, search: DataSearchOptions = {}): void {
  if (spec.source === 'movielens-100k') {
    if (spec.path) {
      const p = path.resolve(baseDir, spec.path);
      if (!fs.existsSync(p)) throw new InputError(`MovieLens 100K was not found at ${p} (data.path). Give the unpacked ml-100k folder or ml-100k.zip.`, 'ML100K_MISSING');
    } else locateMovieLens100k(baseDir, search);
  } else if (spec.source === 'csv' && spec.csv) {
    for (const rel of csvPaths(spec.csv)) {
      const file = path.resolve(baseDir, rel);
      if (!fs.existsSync(file)) throw new InputError(`CSV file not found: ${file}. Check the path (relative paths are resolved from the notebook's folder).`, 'CSV_MISSING', { file });
    }
  }
}

/**
 * Loads the dataset a data spec describes (paths relative to `baseDir`, the notebook's
 * folder), then keeps ratings >= `implicit.threshold` and applies the `kcore` filter,
 * in that order. A `workspace` spec must be resolved to its imported spec first. `readTable`
 * reads a CSV mapping's files (an importer passes the tables it already read).
 */
export function loadDataset(spec: DataSpec, baseDir: string, search: DataSearchOptions = {}, readTable?: CsvTableReader): Dataset {
  let ds: Dataset;
  switch (spec.source) {
    case 'sample':
      ds = generateSampleDataset(spec.sample ?? {});
      break;
    case 'movielens-100k':
      ds = loadMovieLens100k(spec.path ? path.resolve(baseDir, spec.path) : locateMovieLens100k(baseDir, search));
      break;
    case 'csv':
      if (!spec.csv)
        throw new InputError('data.source is "csv" but data.csv is missing: give the interactions file and its column mapping (data.csv.interactions).', 'SPEC');
      ds = importCsvDataset(spec.csv, baseDir, spec.name, readTable);
      break;
    case 'workspace':
      throw new InputError(
        `data.source "workspace" (dataset '${spec.name ?? ''}') must be resolved to the imported dataset's spec before loading; open the notebook inside its workspace or use the dataset's own source.`,
        'SPEC',
      );
    default:
      throw new InputError(`Unknown data.source ${JSON.stringify((spec as { source: unknown }).source)}; use "sample", "movielens-100k" or "csv".`, 'SPEC');
  }
  if (spec.implicit) ds = toImplicit(ds, spec.implicit.threshold);
  if (spec.kcore) ds = kcoreFilter(ds, spec.kcore);
  return ds;
}
