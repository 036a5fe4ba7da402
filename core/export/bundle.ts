import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { columnCounts, splitDataset, splitMatrices, type AttributeKind, type AttributeValue, type CsrMatrix, type Dataset } from '../data';
import type { FittedPipeline } from '../features';
import type { FeatureBlock, NeuralArchitecture, Recommender } from '../models';
import type { ExperimentSpec } from '../spec';
import { appVersion, InputError, sha256, stableStringify } from '../util';
import { describeArchitecture, namedWeights, type ArchitectureState } from './architecture-state';
import { writeEmbeddingsTsv, writeMetadataTsv } from './embeddings';
import { BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, describeFiles, MANIFEST_FILE, type BundleManifest } from './manifest';
import { writeJson } from './run-artifacts';
import { saveWeights, WEIGHTS_FILE } from './tfjs-io';

/**
 * A model bundle: one folder that scores users outside the app (see load-bundle.ts).
 *
 * ```
 * manifest.json            format version, RecLab/tfjs versions, backend, spec hash, sha256 per file
 * model/model.json         TF.js weights manifest; userDefinedMetadata.reclab = ArchitectureState
 * model/weights.bin        the architecture's variables by stable name (float32)
 * pipeline.json            the fitted feature pipeline (FittedPipeline.toJSON), when there is one
 * ids.json                 original user and item ids; array position = dense index
 * history.json             training positives per user (CSR over dense indices): the graph
 *                          the model was built on, and what a known user has already seen
 * user_context.json        each known user's default context row (that of their latest training
 *                          interaction), when the model reads context
 * items.json               item attribute columns, to describe recommendations
 * item_embeddings.tsv      item vectors (TensorBoard Embedding Projector), when the model has them
 * item_metadata.tsv        id, training interactions and attributes per item, same order
 * spec.json, metrics.json  the experiment spec and its final metrics
 * ```
 *
 * Only neural models are bundled. A baseline's state is its whole scoring rule (EASE's
 * item x item matrix is 4 bytes x items^2: 5.7 MB for ML-100K, 400 MB for 10K items;
 * item-kNN's neighbour lists and SVD's factors are similar), and the baselines keep it
 * in private fields, so exporting them is left for when they expose their state.
 */

/** What `writeBundle` needs; everything is at hand at the end of `runExperiment`. */
export interface BundleInput {
  spec: ExperimentSpec;
  /** A fitted NeuralRecommender (anything with `architecture` and `model`). */
  model: Recommender;
  pipeline?: FittedPipeline;
  dataset: Dataset;
  /** The training positives the model was fitted on; default: the spec's split rebuilt (deterministic for its seed). */
  train?: CsrMatrix;
  metrics?: Record<string, unknown>;
  runId?: string;
  /**
   * Width of the context vector the model was built with; default: the model's own
   * (`NeuralRecommender.contextDim`, which the runner sets from the feature pipeline).
   */
  contextDim?: number;
  /** Item attribute columns for items.json and item_metadata.tsv; default: all. */
  itemColumns?: string[];
}

/** The shape of a NeuralRecommender that export reads, so core/export need not import core/train. */
interface TrainedNeuralModel {
  readonly type: string;
  readonly model: { type: string } & Record<string, unknown>;
  readonly architecture: NeuralArchitecture | undefined;
  readonly backend?: string;
  /** Context width the architecture was built with (0: none). */
  readonly contextDim?: number;
  /** Each user's ranking context, `nUsers x contextDim`. */
  readonly userContext?: Float32Array;
}

function asNeural(model: Recommender): TrainedNeuralModel {
  const m = model as unknown as Partial<TrainedNeuralModel>;
  if (!m || typeof m.model !== 'object' || !('architecture' in m)) {
    throw new InputError(
      `Model '${model.type}' is a baseline; bundles hold neural models only (a baseline's state is its whole score table, e.g. EASE's item x item matrix). Export its top-K lists (topk.csv) instead.`,
      'BUNDLE',
    );
  }
  if (!m.architecture) throw new InputError(`Model '${model.type}' has not been fitted; fit it before export.`, 'BUNDLE');
  return m as TrainedNeuralModel;
}

/** `model/model.json` metadata key holding the ArchitectureState. */
export const STATE_KEY = 'reclab';

/** ids.json */
export interface BundleIds {
  users: string[];
  items: string[];
}

/** history.json: a CSR matrix as JSON. */
export interface BundleHistory {
  nUsers: number;
  nItems: number;
  indptr: number[];
  indices: number[];
}

/** user_context.json: row u (`nUsers x dim`, row-major) is the context known user u is ranked in by default. */
export interface BundleUserContext {
  dim: number;
  nUsers: number;
  values: number[];
}

/** items.json */
export interface BundleItems {
  columns: { name: string; kind: AttributeKind; values: AttributeValue[] }[];
}

/**
 * Item vectors to visualise: the factor model's item vectors when the architecture is
 * factorised, else its per-item id tables side by side (e.g. NeuMF's GMF and MLP
 * embeddings); undefined when it has neither.
 */
export function itemVectors(arch: NeuralArchitecture, state: ArchitectureState): { dim: number; values: Float32Array } | undefined {
  if (arch.factors) {
    const f = arch.factors();
    return { dim: f.dim, values: f.items };
  }
  const tables = state.variables.map((s, k) => ({ s, v: arch.variables[k] })).filter(({ s }) => s.rows === 'item' && s.shape.length === 2 && s.shape[1] > 1);
  if (tables.length === 0) return undefined;
  const n = state.nItems;
  const dim = tables.reduce((a, t) => a + t.s.shape[1], 0);
  const values = new Float32Array(n * dim);
  let offset = 0;
  for (const { s, v } of tables) {
    const w = s.shape[1];
    const data = v.dataSync() as Float32Array;
    for (let i = 0; i < n; i++) values.set(data.subarray(i * w, i * w + w), i * dim + offset);
    offset += w;
  }
  return { dim, values };
}

/** Deletes the files a bundle already in `dir` lists, so no stale file (e.g. an old model's embeddings) survives a rewrite. */
function removePreviousBundle(dir: string): void {
  const manifestFile = path.join(dir, MANIFEST_FILE);
  if (!fs.existsSync(manifestFile)) return;
  let old: BundleManifest;
  try {
    old = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as BundleManifest;
  } catch {
    throw new InputError(`${manifestFile}: exists but is not a bundle manifest; choose another folder or delete it.`, 'BUNDLE');
  }
  for (const f of old.files ?? []) {
    const file = path.resolve(dir, f.path);
    if (!path.relative(path.resolve(dir), file).startsWith('..')) fs.rmSync(file, { force: true });
  }
  fs.rmSync(manifestFile);
}

/** The model's context width; an explicit `contextDim` must agree with it. */
function modelContextDim(neural: TrainedNeuralModel, given: number | undefined): number {
  const own = neural.contextDim;
  if (own !== undefined && given !== undefined && own !== given) {
    throw new InputError(`contextDim ${given} was given, but the ${neural.type} model was built with ${own} context columns.`, 'BUNDLE');
  }
  return own ?? given ?? 0;
}

function trainMatrix(input: BundleInput): CsrMatrix {
  if (input.train) return input.train;
  return splitMatrices(input.dataset, splitDataset(input.dataset, input.spec.split, input.spec.seed)).train;
}

/**
 * Writes a model bundle into `dir` (created; existing bundle files are overwritten) and
 * returns its manifest. Refuses baselines and unfitted models, and a model whose spec
 * and inputs would not rebuild the same variables (checked by a probe build), so every
 * bundle written can be loaded.
 */
export async function writeBundle(dir: string, input: BundleInput): Promise<BundleManifest> {
  const neural = asNeural(input.model);
  const arch = neural.architecture!;
  const ds = input.dataset;
  const pipeline = input.pipeline;
  const train = trainMatrix(input);
  if (train.nRows !== ds.userIds.length || train.nCols !== ds.itemIds.length) {
    throw new InputError(`The training matrix is ${train.nRows} x ${train.nCols} but dataset '${ds.name}' has ${ds.userIds.length} users and ${ds.itemIds.length} items.`, 'BUNDLE');
  }
  const userFeatures: FeatureBlock | undefined = pipeline && pipeline.userDim > 0 ? pipeline.userFeatures() : undefined;
  const itemFeatures: FeatureBlock | undefined = pipeline && pipeline.itemDim > 0 ? pipeline.itemFeatures() : undefined;
  const contextDim = modelContextDim(neural, input.contextDim);
  if (contextDim > 0 && !pipeline) throw new InputError(`The model reads ${contextDim} context columns but no feature pipeline was given; a bundle needs it to turn a request's context into features.`, 'BUNDLE');
  const userContext = contextDim > 0 ? neural.userContext : undefined;
  if (userContext && userContext.length !== train.nRows * contextDim) {
    throw new InputError(`The model's user context has ${userContext.length} values; expected ${train.nRows} users x ${contextDim} columns.`, 'BUNDLE');
  }
  const state = describeArchitecture(
    arch,
    neural.model,
    {
      spec: neural.model,
      nUsers: train.nRows,
      nItems: train.nCols,
      userFeatureDim: userFeatures?.dim ?? 0,
      itemFeatureDim: itemFeatures?.dim ?? 0,
      contextDim,
      seed: input.spec.seed,
    },
    { userFeatures, itemFeatures, graph: train },
  );

  removePreviousBundle(dir);
  fs.mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const json = (rel: string, value: unknown) => {
    writeJson(path.join(dir, rel), value);
    files.push(rel);
  };

  await saveWeights(path.join(dir, 'model'), namedWeights(arch, state), { [STATE_KEY]: state });
  files.push('model/model.json', `model/${WEIGHTS_FILE}`);
  if (pipeline) json('pipeline.json', pipeline.toJSON());
  json('ids.json', { users: ds.userIds, items: ds.itemIds } satisfies BundleIds);
  json('history.json', { nUsers: train.nRows, nItems: train.nCols, indptr: Array.from(train.indptr), indices: Array.from(train.indices) } satisfies BundleHistory);
  if (userContext) json('user_context.json', { dim: contextDim, nUsers: train.nRows, values: Array.from(userContext) } satisfies BundleUserContext);
  const wanted = input.itemColumns ? new Set(input.itemColumns) : undefined;
  const columns = ds.itemAttributes.filter((c) => !wanted || wanted.has(c.name));
  json('items.json', { columns: columns.map((c) => ({ name: c.name, kind: c.kind, values: c.values })) } satisfies BundleItems);

  const vectors = tf.tidy(() => itemVectors(arch, state));
  if (vectors) {
    writeEmbeddingsTsv(path.join(dir, 'item_embeddings.tsv'), vectors.values, state.nItems, vectors.dim);
    const popularity = columnCounts(train);
    writeMetadataTsv(
      path.join(dir, 'item_metadata.tsv'),
      ['id', 'train_interactions', ...columns.map((c) => c.name)],
      ds.itemIds.map((id, i) => [id, popularity[i], ...columns.map((c) => c.values[i])]),
    );
    files.push('item_embeddings.tsv', 'item_metadata.tsv');
  }
  json('spec.json', input.spec);
  json('metrics.json', input.metrics ?? {});

  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    reclabVersion: appVersion(),
    tfjsVersion: tf.version_core,
    backend: neural.backend ?? tf.getBackend(),
    created: new Date().toISOString(),
    modelType: neural.model.type,
    specHash: sha256(stableStringify(input.spec)),
    ...(input.runId ? { runId: input.runId } : {}),
    files: describeFiles(dir, files),
  };
  writeJson(path.join(dir, MANIFEST_FILE), manifest);
  return manifest;
}
