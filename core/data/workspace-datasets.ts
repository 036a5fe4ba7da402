import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../util';
import type { DataSpec } from '../spec';

/**
 * Datasets imported into a workspace: a name -> data spec map kept in
 * `<workspace>/.reclab/datasets.json`. Importing records where the data is and how to
 * read it (paths made absolute); the data itself stays where the user keeps it.
 */
export interface WorkspaceDatasets {
  [name: string]: { spec: DataSpec; imported: string; stats?: Record<string, unknown> };
}

export function readWorkspaceDatasets(file: string): WorkspaceDatasets {
  if (!fs.existsSync(file)) return {};
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as WorkspaceDatasets;
  } catch (e) {
    throw new InputError(`${file} is not valid JSON (${(e as Error).message}); fix or remove it to re-import datasets.`, 'DATASETS_FILE');
  }
}

/** Refuses a name that could not be a dataset's (checked before any file is read). */
export function checkDatasetName(name: string): void {
  if (!/^[\w.-]+$/.test(name)) throw new InputError(`Dataset name '${name}' may hold only letters, digits, '.', '_' and '-'.`, 'DATASET_NAME', { name });
}

export function saveWorkspaceDataset(file: string, name: string, entry: WorkspaceDatasets[string]): void {
  checkDatasetName(name);
  const all = readWorkspaceDatasets(file);
  all[name] = entry;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Write then rename, so a crash mid-write never leaves a half file.
  fs.writeFileSync(file + '.tmp', JSON.stringify(all, null, 2) + '\n');
  fs.renameSync(file + '.tmp', file);
}

/** Replaces a `workspace` data spec by the imported dataset's spec (keeping implicit/kcore overrides). */
export function resolveDataSpec(spec: DataSpec, datasetsFile: string | undefined): DataSpec {
  if (spec.source !== 'workspace') return spec;
  if (!spec.name) throw new InputError('data.source is "workspace" but data.name is missing: name the imported dataset (see `reclab datasets`).', 'SPEC');
  const all = datasetsFile ? readWorkspaceDatasets(datasetsFile) : {};
  const entry = all[spec.name];
  if (!entry) {
    const known = Object.keys(all);
    throw new InputError(`No dataset '${spec.name}' in this workspace. ${known.length ? `Imported: ${known.join(', ')}.` : 'None imported yet.'} Import one with \`reclab datasets import\`.`, 'UNKNOWN_DATASET');
  }
  return { ...entry.spec, implicit: spec.implicit ?? entry.spec.implicit, kcore: spec.kcore ?? entry.spec.kcore };
}
