import fs from 'node:fs';
import path from 'node:path';
import {
  buildCsr,
  columnCounts,
  datasetStats,
  loadDataset,
  protocolFingerprint,
  resolveDataSpec,
  splitDataset,
  splitMatrices,
  type CsrMatrix,
  type Dataset,
  type Split,
} from '../data';
import { evaluateRanking, type EvalResult } from '../eval';
import { writeBundle, writeJson, writeSplitCsv, writeTopKCsv } from '../export';
import { fitFeaturePipeline, type FeaturePipelineSpec, type FittedPipeline } from '../features';
import { createModel, hasArchitecture, hasModel, LightfmRecommender, type FitContext, type Recommender } from '../models';
import { NeuralRecommender } from '../train';
import type { ExperimentSpec, ModelSpec } from '../spec';
import { MetricBuffer, type RunStore } from '../runs';
import { appVersion, InputError, RecLabError } from '../util';

/** Callbacks a host (CLI, worker) passes to watch a run. */
export interface ExperimentHooks {
  log?: (line: string) => void;
  /** Live progress for the UI: phase and, during training, epoch/step/loss. */
  onProgress?: (p: { phase: string; epoch?: number; step?: number; value?: number; key?: string }) => void;
  signal?: { aborted: boolean };
  /** Told which TF.js backend a neural model initialised. */
  onBackend?: (backend: string) => void;
}

export interface ExperimentOptions {
  store: RunStore;
  /** Folder relative paths in the spec are resolved against (the notebook's folder). */
  baseDir: string;
  /** Where artifacts go: `<artifactsRoot>/<runId>/`. */
  artifactsRoot: string;
  /** Backend name to record (neural models set it after initialising tfjs). */
  backend?: string;
  hooks?: ExperimentHooks;
  /** The workspace's `datasets.json`, to resolve `data.source: "workspace"`. */
  datasetsFile?: string;
  /** An existing RUNNING run row to fill (created by a host before it forked the worker). */
  runId?: string;
}

export interface ExperimentResult {
  runId: string;
  status: 'FINISHED';
  metrics: EvalResult['overall'];
  segments: EvalResult['segments'];
  protocol: string;
  fingerprint: string;
  artifactDir: string;
  chosenParams?: Record<string, unknown>;
}

/** Every combination of a tuning grid, in a stable order. */
export function gridCombinations(grid: Record<string, unknown[]> | undefined): Record<string, unknown>[] {
  const keys = Object.keys(grid ?? {}).sort();
  let combos: Record<string, unknown>[] = [{}];
  for (const k of keys) {
    const values = grid![k];
    if (!Array.isArray(values) || values.length === 0) throw new InputError(`model.tune.${k} must be a non-empty list of values`, 'SPEC');
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [k]: v })));
  }
  return combos;
}

/** Item x feature one-hot matrix from categorical/multi item attributes, for intra-list diversity. */
function itemFeatureMatrix(ds: Dataset): CsrMatrix | undefined {
  const rows: number[] = [];
  const cols: number[] = [];
  const vocab = new Map<string, number>();
  for (const col of ds.itemAttributes) {
    if (col.kind !== 'categorical' && col.kind !== 'multi') continue;
    col.values.forEach((v, i) => {
      const list = Array.isArray(v) ? v : v === null || v === '' ? [] : [String(v)];
      for (const t of list) {
        const key = `${col.name}=${t}`;
        let c = vocab.get(key);
        if (c === undefined) vocab.set(key, (c = vocab.size));
        rows.push(i);
        cols.push(c);
      }
    });
  }
  if (vocab.size === 0) return undefined;
  return buildCsr(ds.itemIds.length, vocab.size, Int32Array.from(rows), Int32Array.from(cols));
}

/**
 * Lets queued messages through (a cancel from the host, the test runner's RPC) between
 * long synchronous steps such as an EASE fit.
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function checkAborted(signal?: { aborted: boolean }): void {
  if (signal?.aborted) throw new RecLabError('The run was cancelled.', 'CANCELLED');
}

/**
 * Runs one experiment end to end: load -> split -> (tune on valid) -> fit on train ->
 * full-ranking evaluation on test -> run record + artifacts. The run row is created
 * before any work so that a failure is recorded as FAILED with its message, never lost.
 */
export async function runExperiment(spec: ExperimentSpec, opts: ExperimentOptions): Promise<ExperimentResult> {
  const { store, hooks = {} } = opts;
  const log = hooks.log ?? (() => {});
  const phase = (name: string) => hooks.onProgress?.({ phase: name });

  phase('load');
  const ds = loadDataset(resolveDataSpec(spec.data, opts.datasetsFile), opts.baseDir);
  const stats = datasetStats(ds);
  log(`dataset ${ds.name}: ${stats.users} users, ${stats.items} items, ${stats.interactions} interactions`);
  phase('split');
  const split = splitDataset(ds, spec.split, spec.seed);
  const m = splitMatrices(ds, split);
  // The tuning metric does not change what is measured, so it stays out of the fingerprint.
  const fingerprint = protocolFingerprint(ds, split, { ks: spec.evaluate.ks, candidates: spec.evaluate.candidates, sampled: spec.evaluate.sampled });

  const { tune: _tune, ...modelParams } = spec.model;
  const params = flattenParams({ model: modelParams, split: spec.split, data: spec.data });
  let runId: string;
  if (opts.runId) {
    // The host created the row before forking this worker: complete it.
    runId = opts.runId;
    store.updateRun(runId, { backend: opts.backend ?? 'none', fingerprint, datasetStats: stats as unknown as Record<string, unknown>, pid: process.pid });
    store.logParams(runId, params);
    if (spec.tags) store.setTags(runId, spec.tags);
  } else {
    runId = store.createRun({
      experiment: spec.experiment,
      name: spec.name,
      spec,
      seed: spec.seed,
      appVersion: appVersion(),
      backend: opts.backend ?? 'none',
      fingerprint,
      datasetStats: stats as unknown as Record<string, unknown>,
      params,
      tags: spec.tags ?? {},
    }).id;
  }
  try {
    const result = await trainAndEvaluate(spec, ds, split, m, runId, opts, fingerprint);
    store.finishRun(runId, 'FINISHED');
    return result;
  } catch (e) {
    const cancelled = e instanceof Error && (e as RecLabError).code === 'CANCELLED';
    store.finishRun(runId, cancelled ? 'KILLED' : 'FAILED', e instanceof Error ? e.message : String(e));
    throw e;
  }
}

async function trainAndEvaluate(
  spec: ExperimentSpec,
  ds: Dataset,
  split: Split,
  m: { train: CsrMatrix; valid: CsrMatrix; test: CsrMatrix },
  runId: string,
  opts: ExperimentOptions,
  fingerprint: string,
): Promise<ExperimentResult> {
  const { store, hooks = {} } = opts;
  const log = hooks.log ?? (() => {});
  const ks = spec.evaluate.ks;
  const maxK = Math.max(...ks);
  const itemPopularity = columnCounts(m.train);
  const itemFeatures = itemFeatureMatrix(ds);
  const candidates =
    spec.evaluate.candidates === 'cold-items'
      ? (split.coldItems ?? failNoColdItems())
      : undefined;
  const coldSet = split.coldItems;
  // Cold items of the validation part rank among themselves while tuning, as test ones do.
  const validCandidates = spec.evaluate.candidates === 'cold-items' ? split.validColdItems : undefined;
  if (spec.evaluate.candidates === 'cold-items' && combosNeedValid(spec) && !validCandidates)
    throw new InputError("Tuning with evaluate.candidates 'cold-items' needs held-out validation items: set split.valid > 0.", 'SPEC');
  const heldOutItems = concatIds(split.coldItems, split.validColdItems);
  const heldOutUsers = concatIds(split.coldUsers, split.validColdUsers);
  let step = 0;
  // Training logs a point per step: batch them, as single inserts are ~30x slower.
  const metrics = new MetricBuffer(store, runId);
  const ctx = (): FitContext => ({
    dataset: ds,
    train: m.train,
    trainIndex: split.train,
    valid: m.valid,
    coldItems: heldOutItems,
    coldUsers: heldOutUsers,
    seed: spec.seed,
    log,
    signal: hooks.signal,
    onMetric: (key, value, s, epoch) => {
      metrics.add({ key, value, step: s, epoch });
      hooks.onProgress?.({ phase: 'train', key, value, step: s, epoch });
    },
  });

  // Features are fitted once, on the training part only, and shared by every grid point.
  const pipeline: FittedPipeline | undefined = spec.features
    ? fitFeaturePipeline(spec.features as FeaturePipelineSpec, ds, split.train, { seed: spec.seed })
    : undefined;
  if (pipeline) log(`features: user ${pipeline.userDim}, item ${pipeline.itemDim}, context ${pipeline.contextDim} columns`);
  // One context row per training interaction (rows follow split.train, as FitContext.trainIndex does).
  const trainContext = pipeline && pipeline.contextDim > 0 ? pipeline.contextFeatures(split.train) : undefined;
  const features = {
    userFeatures: pipeline && pipeline.userDim > 0 ? pipeline.userFeatures() : undefined,
    itemFeatures: pipeline && pipeline.itemDim > 0 ? pipeline.itemFeatures() : undefined,
  };
  const build = (params: ModelSpec): Recommender => {
    // Registered models first: `lightfm` is also an architecture, but only for its bundles.
    if (hasModel(params.type) || !hasArchitecture(params.type)) return createModel(params, features);
    return new NeuralRecommender(params, spec.train ?? {}, { ...features, contextDim: trainContext ? pipeline!.contextDim : 0, trainContext });
  };
  const noteBackend = (model: Recommender) => {
    if (model instanceof NeuralRecommender && model.backend && !backendNoted) {
      backendNoted = true;
      store.updateRun(runId, { backend: model.backend });
      hooks.onBackend?.(model.backend);
    }
  };
  let backendNoted = false;

  // Tuning: every grid point is fitted on train and scored on valid (train masked).
  const { tune, ...base } = spec.model;
  const combos = gridCombinations(tune as Record<string, unknown[]> | undefined);
  let chosen: Record<string, unknown> = {};
  if (combos.length > 1 || Object.keys(combos[0]).length > 0) {
    if (m.valid.indices.length === 0) throw new InputError('model.tune needs a validation part; give the split a non-zero valid ratio.', 'SPEC');
    let best = -Infinity;
    hooks.onProgress?.({ phase: 'tune' });
    for (const combo of combos) {
      await yieldToEventLoop();
      checkAborted(hooks.signal);
      const model = build({ ...(base as ModelSpec), ...combo });
      try {
        await model.fit(ctx());
        noteBackend(model);
        await yieldToEventLoop();
        const r = await evaluateRanking({ scorer: model, truth: m.valid, exclude: [m.train], ks, candidates: validCandidates, itemPopularity });
        const value = r.overall[spec.evaluate.metric];
        if (value === undefined) throw new InputError(`evaluate.metric '${spec.evaluate.metric}' is not a computed metric; choose one of ${Object.keys(r.overall).join(', ')}`, 'SPEC');
        metrics.add({ key: `tune/valid_${spec.evaluate.metric}`, value, step: step++ });
        log(`tune ${JSON.stringify(combo)}: valid ${spec.evaluate.metric} = ${value.toFixed(4)}`);
        if (value > best) {
          best = value;
          chosen = combo;
        }
      } finally {
        metrics.flush();
        model.dispose?.();
      }
    }
    store.logParams(runId, Object.fromEntries(Object.entries(chosen).map(([k, v]) => [`model.${k}(tuned)`, JSON.stringify(v)])));
  }

  await yieldToEventLoop();
  checkAborted(hooks.signal);
  hooks.onProgress?.({ phase: 'fit' });
  const model: Recommender = build({ ...(base as ModelSpec), ...chosen });
  try {
    const t0 = performance.now();
    await model.fit(ctx());
    noteBackend(model);
    const fitSeconds = (performance.now() - t0) / 1000;
    log(`fit ${spec.model.type} in ${fitSeconds.toFixed(2)} s`);
    await yieldToEventLoop();
    checkAborted(hooks.signal);

    hooks.onProgress?.({ phase: 'evaluate' });
    const result = await evaluateRanking({
      scorer: model,
      truth: m.test,
      exclude: [m.train, m.valid],
      ks,
      candidates,
      itemPopularity,
      itemFeatures,
      coldItems: coldSet,
      segments: spec.evaluate.segments,
      trainCounts: m.train,
      keepTopK: maxK,
    });
    let sampled: EvalResult | undefined;
    if (spec.evaluate.sampled) {
      sampled = await evaluateRanking({
        scorer: model,
        truth: m.test,
        exclude: [m.train, m.valid],
        ks,
        candidates,
        sampled: { negatives: spec.evaluate.sampled.negatives, seed: spec.seed },
      });
    }
    const segments: Record<string, Record<string, number>> = { overall: { ...result.overall, users: result.nUsers, fit_s: fitSeconds } };
    for (const [name, values] of Object.entries(result.segments)) segments[name] = { ...values, users: result.segmentUsers[name] ?? 0 };
    if (sampled) segments['sampled'] = sampled.overall;
    store.logFinalMetrics(runId, segments);

    const artifactDir = path.join(opts.artifactsRoot, runId);
    fs.mkdirSync(artifactDir, { recursive: true });
    writeSplitCsv(path.join(artifactDir, 'train.csv'), ds, split.train);
    writeSplitCsv(path.join(artifactDir, 'valid.csv'), ds, split.valid);
    writeSplitCsv(path.join(artifactDir, 'test.csv'), ds, split.test);
    writeTopKCsv(path.join(artifactDir, 'topk.csv'), ds, result.topK ?? []);
    writeJson(path.join(artifactDir, 'metrics.json'), { protocol: result.protocol, ks, overall: result.overall, segments: result.segments, sampled: sampled?.overall });
    writeJson(path.join(artifactDir, 'spec.json'), spec);
    for (const f of ['train.csv', 'valid.csv', 'test.csv', 'topk.csv', 'metrics.json', 'spec.json']) {
      store.addArtifact(runId, { path: path.join(artifactDir, f), kind: f.endsWith('.csv') ? 'csv' : 'json', size: fs.statSync(path.join(artifactDir, f)).size });
    }
    if ((model instanceof NeuralRecommender || model instanceof LightfmRecommender) && spec.export !== false) {
      // A bundle scores users outside the app (loadBundle, `reclab export`); baselines have none.
      hooks.onProgress?.({ phase: 'export' });
      const bundleDir = path.join(artifactDir, 'bundle');
      const manifest = await writeBundle(bundleDir, { spec, model, pipeline, dataset: ds, train: m.train, metrics: segments, runId });
      store.addArtifact(runId, { path: bundleDir, kind: 'bundle', size: manifest.files.reduce((sum, f) => sum + f.bytes, 0) });
      log(`bundle: ${bundleDir}`);
    }
    return {
      runId,
      status: 'FINISHED',
      metrics: segments.overall,
      segments: result.segments,
      protocol: result.protocol,
      fingerprint,
      artifactDir,
      chosenParams: Object.keys(chosen).length ? chosen : undefined,
    };
  } finally {
    metrics.flush();
    model.dispose?.();
  }
}

function combosNeedValid(spec: ExperimentSpec): boolean {
  return Object.keys(spec.model.tune ?? {}).length > 0;
}

function concatIds(a?: Int32Array, b?: Int32Array): Int32Array | undefined {
  if (!a) return b;
  if (!b) return a;
  const out = new Int32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function failNoColdItems(): never {
  throw new InputError("evaluate.candidates is 'cold-items' but the split holds out no items; use split kind 'cold-item'.", 'SPEC');
}

/** Flattens nested params to dotted keys with JSON values, as MLflow params are stored. */
export function flattenParams(obj: Record<string, unknown>, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flattenParams(v as Record<string, unknown>, key));
    else if (v !== undefined) out[key] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return out;
}
