import fs from 'node:fs';
import path from 'node:path';
import { isRecLabError } from '../util';
import { RunStoreError } from './errors';
import { readRunFiles, RUN_FILE, SERIES_FILE } from './snapshot-files';
import type { ArtifactRecord, ParamValue, RunSnapshot, RunStore, SegmentMetrics } from './types';

export interface RecoverOptions {
  /**
   * Params of a run from its spec, for folders written before run.json existed (the
   * experiment runner's own rule, passed in because core/runs sits below it).
   */
  paramsFromSpec?: (spec: unknown) => Record<string, ParamValue>;
}

export interface RecoverReport {
  /** Runs rebuilt from run.json (and series.csv): as the store had them. */
  restored: string[];
  /** Runs rebuilt from spec.json and metrics.json alone (folders of an older RecLab): times approximate, no series. */
  approximate: string[];
  /** Folders that could not be read, with the reason. */
  skipped: { dir: string; reason: string }[];
}

const RUN_ID = /^[0-9a-f]{16}$/;

function readJson(file: string): Record<string, unknown> | undefined {
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** The files of an artifact folder as the experiment runner records them (a bundle as one artifact). */
function scanArtifacts(dir: string): ArtifactRecord[] {
  const out: ArtifactRecord[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const manifest = readJson(path.join(file, 'manifest.json')) as { files?: { bytes: number }[] } | undefined;
      if (manifest?.files) out.push({ path: file, kind: 'bundle', size: manifest.files.reduce((s, f) => s + f.bytes, 0) });
    } else if (entry.isFile() && entry.name !== RUN_FILE && entry.name !== SERIES_FILE && !entry.name.endsWith('.tmp')) {
      out.push({ path: file, kind: path.extname(entry.name).slice(1) || 'file', size: fs.statSync(file).size });
    }
  }
  return out;
}

/** JSON's null stands for a NaN metric (JSON.stringify writes NaN as null). */
function metricsOf(values: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries((values ?? {}) as Record<string, unknown>)) out[k] = typeof v === 'number' ? v : NaN;
  return out;
}

/**
 * A folder of an older RecLab (spec.json and metrics.json, no run.json): only finished
 * runs wrote them. The bundle's metrics.json, where there is one, holds the final metrics
 * exactly as the store had them; else metrics.json's parts are put back together.
 */
function approximateSnapshot(id: string, dir: string, options: RecoverOptions): RunSnapshot | undefined {
  const spec = readJson(path.join(dir, 'spec.json'));
  const metricsFile = path.join(dir, 'metrics.json');
  const metrics = readJson(metricsFile);
  if (!spec || !metrics) return undefined;
  const bundleMetrics = readJson(path.join(dir, 'bundle', 'metrics.json'));
  const manifest = readJson(path.join(dir, 'bundle', 'manifest.json')) as { backend?: string; reclabVersion?: string } | undefined;
  const finalMetrics: SegmentMetrics = {};
  if (bundleMetrics && Object.keys(bundleMetrics).length > 0) {
    for (const [segment, values] of Object.entries(bundleMetrics)) finalMetrics[segment] = metricsOf(values);
  } else {
    finalMetrics.overall = metricsOf(metrics.overall);
    for (const [segment, values] of Object.entries((metrics.segments ?? {}) as Record<string, unknown>)) finalMetrics[segment] = metricsOf(values);
    if (metrics.sampled) finalMetrics.sampled = metricsOf(metrics.sampled);
  }
  const artifacts = scanArtifacts(dir);
  const times = artifacts.map((a) => fs.statSync(a.path).mtimeMs);
  const s = spec as { name?: string; experiment?: string; seed?: number; tags?: Record<string, string> };
  return {
    id,
    experiment: s.experiment ?? 'default',
    name: s.name ?? 'run',
    status: 'FINISHED',
    startTime: Math.round(Math.min(...times)),
    endTime: Math.round(fs.statSync(metricsFile).mtimeMs),
    spec,
    ...(s.seed === undefined ? {} : { seed: s.seed }),
    backend: manifest?.backend ?? 'none',
    ...(manifest?.reclabVersion ? { appVersion: manifest.reclabVersion } : {}),
    notes: 'Recovered from an artifact folder without run.json: start and end times are file times; params come from spec.json; no metric series.',
    params: Object.fromEntries(Object.entries(options.paramsFromSpec?.(spec) ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
    tags: s.tags ?? {},
    finalMetrics,
    artifacts,
  };
}

/** Artifact paths as recorded, moved under `dir` when the workspace has moved since. */
function rebaseArtifacts(run: RunSnapshot, dir: string): ArtifactRecord[] {
  return run.artifacts.map((a) => {
    const parts = a.path.split(/[\\/]/);
    const at = parts.lastIndexOf(run.id);
    return at < 0 ? a : { ...a, path: path.join(dir, ...parts.slice(at + 1)) };
  });
}

/**
 * Rebuilds runs into `store` from the artifact folders under `artifactsRoot`
 * (`<root>/<runId>/`): from run.json and series.csv where the run wrote them, else from
 * spec.json and metrics.json. All runs are written in one transaction; a run already in
 * the store is refused (RUN_EXISTS), so call it on a new, empty store.
 */
export function recoverRuns(store: RunStore, artifactsRoot: string, options: RecoverOptions = {}): RecoverReport {
  const report: RecoverReport = { restored: [], approximate: [], skipped: [] };
  if (!fs.existsSync(artifactsRoot)) return report;
  const runs: RunSnapshot[] = [];
  for (const entry of fs.readdirSync(artifactsRoot, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!entry.isDirectory()) continue;
    const dir = path.join(artifactsRoot, entry.name);
    if (!RUN_ID.test(entry.name)) {
      report.skipped.push({ dir, reason: 'not named by a run id' });
      continue;
    }
    try {
      const run = readRunFiles(dir);
      if (run) {
        if (run.id !== entry.name) throw new RunStoreError(`${path.join(dir, RUN_FILE)} describes run ${run.id}, not ${entry.name}.`, 'BAD_RUN_FILE');
        runs.push({ ...run, artifacts: rebaseArtifacts(run, dir) });
        report.restored.push(run.id);
        continue;
      }
      const approx = approximateSnapshot(entry.name, dir, options);
      if (approx) {
        runs.push(approx);
        report.approximate.push(approx.id);
      } else report.skipped.push({ dir, reason: `no ${RUN_FILE}, and no spec.json with metrics.json` });
    } catch (e) {
      if (!isRecLabError(e) && !(e instanceof SyntaxError)) throw e;
      report.skipped.push({ dir, reason: (e as Error).message });
    }
  }
  store.restoreRuns(runs);
  return report;
}
