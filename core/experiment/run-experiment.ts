import fs from 'node:fs';
import path from 'node:path';
import {
  buildCsr,
  columnCounts,
  datasetStats,
  fingerprintedEvaluation,
  loadDataset,
  protocolFingerprint,
  resolveDataSpec,
  splitDataset,
  splitMatrices,
  type CsrMatrix,
  type Dataset,
  type Split,
} from '../data';
import { evaluateRanking, PopularityFallbackScorer, type EvalResult, type Scorer } from '../eval';
import { writeBundle, writeJson, writeRunItems, writeSplitCsv, writeTopKCsv } from '../export';
import { fitFeaturePipeline, type FittedPipeline } from '../features';
import { createModel, hasArchitecture, hasModel, LightfmRecommender, type FitContext, type ModelSummary, type Recommender } from '../models';
import { MetricBuffer, writeRunFiles, type RunStore } from '../runs';
import { parseSpec, type ExperimentSpec, type ModelSpec } from '../spec';
import { NeuralRecommender } from '../train';
import { InputError, RecLabError } from '../util';
import { dataOutput, featuresOutput, splitOutput } from './outputs';
import type { FitProgress, OutputSection, PreviewStage, RunMetricPoint, RunOutputs, RunPhase } from './progress';

/** Callbacks a host (the worker, a test) passes to watch a run. */
export interface ExperimentHooks {
  log?: (line: string) => void;
  signal?: { aborted: boolean };
  /** The stage the run entered. */
  onPhase?: (phase: RunPhase) => void;
  /** Every metric point as it is logged (the store gets them in batches). */
  onMetric?: (point: RunMetricPoint) => void;
  /** Where the fit is: epoch and step of total, best validation value so far. */
  onProgress?: (progress: FitProgress) => void;
  /** A stage's cell output, as soon as the stage is done. */
  onOutput?: <S extends OutputSection>(section: S, value: NonNullable<RunOutputs[S]>) => void;
  /** Told which TF.js backend a neural model initialised. */
  onBackend?: (backend: string) => void;
}

interface StageOptions {
  /** Folder relative paths in the spec are resolved against (the notebook's folder). */
  baseDir: string;
  /** The workspace's `datasets.json`, to resolve `data.source: "workspace"`. */
  datasetsFile?: string;
  hooks?: ExperimentHooks;
}

export interface ExperimentOptions extends StageOptions {
  store: RunStore;
  /** The RUNNING run row to fill (createRunRecord made it before any work). */
  runId: string;
  /** Where artifacts go: `<artifactsRoot>/<runId>/`. */
  artifactsRoot: string;
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
  /** Things the user should know about the numbers (e.g. many users with all-tied scores), one line each. */
  warnings: string[];
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

/** What the stages before training produce; each is reached in order. */
interface Prepared {
  ds: Dataset;
  split?: Split;
  m?: { train: CsrMatrix; valid: CsrMatrix; test: CsrMatrix };
  fingerprint?: string;
  pipeline?: FittedPipeline;
  trainContext?: Float32Array;
}

const STAGE_ORDER: PreviewStage[] = ['data', 'split', 'features', 'model'];

/** Load, split and fit features, up to and including `until`, reporting each stage's output. */
async function prepare(spec: ExperimentSpec, opts: StageOptions, until: PreviewStage): Promise<Prepared> {
  const hooks = opts.hooks ?? {};
  const log = hooks.log ?? (() => {});
  const reach = (s: PreviewStage) => STAGE_ORDER.indexOf(s) <= STAGE_ORDER.indexOf(until);

  hooks.onPhase?.('load');
  const ds = loadDataset(resolveDataSpec(spec.data, opts.datasetsFile), opts.baseDir);
  const stats = datasetStats(ds);
  log(`dataset ${ds.name}: ${stats.users} users, ${stats.items} items, ${stats.interactions} interactions`);
  hooks.onOutput?.('data', dataOutput(ds, stats));
  if (!reach('split')) return { ds };
  await yieldToEventLoop();
  checkAborted(hooks.signal);

  hooks.onPhase?.('split');
  const split = splitDataset(ds, spec.split, spec.seed);
  const m = splitMatrices(ds, split);
  const fingerprint = protocolFingerprint(ds, split, fingerprintedEvaluation(spec.evaluate));
  hooks.onOutput?.('split', splitOutput(split, m, fingerprint));
  if (!reach('features')) return { ds, split, m, fingerprint };
  await yieldToEventLoop();
  checkAborted(hooks.signal);

  // Features are fitted once, on the training part only, and shared by every grid point.
  let pipeline: FittedPipeline | undefined;
  let trainContext: Float32Array | undefined;
  if (spec.features) {
    hooks.onPhase?.('features');
    pipeline = fitFeaturePipeline(spec.features, ds, split.train, { seed: spec.seed });
    log(`features: user ${pipeline.userDim}, item ${pipeline.itemDim}, context ${pipeline.contextDim} columns`);
    hooks.onOutput?.('features', featuresOutput(pipeline));
    // One context row per training interaction (rows follow split.train, as FitContext.trainIndex does).
    trainContext = pipeline.contextDim > 0 ? pipeline.contextFeatures(split.train) : undefined;
  }
  return { ds, split, m, fingerprint, pipeline, trainContext };
}

/**
 * A model of `params`: a registered model (baselines, lightfm) from the registry with the
 * pipeline's feature blocks, else a neural architecture with the features and context.
 */
function buildModel(spec: ExperimentSpec, params: ModelSpec, p: Prepared): Recommender {
  const { pipeline, trainContext } = p;
  const features = {
    userFeatures: pipeline && pipeline.userDim > 0 ? pipeline.userFeatures() : undefined,
    itemFeatures: pipeline && pipeline.itemDim > 0 ? pipeline.itemFeatures() : undefined,
  };
  // Registered models first: `lightfm` is also an architecture, but only for its bundles.
  if (hasModel(params.type) || !hasArchitecture(params.type)) return createModel(params, features);
  return new NeuralRecommender(params, spec.train ?? {}, { ...features, contextDim: trainContext ? pipeline!.contextDim : 0, trainContext });
}

function modelConfig(spec: ExperimentSpec): Record<string, unknown> {
  const { tune: _tune, ...config } = spec.model;
  return config;
}

/**
 * Runs the stages before training, up to and including `until` (a notebook cell run:
 * the data cell shows the dataset, the model cell the layers), and records nothing.
 */
export async function previewExperiment(spec: ExperimentSpec, until: PreviewStage, opts: StageOptions): Promise<RunOutputs> {
  const outputs: RunOutputs = {};
  const hooks = opts.hooks ?? {};
  const onOutput: ExperimentHooks['onOutput'] = (section, value) => {
    (outputs as Record<string, unknown>)[section] = value;
    hooks.onOutput?.(section, value);
  };
  const p = await prepare(spec, { ...opts, hooks: { ...hooks, onOutput } }, until);
  if (until === 'model') {
    hooks.onPhase?.('model');
    const model = buildModel(spec, spec.model, p);
    try {
      const summary: ModelSummary = model instanceof NeuralRecommender ? await model.describe(p.m!.train, spec.seed) : (model.summary?.() ?? { type: model.type, parameters: 0 });
      onOutput('model', { ...summary, config: modelConfig(spec) });
    } finally {
      model.dispose?.();
    }
  }
  return outputs;
}

/**
 * Runs one experiment end to end on an existing RUNNING run row (createRunRecord):
 * load -> split -> features -> (tune on valid) -> fit on train -> full-ranking evaluation
 * on test -> final metrics + artifacts. Whatever happens, the row ends FINISHED, FAILED or
 * KILLED with its message; cell outputs go to `<artifacts>/outputs.json` as each stage ends.
 */
export async function runExperiment(given: ExperimentSpec, opts: ExperimentOptions): Promise<ExperimentResult> {
  // Every default filled (parsing is idempotent), so what the stages see is complete.
  const spec = parseSpec(given);
  const { store, runId } = opts;
  const hooks = opts.hooks ?? {};
  const artifactDir = path.join(opts.artifactsRoot, runId);
  const outputs: RunOutputs = {};
  const outputsFile = path.join(artifactDir, 'outputs.json');
  const onOutput: ExperimentHooks['onOutput'] = (section, value) => {
    (outputs as Record<string, unknown>)[section] = value;
    // Written at each stage, so a run that fails later still shows what it reached.
    writeJson(outputsFile, outputs);
    hooks.onOutput?.(section, value);
  };
  try {
    fs.mkdirSync(artifactDir, { recursive: true });
    store.updateRun(runId, { pid: process.pid });
    // run.json (and series.csv) let `reclab runs recover` rebuild the run if the store file
    // is lost: written now, so a crashed run is not lost either, and again at the end.
    writeRunFiles(store, runId, artifactDir);
    const p = await prepare(spec, { ...opts, hooks: { ...hooks, onOutput } }, 'model');
    store.updateRun(runId, { fingerprint: p.fingerprint, datasetStats: datasetStats(p.ds) as unknown as Record<string, unknown> });
    store.addArtifact(runId, { path: outputsFile, kind: 'outputs', size: fs.statSync(outputsFile).size });
    const result = await trainAndEvaluate(spec, p as Required<Pick<Prepared, 'split' | 'm' | 'fingerprint'>> & Prepared, opts, { artifactDir, onOutput });
    store.addArtifact(runId, { path: outputsFile, kind: 'outputs', size: fs.statSync(outputsFile).size });
    store.finishRun(runId, 'FINISHED');
    return result;
  } catch (e) {
    const cancelled = e instanceof Error && (e as RecLabError).code === 'CANCELLED';
    store.finishRun(runId, cancelled ? 'KILLED' : 'FAILED', e instanceof Error ? e.message : String(e));
    throw e;
  } finally {
    try {
      writeRunFiles(store, runId, artifactDir);
    } catch (e) {
      // The store has the run; only its copy for recovery is missing.
      hooks.log?.(`could not write ${artifactDir}/run.json: ${(e as Error).message}`);
    }
  }
}

async function trainAndEvaluate(
  spec: ExperimentSpec,
  p: Prepared & Required<Pick<Prepared, 'split' | 'm' | 'fingerprint'>>,
  opts: ExperimentOptions,
  out: { artifactDir: string; onOutput: NonNullable<ExperimentHooks['onOutput']> },
): Promise<ExperimentResult> {
  const { store, runId } = opts;
  const hooks = opts.hooks ?? {};
  const log = hooks.log ?? (() => {});
  const { ds, split, m, fingerprint, pipeline } = p;
  const ks = spec.evaluate.ks;
  const maxK = Math.max(...ks);
  const itemPopularity = columnCounts(m.train);
  const itemFeatures = itemFeatureMatrix(ds);
  const userTrainCounts = Int32Array.from({ length: m.train.nRows }, (_, u) => m.train.indptr[u + 1] - m.train.indptr[u]);
  // What evaluation scores with: the model, or the model with the explicit fallback for users without history.
  const scorerOf = (model: Recommender): Scorer => (spec.evaluate.fallback === 'mostpop' ? new PopularityFallbackScorer(model, userTrainCounts, itemPopularity) : model);
  const candidates = spec.evaluate.candidates === 'cold-items' ? (split.coldItems ?? failNoColdItems()) : undefined;
  const coldSet = split.coldItems;
  // Cold items of the validation part rank among themselves while tuning, as test ones do.
  const validCandidates = spec.evaluate.candidates === 'cold-items' ? split.validColdItems : undefined;
  if (spec.evaluate.candidates === 'cold-items' && Object.keys(spec.model.tune ?? {}).length > 0 && !validCandidates)
    throw new InputError("Tuning with evaluate.candidates 'cold-items' needs held-out validation items: set split.valid > 0.", 'SPEC');
  const heldOutItems = concatIds(split.coldItems, split.validColdItems);
  const heldOutUsers = concatIds(split.coldUsers, split.validColdUsers);
  let step = 0;
  // Training logs a point per step: batch them, as single inserts are ~30x slower.
  const metrics = new MetricBuffer(store, runId);
  const logMetric = (point: RunMetricPoint) => {
    metrics.add(point);
    hooks.onMetric?.(point);
  };
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
    onMetric: (key, value, s, epoch) => logMetric({ key, value, step: s, epoch, time: Date.now() }),
    onProgress: (progress) => {
      // The backend is chosen when the fit starts: recorded at the first progress, so a running run's page says which.
      if (fitting) noteBackend(fitting);
      hooks.onProgress?.(progress);
    },
  });
  let fitting: Recommender | undefined;
  let backendNoted = false;
  const noteBackend = (model: Recommender) => {
    if (model instanceof NeuralRecommender && model.backend && !backendNoted) {
      backendNoted = true;
      store.updateRun(runId, { backend: model.backend });
      hooks.onBackend?.(model.backend);
    }
  };

  // Tuning: every grid point is fitted on train and scored on valid (train masked).
  const { tune, ...base } = spec.model;
  const combos = gridCombinations(tune as Record<string, unknown[]> | undefined);
  let chosen: Record<string, unknown> = {};
  if (combos.length > 1 || Object.keys(combos[0]).length > 0) {
    if (m.valid.indices.length === 0) throw new InputError('model.tune needs a validation part; give the split a non-zero valid ratio.', 'SPEC');
    let best = -Infinity;
    hooks.onPhase?.('tune');
    for (let c = 0; c < combos.length; c++) {
      const combo = combos[c];
      hooks.onProgress?.({ fraction: c / combos.length });
      await yieldToEventLoop();
      checkAborted(hooks.signal);
      const model = (fitting = buildModel(spec, { ...(base as ModelSpec), ...combo }, p));
      try {
        await model.fit(ctx());
        noteBackend(model);
        await yieldToEventLoop();
        const r = await evaluateRanking({ scorer: scorerOf(model), truth: m.valid, exclude: [m.train], ks, candidates: validCandidates, itemPopularity, seed: spec.seed });
        const value = r.overall[spec.evaluate.metric];
        if (value === undefined) throw new InputError(`evaluate.metric '${spec.evaluate.metric}' is not a computed metric; choose one of ${Object.keys(r.overall).join(', ')}`, 'SPEC');
        logMetric({ key: `tune/valid_${spec.evaluate.metric}`, value, step: step++, time: Date.now() });
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
  hooks.onPhase?.('train');
  const model: Recommender = (fitting = buildModel(spec, { ...(base as ModelSpec), ...chosen }, p));
  try {
    const t0 = performance.now();
    await model.fit(ctx());
    noteBackend(model);
    const fitSeconds = (performance.now() - t0) / 1000;
    log(`fit ${spec.model.type} in ${fitSeconds.toFixed(2)} s`);
    const summary = model.summary?.() ?? { type: model.type, parameters: 0 };
    out.onOutput('model', { ...summary, config: { ...modelConfig(spec), ...chosen } });
    const trained = model instanceof NeuralRecommender ? model.result : undefined;
    out.onOutput('train', {
      seconds: fitSeconds,
      ...(trained ? { epochs: trained.epochs, bestEpoch: trained.bestEpoch, bestMetric: trained.bestMetric, stoppedEarly: trained.stoppedEarly } : {}),
      ...(Object.keys(chosen).length ? { tuned: chosen } : {}),
    });
    metrics.flush();
    await yieldToEventLoop();
    checkAborted(hooks.signal);

    hooks.onPhase?.('evaluate');
    const result = await evaluateRanking({
      scorer: scorerOf(model),
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
      seed: spec.seed,
    });
    let sampled: EvalResult | undefined;
    if (spec.evaluate.sampled) {
      sampled = await evaluateRanking({
        scorer: scorerOf(model),
        truth: m.test,
        exclude: [m.train, m.valid],
        ks,
        candidates,
        sampled: { negatives: spec.evaluate.sampled.negatives, seed: spec.seed },
      });
    }
    const warnings = tiedUsersWarning(result, spec.evaluate.fallback);
    for (const w of warnings) log(`warning: ${w}`);
    const protocol = spec.evaluate.fallback === 'mostpop' ? `${result.protocol}, users without training history ranked by popularity (fallback mostpop)` : result.protocol;
    const segments: Record<string, Record<string, number>> = { overall: { ...result.overall, users: result.nUsers, tied_users: result.tiedUsers, fit_s: fitSeconds } };
    for (const [name, values] of Object.entries(result.segments)) segments[name] = { ...values, users: result.segmentUsers[name] ?? 0 };
    if (sampled) segments['sampled'] = sampled.overall;
    store.logFinalMetrics(runId, segments);
    out.onOutput('evaluate', { protocol, ks, segments, warnings });

    const { artifactDir } = out;
    hooks.onPhase?.('export');
    writeSplitCsv(path.join(artifactDir, 'train.csv'), ds, split.train);
    writeSplitCsv(path.join(artifactDir, 'valid.csv'), ds, split.valid);
    writeSplitCsv(path.join(artifactDir, 'test.csv'), ds, split.test);
    writeTopKCsv(path.join(artifactDir, 'topk.csv'), ds, result.topK ?? []);
    writeJson(path.join(artifactDir, 'metrics.json'), { protocol, ks, overall: result.overall, tied_users: result.tiedUsers, segments: result.segments, sampled: sampled?.overall, warnings });
    writeJson(path.join(artifactDir, 'spec.json'), spec);
    // Item ids and attributes, so the inspector can show titles for every run, baselines included.
    writeRunItems(path.join(artifactDir, 'items.json'), ds);
    for (const f of ['train.csv', 'valid.csv', 'test.csv', 'topk.csv', 'metrics.json', 'spec.json', 'items.json']) {
      store.addArtifact(runId, { path: path.join(artifactDir, f), kind: f.endsWith('.csv') ? 'csv' : 'json', size: fs.statSync(path.join(artifactDir, f)).size });
    }
    if ((model instanceof NeuralRecommender || model instanceof LightfmRecommender) && spec.export !== false) {
      // A bundle scores users outside the app (loadBundle, `reclab export`); baselines have none.
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
      protocol,
      fingerprint,
      artifactDir,
      chosenParams: Object.keys(chosen).length ? chosen : undefined,
      warnings,
    };
  } finally {
    metrics.flush();
    model.dispose?.();
  }
}

/** Above this share of evaluated users with all-tied scores, the overall numbers mostly measure the tie order. */
const TIED_WARNING_SHARE = 0.05;

/** The warning for many all-tied users, naming the way out; none at or below 5 %. */
export function tiedUsersWarning(result: Pick<EvalResult, 'tiedUsers' | 'nUsers' | 'segmentUsers'>, fallback: string | undefined): string[] {
  const { tiedUsers, nUsers } = result;
  if (nUsers === 0 || tiedUsers <= TIED_WARNING_SHARE * nUsers) return [];
  const share = ((100 * tiedUsers) / nUsers).toFixed(1);
  const noHistory = result.segmentUsers['users:no-history'] ?? 0;
  const why = noHistory > 0 ? ` ${noHistory} evaluated user${noHistory === 1 ? ' has' : 's have'} no training interaction (segment users:no-history).` : '';
  const remedy =
    fallback === 'mostpop'
      ? 'The model itself gives these users no ranking: look at the split (a random or leave-last-out split keeps history for every test user) or the model.'
      : 'Rank users without history by popularity with evaluate.fallback: "mostpop", or use a split that keeps history for every test user (random or leave-last-out).';
  return [
    `${tiedUsers} of ${nUsers} evaluated users (${share} %) got the same score for every item, so their lists are a random tie order, not the model's ranking.${why} ${remedy}`,
  ];
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
