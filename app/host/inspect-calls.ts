import fs from 'node:fs';
import path from 'node:path';
import { csvMappingSpec, importWorkspaceDataset, previewDataPath } from '../../core/data';
import { exportRun, RunInspector } from '../../core/export';
import type { RunRecord } from '../../core/runs';
import type { DataSpec } from '../../core/spec';
import { InputError, type Disposable } from '../../core/util';
import type { Workspace } from '../../core/workspace';
import type { ApiEvents, CallName, CallResult, EventName, ExportRunResult, ParsedArgs } from '../common/api';

type HandlersOf<K extends CallName> = { [P in K]: (args: ParsedArgs<P>) => CallResult<P> | Promise<CallResult<P>> };

export type InspectCallName = 'export.run' | 'inspect.run' | 'inspect.users' | 'inspect.user' | 'inspect.gate' | 'inspect.embeddings' | 'datasets.preview' | 'datasets.import';

/** The folder of exports inside a workspace. */
export const EXPORTS_DIR = 'exports';

/** `<run name>-<id8>`, safe as a folder name on every platform. */
export function exportFolderName(run: Pick<RunRecord, 'id' | 'name'>): string {
  const name = run.name
    .replace(/[^\w.-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 80);
  return `${name || 'run'}-${run.id.slice(0, 8)}`;
}

/**
 * The calls of the export, inspector, gate and embedding views, and dataset import, over a
 * workspace. Loaded bundles are kept per run in a small LRU (disposed on eviction); a run's
 * cache is dropped when it changes (trash, restore, delete).
 */
export class InspectCalls implements Disposable {
  private readonly inspector: RunInspector;
  private readonly exporting = new Set<string>();
  private readonly importing = new Set<string>();

  constructor(
    private readonly ws: Workspace,
    private readonly fire: <E extends EventName>(name: E, payload: ApiEvents[E]) => void,
  ) {
    this.inspector = new RunInspector(ws.layout.artifactsRoot, { maxBundles: 3 });
  }

  /** A run changed or went away: forget what is cached of it. */
  forget(runIds: string[]): void {
    for (const id of runIds) this.inspector.forget(id);
  }

  dispose(): void {
    this.inspector.dispose();
  }

  handlers(): HandlersOf<InspectCallName> {
    return {
      'export.run': (args) => this.exportRun(args),
      'inspect.run': ({ runId }) => this.inspector.summary(this.finishedRun(runId).id),
      'inspect.users': ({ runId, query, offset, limit }) => this.inspector.searchUsers(this.finishedRun(runId).id, query, offset, limit),
      'inspect.user': ({ runId, user, k, historyLimit }) => this.inspector.user(this.finishedRun(runId).id, user, k, historyLimit),
      'inspect.gate': ({ runId, sampleUsers, seed }) => this.inspector.gate(this.finishedRun(runId).id, sampleUsers, seed),
      'inspect.embeddings': ({ runId, method, seed, attribute, maxPoints }) => this.inspector.embeddings(this.finishedRun(runId).id, method, { seed, attribute, maxPoints }),
      'datasets.preview': ({ path: p, delimiter, header, listSeparator, rows }) => previewDataPath(this.localPath(p), { delimiter, header, listSeparator, rows }),
      'datasets.import': (args) => this.importDataset(args),
    };
  }

  private localPath(p: string): string {
    return path.resolve(this.ws.root, p);
  }

  private relative(p: string): string {
    return path.relative(this.ws.root, p).split(path.sep).join('/');
  }

  private finishedRun(runId: string): RunRecord {
    const run = this.ws.store.getRun(runId);
    if (!run) throw new InputError(`No run ${runId} in this workspace.`, 'NOT_FOUND');
    if (run.status !== 'FINISHED') {
      const why = run.status === 'RUNNING' ? 'it is still running; wait until it has finished' : `it ended ${run.status}, so it has no evaluation to show; run it again`;
      throw new InputError(`Run ${run.id.slice(0, 8)} (${run.name}) cannot be inspected or exported: ${why}.`, 'RUN_NOT_FINISHED', { status: run.status });
    }
    return run;
  }

  private async exportRun({ runId, k, parts }: ParsedArgs<'export.run'>): Promise<ExportRunResult> {
    const run = this.finishedRun(runId);
    if (this.exporting.has(run.id)) throw new InputError(`Run ${run.id.slice(0, 8)} is being exported already; wait for that export to finish.`, 'BUSY');
    this.exporting.add(run.id);
    try {
      const result = await exportRun({
        runId: run.id,
        artifactDir: path.join(this.ws.layout.artifactsRoot, run.id),
        outDir: path.join(this.ws.root, EXPORTS_DIR, exportFolderName(run)),
        metrics: run.finalMetrics,
        run: { name: run.name, experiment: run.experiment, modelType: run.params['model.type'], fingerprint: run.fingerprint, seed: run.seed, startTime: run.startTime, endTime: run.endTime },
        k,
        parts,
        onProgress: (p) => this.fire('export.progress', p),
      });
      return { ...result, dir: this.relative(result.dir), files: result.files.map((f) => ({ ...f, path: this.relative(f.path) })) };
    } finally {
      this.exporting.delete(run.id);
    }
  }

  private async importDataset({ name, source, replace }: ParsedArgs<'datasets.import'>): Promise<CallResult<'datasets.import'>> {
    if (this.importing.has(name)) throw new InputError(`A dataset named '${name}' is being imported already; wait for that import to finish.`, 'BUSY');
    let spec: DataSpec;
    if ('movielens' in source) {
      const p = this.localPath(source.movielens);
      if (!fs.existsSync(p)) throw new InputError(`MovieLens 100K was not found at ${p}. Give the unpacked ml-100k folder or ml-100k.zip.`, 'NOT_FOUND', { path: p });
      spec = { source: 'movielens-100k', path: p };
    } else {
      spec = csvMappingSpec(source.csv, source.baseDir ? this.localPath(source.baseDir) : this.ws.root);
    }
    this.importing.add(name);
    try {
      const r = await importWorkspaceDataset(this.ws.layout.datasetsFile, name, spec, { replace, baseDir: this.ws.root, onProgress: (p) => this.fire('datasets.importProgress', p) });
      this.fire('datasets.changed', { names: [name] });
      return { name, source: spec.source, stats: r.stats };
    } finally {
      this.importing.delete(name);
    }
  }
}
