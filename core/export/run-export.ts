import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../util';
import { loadBundle, type Bundle } from './load-bundle';
import { rankUsers } from './rank-users';
import { csvField, writeJson } from './run-artifacts';
import { readRunData, type RunData } from './run-data';

/** What an export writes; each part defaults to true. */
export interface ExportParts {
  bundle?: boolean;
  topk?: boolean;
  metrics?: boolean;
  embeddings?: boolean;
}

/** Where an export is. */
export interface ExportProgress {
  runId: string;
  stage: 'bundle' | 'topk' | 'metrics' | 'embeddings' | 'done';
  /** 0..1 over the whole export. */
  fraction: number;
  message: string;
}

export interface ExportRunOptions {
  runId: string;
  /** The run's artifact folder. */
  artifactDir: string;
  /** The folder to write (replaced when it exists). */
  outDir: string;
  /** Final metrics by segment (`overall`, `items:cold`, ...), as the run store has them. */
  metrics: Record<string, Record<string, number>>;
  /** Recorded facts about the run for metrics.json (name, model type, dataset, fingerprint, ...). */
  run?: Record<string, unknown>;
  /** Length of each user's list; default the largest K the run evaluated. */
  k?: number;
  parts?: ExportParts;
  onProgress?: (p: ExportProgress) => void;
}

/** One written file. */
export interface ExportedFile {
  path: string;
  kind: 'bundle' | 'topk' | 'metrics-csv' | 'metrics-json' | 'embeddings' | 'embedding-metadata';
  bytes: number;
}

export interface ExportResult {
  runId: string;
  dir: string;
  files: ExportedFile[];
  /** What the user should know about what was (not) written, one sentence each. */
  notes: string[];
  /** The recommendations file: from the model for every user, or the evaluation's lists of test users. */
  topk?: { source: 'bundle' | 'evaluation'; users: number; rows: number; k: number };
  /** The copied bundle, loaded once to verify it. */
  bundle?: { modelType: string; files: number; verified: true };
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) total += e.isDirectory() ? folderBytes(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).size;
  return total;
}

/** `ndcg@10` -> ['ndcg', '10']; `auc` -> ['auc', '']. */
function splitMetricKey(key: string): [string, string] {
  const at = key.lastIndexOf('@');
  return at > 0 && /^\d+$/.test(key.slice(at + 1)) ? [key.slice(0, at), key.slice(at + 1)] : [key, ''];
}

/** Metrics as CSV rows `segment,metric,k,value` (overall first, then segments by name; metrics by name then K). */
export function metricsCsv(metrics: Record<string, Record<string, number>>): string {
  const segments = Object.keys(metrics).sort((a, b) => (a === 'overall' ? -1 : b === 'overall' ? 1 : a.localeCompare(b)));
  const lines = ['segment,metric,k,value'];
  for (const seg of segments) {
    const rows = Object.entries(metrics[seg]).map(([key, value]) => [...splitMetricKey(key), value] as const);
    rows.sort((a, b) => a[0].localeCompare(b[0]) || Number(a[1] || 0) - Number(b[1] || 0));
    for (const [metric, k, value] of rows) lines.push([csvField(seg), csvField(metric), k, Number.isFinite(value) ? String(value) : ''].join(','));
  }
  return lines.join('\n') + '\n';
}

/**
 * Exports a finished run into `outDir`: (a) its model bundle, copied and verified by loading
 * it; (b) the top-K list of every user as `topk.csv` (`user,item,rank,score`): from the
 * bundle, ranked exactly as the run's evaluation ranked (so test users' rows equal the run's
 * topk.csv), or for a run without a model the evaluation's lists of its test users; (c) the
 * final metrics as `metrics.csv` and `metrics.json`; (d) item embeddings and their metadata
 * as TSV for projector tools. The folder is written beside the target and renamed into
 * place, so a failed export leaves no half folder.
 */
export async function exportRun(opts: ExportRunOptions): Promise<ExportResult> {
  const parts = { bundle: true, topk: true, metrics: true, embeddings: true, ...opts.parts };
  const data = readRunData(opts.artifactDir);
  const k = opts.k ?? Math.max(...(data.spec.evaluate?.ks ?? [10]));
  if (!(Number.isInteger(k) && k > 0 && k <= 1000)) throw new InputError(`k must be an integer from 1 to 1000, got ${k}.`, 'INVALID_ARGUMENT');
  const progress = (stage: ExportProgress['stage'], fraction: number, message: string) => opts.onProgress?.({ runId: opts.runId, stage, fraction, message });
  const outDir = path.resolve(opts.outDir);
  const tmp = `${outDir}.partial-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  const files: ExportedFile[] = [];
  const notes: string[] = [];
  const result: ExportResult = { runId: opts.runId, dir: outDir, files, notes };
  let bundle: Bundle | undefined;
  try {
    const needBundle = (parts.bundle || parts.topk) && data.bundleDir !== undefined;
    if (!data.bundleDir) notes.push(`Run ${opts.runId.slice(0, 8)} (${data.spec.model.type}) kept no model: baselines are not bundled (their state is their whole score table).`);
    if (needBundle) {
      progress('bundle', 0, 'copying and verifying the model bundle');
      const target = path.join(tmp, 'bundle');
      fs.cpSync(data.bundleDir!, target, { recursive: true });
      // Loading checks every checksum and rebuilds the model: the copy is known to work.
      bundle = await loadBundle(target);
      if (parts.bundle) {
        files.push({ path: path.join(outDir, 'bundle'), kind: 'bundle', bytes: folderBytes(target) });
        result.bundle = { modelType: bundle.manifest.modelType, files: bundle.manifest.files.length, verified: true };
      }
    }
    if (parts.topk) {
      progress('topk', 0.1, 'ranking every user');
      result.topk = bundle ? await writeModelTopK(bundle, data, k, path.join(tmp, 'topk.csv'), (f) => progress('topk', 0.1 + 0.8 * f, `ranked ${Math.round(100 * f)} % of users`)) : writeEvaluatedTopK(data, k, path.join(tmp, 'topk.csv'), notes);
      files.push({ path: path.join(outDir, 'topk.csv'), kind: 'topk', bytes: fs.statSync(path.join(tmp, 'topk.csv')).size });
    }
    if (parts.metrics) {
      progress('metrics', 0.9, 'writing metrics');
      fs.writeFileSync(path.join(tmp, 'metrics.csv'), metricsCsv(opts.metrics));
      const recorded = readOptionalJson(path.join(opts.artifactDir, 'metrics.json'));
      writeJson(path.join(tmp, 'metrics.json'), {
        run: { id: opts.runId, ...opts.run },
        protocol: recorded?.protocol,
        ks: data.spec.evaluate?.ks,
        segments: opts.metrics,
        ...(recorded?.warnings ? { warnings: recorded.warnings } : {}),
      });
      files.push({ path: path.join(outDir, 'metrics.csv'), kind: 'metrics-csv', bytes: fs.statSync(path.join(tmp, 'metrics.csv')).size });
      files.push({ path: path.join(outDir, 'metrics.json'), kind: 'metrics-json', bytes: fs.statSync(path.join(tmp, 'metrics.json')).size });
    }
    if (parts.embeddings) {
      progress('embeddings', 0.95, 'writing item embeddings');
      const vectors = data.bundleDir && path.join(data.bundleDir, 'item_embeddings.tsv');
      if (vectors && fs.existsSync(vectors)) {
        for (const [name, kind] of [
          ['item_embeddings.tsv', 'embeddings'],
          ['item_metadata.tsv', 'embedding-metadata'],
        ] as const) {
          fs.copyFileSync(path.join(data.bundleDir!, name), path.join(tmp, name));
          files.push({ path: path.join(outDir, name), kind, bytes: fs.statSync(path.join(tmp, name)).size });
        }
      } else if (data.bundleDir) {
        notes.push(`The ${data.spec.model.type} model has no per-item vectors, so no item embeddings were written.`);
      } else {
        notes.push('No item embeddings: the run kept no model.');
      }
    }
    if (parts.topk && !parts.bundle) fs.rmSync(path.join(tmp, 'bundle'), { recursive: true, force: true });
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  } finally {
    bundle?.dispose();
  }
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.renameSync(tmp, outDir);
  progress('done', 1, `exported to ${outDir}`);
  return result;
}

function readOptionalJson(file: string): Record<string, unknown> | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Every user's list from the model, streamed to `file`. */
async function writeModelTopK(bundle: Bundle, data: RunData, k: number, file: string, onFraction: (f: number) => void): Promise<NonNullable<ExportResult['topk']>> {
  const fd = fs.openSync(file, 'w');
  let rows = 0;
  try {
    fs.writeSync(fd, 'user,item,rank,score\n');
    const users = Int32Array.from({ length: data.userIds.length }, (_, u) => u);
    let chunk: string[] = [];
    await rankUsers(
      bundle,
      data,
      users,
      k,
      (list) => {
        const u = csvField(data.userIds[list.user]);
        for (let j = 0; j < list.items.length; j++) chunk.push(`${u},${csvField(data.itemIds[list.items[j]])},${j + 1},${list.scores[j]}\n`);
        rows += list.items.length;
      },
      (done, total) => {
        fs.writeSync(fd, chunk.join(''));
        chunk = [];
        onFraction(done / total);
      },
    );
  } finally {
    fs.closeSync(fd);
  }
  return { source: 'bundle', users: data.userIds.length, rows, k };
}

/** A run without a model: the evaluation's lists (test users only), cut to `k`. */
function writeEvaluatedTopK(data: RunData, k: number, file: string, notes: string[]): NonNullable<ExportResult['topk']> {
  const lines = ['user,item,rank,score'];
  for (const [u, list] of data.evaluated) {
    for (let j = 0; j < Math.min(k, list.items.length); j++) lines.push(`${csvField(data.userIds[u])},${csvField(data.itemIds[list.items[j]])},${j + 1},${list.scores[j]}`);
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
  notes.push(
    `topk.csv holds the evaluation's lists of the ${data.evaluated.size} evaluated test users only: the run kept no model to rank the other users${k > data.evaluatedK ? `, and its lists are ${data.evaluatedK} long, not ${k}` : ''}.`,
  );
  return { source: 'evaluation', users: data.evaluated.size, rows: lines.length - 1, k: Math.min(k, data.evaluatedK) };
}
