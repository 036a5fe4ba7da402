import fs from 'node:fs';
import path from 'node:path';
import { specFromText } from '../../notebook';
import { runExperiment } from '../../experiment';
import { InputError } from '../../util';
import { formatTable } from '../table';
import { openWorkspaceStore, resolveWorkspace } from '../workspace';

export interface RunCommandOptions {
  json?: boolean;
  workspace?: string;
  quiet?: boolean;
}

/** `reclab run SPEC`: trains and evaluates a JSON spec or a .recnb notebook, records the run. */
export async function runCommand(specPath: string, opts: RunCommandOptions, out: (s: string) => void, err: (s: string) => void): Promise<void> {
  const file = path.resolve(specPath);
  if (!fs.existsSync(file)) throw new InputError(`Spec file not found: ${file}. Give a JSON experiment spec or a .recnb notebook.`, 'NOT_FOUND');
  const spec = specFromText(fs.readFileSync(file, 'utf8'), file);
  const ws = resolveWorkspace(opts.workspace);
  const store = openWorkspaceStore(ws);
  const log = opts.quiet || opts.json ? () => {} : (line: string) => err(line);
  // Ctrl-C ends the run as KILLED instead of leaving it RUNNING.
  const signal = { aborted: false };
  const onSigint = () => {
    signal.aborted = true;
    err('cancelling...');
  };
  process.once('SIGINT', onSigint);
  try {
    const result = await runExperiment(spec, {
      store,
      baseDir: path.dirname(file),
      artifactsRoot: ws.artifactsRoot,
      datasetsFile: ws.datasetsFile,
      hooks: { log, signal },
    });
    if (opts.json) {
      out(JSON.stringify({ run_id: result.runId, status: result.status, protocol: result.protocol, fingerprint: result.fingerprint, metrics: result.metrics, segments: result.segments, chosen_params: result.chosenParams, artifact_dir: result.artifactDir, warnings: result.warnings }));
      return;
    }
    out(`run ${result.runId} FINISHED (${spec.name}, ${result.protocol})`);
    if (result.chosenParams) out(`tuned on valid: ${JSON.stringify(result.chosenParams)}`);
    out(metricTable(result.metrics, spec.evaluate.ks));
    for (const w of result.warnings) out(`warning: ${w}`);
    out(`artifacts: ${result.artifactDir}`);
  } finally {
    process.removeListener('SIGINT', onSigint);
    store.close();
  }
}

/** Metrics as a table: one row per metric name, one column per K (plus @-less metrics). */
export function metricTable(metrics: Record<string, number>, ks: number[]): string {
  const names = new Map<string, Record<string, number>>();
  for (const [key, v] of Object.entries(metrics)) {
    const [name, k] = key.split('@');
    const row = names.get(name) ?? {};
    row[k ?? '-'] = v;
    names.set(name, row);
  }
  const cols = [...ks.map(String), '-'];
  const used = cols.filter((c) => [...names.values()].some((r) => r[c] !== undefined));
  return formatTable(['metric', ...used.map((c) => (c === '-' ? 'value' : `@${c}`))], [...names].map(([n, r]) => [n, ...used.map((c) => r[c])]));
}
