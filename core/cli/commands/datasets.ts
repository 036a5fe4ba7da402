import path from 'node:path';
import { datasetStats, downloadMovieLens100k, importWorkspaceDataset, loadDataset, readCsvMappingFile, readWorkspaceDatasets, type DatasetStats } from '../../data';
import type { DataSpec } from '../../spec';
import { InputError } from '../../util';
import { formatTable } from '../table';
import { workspaceLayout } from '../../workspace';

type Out = (s: string) => void;

function statsRows(s: DatasetStats): (string | number)[][] {
  return [
    ['users', s.users],
    ['items', s.items],
    ['interactions', s.interactions],
    ['density', s.density],
  ];
}

/** `reclab datasets`: the embedded sample, MovieLens where found, and the workspace's imports. */
export function listDatasets(opts: { workspace?: string; json?: boolean }, out: Out): void {
  const ws = workspaceLayout(opts.workspace);
  const imported = readWorkspaceDatasets(ws.datasetsFile);
  // Generated in about half a second: cheaper than keeping its figures in step with the generator by hand.
  const sample = datasetStats(loadDataset({ source: 'sample' }, ws.root));
  const rows: (string | number | undefined)[][] = [['sample', 'embedded', 'synthetic catalogue (seeded generator), always available', sample.users, sample.items, sample.interactions]];
  for (const [name, e] of Object.entries(imported)) {
    const st = e.stats as DatasetStats | undefined;
    rows.push([name, e.spec.source, e.spec.path ?? e.spec.csv?.interactions.path ?? '', st?.users, st?.items, st?.interactions]);
  }
  if (opts.json) {
    out(JSON.stringify({ builtin: ['sample', 'movielens-100k'], sample: { users: sample.users, items: sample.items, interactions: sample.interactions }, imported }));
    return;
  }
  out(formatTable(['name', 'source', 'where', 'users', 'items', 'interactions'], rows));
  out('\nMovieLens 100K: `reclab datasets import NAME --movielens DIR_OR_ZIP`, or `reclab datasets download ml-100k` when online.');
}

/** `reclab datasets import NAME (--movielens PATH | --csv MAPPING.json)`: loads once to validate, then registers (core/data importWorkspaceDataset). */
export async function importDataset(name: string, opts: { workspace?: string; movielens?: string; csv?: string; json?: boolean }, out: Out): Promise<void> {
  const ws = workspaceLayout(opts.workspace);
  let spec: DataSpec;
  if (opts.movielens) spec = { source: 'movielens-100k', path: path.resolve(opts.movielens) };
  else if (opts.csv) spec = readCsvMappingFile(opts.csv);
  else throw new InputError('Say what to import: --movielens DIR_OR_ZIP or --csv MAPPING.json.', 'USAGE');
  // Importing again under the same name replaces the entry, as it always has on the command line.
  const { stats } = await importWorkspaceDataset(ws.datasetsFile, name, spec, { replace: true, baseDir: ws.root });
  if (opts.json) out(JSON.stringify({ name, spec, stats }));
  else {
    out(`imported '${name}' into ${ws.datasetsFile}`);
    out(formatTable(['stat', 'value'], statsRows(stats)));
    out(`use it in a spec as  "data": {"source": "workspace", "name": "${name}"}`);
  }
}

/** `reclab datasets download ml-100k [--dir DIR]`. */
export async function downloadDataset(which: string, opts: { dir?: string; workspace?: string }, out: Out, err: Out): Promise<void> {
  if (which !== 'ml-100k') throw new InputError(`Unknown dataset '${which}': only 'ml-100k' can be downloaded.`, 'USAGE');
  const ws = workspaceLayout(opts.workspace);
  const dest = path.resolve(opts.dir ?? path.join(ws.stateDir, 'downloads'));
  let lastPct = -1;
  const folder = await downloadMovieLens100k(dest, {
    onProgress: (got, total) => {
      if (!total) return;
      const pct = Math.floor((100 * got) / total);
      if (pct !== lastPct && process.stderr.isTTY) process.stderr.write(`\r[${'#'.repeat(pct / 5).padEnd(20)}] ${pct}%`);
      lastPct = pct;
    },
  });
  if (process.stderr.isTTY) err('');
  await importDataset('ml-100k', { workspace: opts.workspace, movielens: folder }, out);
}
