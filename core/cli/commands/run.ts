import fs from 'node:fs';
import path from 'node:path';
import { RecLabError, InputError } from '../../util';
import { Workspace, type RunFinishedEvent } from '../../workspace';
import { RunProgressDisplay } from '../progress-display';
import { formatTable } from '../table';

export interface RunCommandOptions {
  json?: boolean;
  workspace?: string;
  quiet?: boolean;
}

/**
 * `reclab run SPEC`: trains and evaluates a JSON spec or a .recnb notebook in a worker
 * process (as the app does), records the run, prints a metric table. A bad spec is refused
 * before anything is loaded or recorded.
 */
export async function runCommand(specPath: string, opts: RunCommandOptions, out: (s: string) => void, err: (s: string) => void): Promise<void> {
  const file = path.resolve(specPath);
  if (!fs.existsSync(file)) throw new InputError(`Spec file not found: ${file}. Give a JSON experiment spec or a .recnb notebook.`, 'NOT_FOUND');
  const text = fs.readFileSync(file, 'utf8');
  const ws = Workspace.open(opts.workspace);
  try {
    const rel = path.relative(ws.root, file);
    const inside = !rel.startsWith('..') && !path.isAbsolute(rel);
    const input = isNotebookText(text, file)
      ? { notebook: text, path: inside ? rel.split(path.sep).join('/') : undefined, baseDir: path.dirname(file) }
      : { spec: parseJson(text, file), baseDir: path.dirname(file), label: file };
    const run = ws.startRun(input);
    const display = opts.json || opts.quiet ? undefined : new RunProgressDisplay(process.stderr, err);
    const subs = display ? [ws.onDidProgress((e) => e.runId === run.runId && display.update(e)), ws.onDidLog((e) => e.runId === run.runId && display.log(e.line))] : [];
    // Ctrl-C ends the run as KILLED instead of leaving it RUNNING.
    const onSigint = () => {
      display?.log('cancelling...');
      ws.cancel(run.runId);
    };
    process.on('SIGINT', onSigint);
    let result: RunFinishedEvent;
    try {
      result = await run.finished;
    } finally {
      process.removeListener('SIGINT', onSigint);
      for (const s of subs) s.dispose();
      display?.stop();
    }
    if (result.status !== 'FINISHED') {
      const message = result.error?.message ?? `The run ended ${result.status}.`;
      throw new RecLabError(`run ${run.runId} ${result.status}: ${message}`, result.error?.code ?? result.status);
    }
    const evaluated = result.outputs.evaluate;
    const tuned = result.outputs.train?.tuned;
    const artifactDir = path.join(ws.layout.artifactsRoot, run.runId);
    const row = ws.store.getRun(run.runId);
    if (opts.json) {
      out(
        JSON.stringify({
          run_id: run.runId,
          status: result.status,
          protocol: evaluated?.protocol,
          fingerprint: row?.fingerprint,
          metrics: result.metrics,
          segments: withoutOverall(evaluated?.segments),
          chosen_params: tuned,
          artifact_dir: artifactDir,
          warnings: evaluated?.warnings ?? [],
        }),
      );
      return;
    }
    out(`run ${run.runId} FINISHED (${row?.name ?? ''}, ${evaluated?.protocol ?? ''})`);
    if (tuned) out(`tuned on valid: ${JSON.stringify(tuned)}`);
    out(metricTable(result.metrics ?? {}, evaluated?.ks ?? []));
    for (const w of evaluated?.warnings ?? []) out(`warning: ${w}`);
    out(`artifacts: ${artifactDir}`);
  } finally {
    await ws.close();
  }
}

function withoutOverall(segments: Record<string, Record<string, number>> | undefined): Record<string, Record<string, number>> | undefined {
  if (!segments) return undefined;
  const { overall: _overall, ...rest } = segments;
  return rest;
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file} is not valid JSON (${(e as Error).message}).`, 'SPEC_JSON');
  }
}

/** A `.recnb` notebook by content (`cells` present), else a plain JSON spec. */
function isNotebookText(text: string, file: string): boolean {
  const json = parseJson(text, file);
  return !!json && typeof json === 'object' && 'cells' in json;
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
