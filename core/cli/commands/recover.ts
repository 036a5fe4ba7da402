import fs from 'node:fs';
import path from 'node:path';
import { specParams } from '../../experiment';
import { openRunStore, recoverRuns } from '../../runs';
import type { ExperimentSpec } from '../../spec';
import { InputError } from '../../util';
import { workspaceLayout } from '../../workspace';

type Out = (s: string) => void;

/**
 * `reclab runs recover`: rebuilds the run store from the artifact folders
 * (`.reclab/artifacts/RUN_ID/`), for when the store file was damaged and moved aside or
 * lost. Only into a missing or empty store: it never overwrites a store that has runs.
 */
export function recoverRunsCommand(opts: { workspace?: string; json?: boolean }, out: Out, err: Out): void {
  const ws = workspaceLayout(opts.workspace);
  const folders = fs.existsSync(ws.artifactsRoot) ? fs.readdirSync(ws.artifactsRoot, { withFileTypes: true }).filter((e) => e.isDirectory()) : [];
  if (folders.length === 0) throw new InputError(`Nothing to recover: ${ws.artifactsRoot} holds no run folders.`, 'NOTHING_TO_RECOVER');
  // A damaged file is refused here, untouched, with a message that says to move it aside.
  const store = openRunStore(ws.storeFile);
  try {
    const existing = store.listRunSummaries({ limit: 0 }).total;
    if (existing > 0)
      throw new InputError(
        `The run store ${ws.storeFile} is healthy and holds ${existing} run${existing === 1 ? '' : 's'}; \`reclab runs recover\` rebuilds a missing or empty store and never overwrites one. To rebuild it from the artifact folders anyway, move it aside first (e.g. rename it to ${path.basename(ws.storeFile)}.old).`,
        'STORE_NOT_EMPTY',
      );
    const report = recoverRuns(store, ws.artifactsRoot, { paramsFromSpec: (spec) => specParams(spec as ExperimentSpec) });
    // Runs whose run.json still says RUNNING were cut off (that is why the store is gone, often).
    const killed = store.markStaleRunsKilled();
    const total = report.restored.length + report.approximate.length;
    if (opts.json) {
      out(JSON.stringify({ store: ws.storeFile, recovered: total, ...report, ended_killed: killed }));
      return;
    }
    out(`recovered ${total} run${total === 1 ? '' : 's'} into ${ws.storeFile}`);
    if (report.restored.length) out(`  ${report.restored.length} as recorded (from run.json and series.csv)`);
    if (report.approximate.length)
      out(`  ${report.approximate.length} from spec.json and metrics.json alone (folders of an older RecLab): start and end are file times, no metric series`);
    if (killed.length) out(`  ${killed.length} had not finished when their process stopped: now KILLED`);
    for (const s of report.skipped) err(`skipped ${s.dir}: ${s.reason}`);
    out('`reclab runs` lists them.');
  } finally {
    store.close();
  }
}
