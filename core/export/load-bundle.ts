import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { AttributeValue, CsrMatrix } from '../data';
import { loadFittedPipeline, type FittedPipeline, type FittedPipelineJson } from '../features';
import type { ExperimentSpec } from '../spec';
import { createScoreFunction, topKInto, type NeuralArchitecture, type ScoreFunction } from '../models';
import { initBackend, type BackendName } from '../train';
import { InputError } from '../util';
import { rebuildArchitecture, type ArchitectureState, type Extension, type RebuildData } from './architecture-state';
import { STATE_KEY, type BundleHistory, type BundleIds, type BundleItems, type BundleUserContext } from './bundle';
import { foldInUser, type FoldInOptions } from './fold-in';
import { readManifest, verifyManifest, type BundleManifest } from './manifest';
import { loadWeights } from './tfjs-io';

/** A user the model has never seen: attributes (for user features) and items they interacted with (original ids). */
export interface NewUser {
  attributes?: Record<string, AttributeValue>;
  history?: string[];
}

/** An item the model has never seen, described by its attributes (for item features). */
export interface NewItem {
  id: string;
  attributes: Record<string, AttributeValue>;
}

/** Options of `recommend` and `score`. */
export interface RecommendOptions {
  /**
   * The request's context: `timestamp` (Unix seconds) and context columns (device, ...),
   * turned into features by the bundle's pipeline; a part left out counts as missing.
   * Used only by models built with context features; ignored otherwise. Default: a known
   * user's latest training context (user_context.json), the zero context for a new user.
   */
  context?: Record<string, unknown>;
  /** Original item ids never to recommend (in addition to the user's history). */
  exclude?: string[];
  /** Rank only these items (original ids of known items or of `newItems`). */
  candidates?: string[];
  /** Items to rank along with the known ones, scored from their attributes. */
  newItems?: NewItem[];
  /** Leave out the user's history (training items, or a new user's `history`); default true. */
  excludeHistory?: boolean;
}

/** One recommended item; `score` is the model's logit (higher is better). */
export interface Recommendation {
  item: string;
  score: number;
}

/** Options of `loadBundle`. */
export interface LoadBundleOptions {
  /** Preferred tfjs backend; default: the fastest available (tensorflow, wasm, cpu). */
  backend?: BackendName;
  /** Check every file's SHA-256 against the manifest first (default true). */
  verify?: boolean;
  /** Fold-in settings for new users with a history. */
  foldIn?: FoldInOptions;
}

function readJson<T>(dir: string, rel: string): T {
  const file = path.join(dir, rel);
  if (!fs.existsSync(file)) throw new InputError(`${file}: missing from the bundle.`, 'BUNDLE');
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch (e) {
    throw new InputError(`${file}: not valid JSON (${(e as Error).message}).`, 'BUNDLE');
  }
}

/**
 * A loaded model bundle. Known users are scored by the trained architecture as it was;
 * a new user or new items rebuild the architecture with the extra rows for that call
 * (see architecture-state.ts) and dispose it after. Call `dispose()` when done.
 */
export class Bundle {
  readonly users: readonly string[];
  readonly items: readonly string[];
  readonly backend: string;
  private readonly userIndex: Map<string, number>;
  private readonly itemIndex: Map<string, number>;
  private readonly warm: Uint8Array;
  private baseScore: ScoreFunction | undefined;
  private rankingScore: ScoreFunction | undefined;
  private disposed = false;

  constructor(
    readonly dir: string,
    readonly manifest: BundleManifest,
    readonly spec: ExperimentSpec,
    readonly metrics: Record<string, unknown>,
    readonly state: ArchitectureState,
    readonly pipeline: FittedPipeline | undefined,
    private readonly weights: tf.NamedTensorMap,
    private readonly data: RebuildData & { graph: CsrMatrix },
    private readonly itemColumns: BundleItems['columns'],
    private readonly base: NeuralArchitecture,
    ids: BundleIds,
    backend: string,
    private readonly foldIn: FoldInOptions = {},
    private readonly userContext?: Float32Array,
  ) {
    this.users = ids.users;
    this.items = ids.items;
    this.backend = backend;
    this.userIndex = new Map(ids.users.map((u, k) => [u, k]));
    this.itemIndex = new Map(ids.items.map((i, k) => [i, k]));
    this.warm = new Uint8Array(state.nItems);
    for (const i of data.graph.indices) this.warm[i] = 1;
  }

  /** Attributes of a known item (items.json), e.g. to show a title next to a recommendation. */
  itemAttributes(id: string): Record<string, AttributeValue> | undefined {
    const i = this.itemIndex.get(id);
    if (i === undefined) return undefined;
    return Object.fromEntries(this.itemColumns.map((c) => [c.name, c.values[i]]));
  }

  /** Training items of a known user (original ids). */
  history(user: string): string[] {
    const u = this.requireUser(user);
    const g = this.data.graph;
    return Array.from(g.indices.subarray(g.indptr[u], g.indptr[u + 1]), (i) => this.items[i]);
  }

  /** Dense index of a known user (its position in `users`), or undefined. */
  userIndexOf(user: string): number | undefined {
    return this.userIndex.get(user);
  }

  /** Dense index of a known item (its position in `items`), or undefined. */
  itemIndexOf(item: string): number | undefined {
    return this.itemIndex.get(item);
  }

  /**
   * Scores of known users (dense indices) for every known item, `users.length x items.length`
   * into `out`, computed as the run's evaluation computed them: the same scoring function over
   * the same weights, each user in their default (latest training) context. Ranking these with
   * core/eval's seeded tie order gives the run's own top-K lists.
   */
  scoreUsers(users: Int32Array, out: Float32Array): void {
    this.checkOpen();
    const { nItems, contextDim } = this.state;
    if (out.length !== users.length * nItems) throw new InputError(`scoreUsers: out holds ${out.length} scores, expected ${users.length} users x ${nItems} items.`, 'INPUT');
    for (const u of users) if (!(u >= 0 && u < this.state.nUsers)) throw new InputError(`scoreUsers: user index ${u} is outside 0..${this.state.nUsers - 1}.`, 'INPUT');
    this.rankingScore ??= createScoreFunction(this.base, nItems, this.userContext && contextDim > 0 ? { dim: contextDim, values: this.userContext } : undefined);
    this.rankingScore(users, out);
  }

  /** True when the model is a gated hybrid: `gate` tells the weight of its collaborative branch. */
  get hasGate(): boolean {
    return typeof this.base.gate === 'function';
  }

  /** True when the gate also reads user features, so one item's gate differs from user to user. */
  get gateReadsUser(): boolean {
    return this.hasGate && this.state.spec.gateUserFeatures !== false && this.state.userFeatureDim > 0;
  }

  /**
   * The gate (weight of the collaborative branch, 0..1) of each (user, item) pair, in dense
   * indices, as the model computes it when scoring (no id dropout).
   */
  gate(users: Int32Array, items: Int32Array): Float32Array {
    this.checkOpen();
    const gate = this.base.gate;
    if (!gate) throw new InputError(`This ${this.state.spec.type} model has no gate; only hybrid models with fusion 'gate' have one.`, 'NO_GATE');
    if (users.length !== items.length) throw new InputError(`gate: ${users.length} users but ${items.length} items; give one user per item.`, 'INPUT');
    const out = new Float32Array(users.length);
    const chunk = 65_536;
    for (let lo = 0; lo < users.length; lo += chunk) {
      const hi = Math.min(users.length, lo + chunk);
      const g = tf.tidy(() => gate({ users: tf.tensor1d(users.subarray(lo, hi), 'int32'), items: tf.tensor1d(items.subarray(lo, hi), 'int32') }));
      out.set(g.dataSync() as Float32Array, lo);
      g.dispose();
    }
    return out;
  }

  /** Training interactions per known item (the popularity the model saw). */
  itemPopularity(): Int32Array {
    const counts = new Int32Array(this.state.nItems);
    for (const i of this.data.graph.indices) counts[i]++;
    return counts;
  }

  /** Training items of a known user by dense index. */
  historyOf(user: number): Int32Array {
    const g = this.data.graph;
    return g.indices.subarray(g.indptr[user], g.indptr[user + 1]);
  }

  /** The top `k` items for `user` (a known user's original id, or a new user), best first. */
  async recommend(user: string | NewUser, k: number, opts: RecommendOptions = {}): Promise<Recommendation[]> {
    if (!(Number.isInteger(k) && k > 0)) throw new InputError(`recommend: k must be a positive integer, got ${k}.`, 'INPUT');
    const row = this.scoreRow(user, opts);
    const n = row.ids.length;
    const masked = row.scores.slice();
    if (opts.excludeHistory !== false) for (const i of row.history) masked[i] = -Infinity;
    for (const id of opts.exclude ?? []) {
      const i = row.index.get(id);
      if (i !== undefined) masked[i] = -Infinity;
    }
    if (opts.candidates) {
      const keep = new Uint8Array(n);
      for (const id of opts.candidates) keep[this.resolveItem(row.index, id, 'candidates')] = 1;
      for (let i = 0; i < n; i++) if (!keep[i]) masked[i] = -Infinity;
    }
    const top = new Int32Array(k);
    const found = topKInto(masked, 0, n, k, top, 0);
    return Array.from(top.subarray(0, found), (i) => ({ item: row.ids[i], score: row.scores[i] }));
  }

  /** Scores (logits) of `items` for `user`, in the order given; `items` may name `opts.newItems`. */
  async score(user: string | NewUser, items: string[], opts: RecommendOptions = {}): Promise<number[]> {
    const row = this.scoreRow(user, opts);
    return items.map((id) => row.scores[this.resolveItem(row.index, id, 'items')]);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.base.dispose();
    tf.dispose(Object.values(this.weights));
  }

  private requireUser(user: string): number {
    const u = this.userIndex.get(user);
    if (u === undefined) {
      throw new InputError(`Unknown user '${user}': the bundle knows ${this.users.length} users. For a new user pass {attributes, history} instead of an id.`, 'UNKNOWN_USER');
    }
    return u;
  }

  private resolveItem(index: Map<string, number>, id: string, what: string): number {
    const i = index.get(id);
    if (i === undefined) throw new InputError(`Unknown item '${id}' in ${what}: not in the bundle and not among newItems.`, 'UNKNOWN_ITEM');
    return i;
  }

  /** Scores of every known and new item for one user, plus what to exclude by default. */
  private checkOpen(): void {
    if (this.disposed) throw new InputError('This bundle has been disposed; load it again.', 'BUNDLE');
  }

  private scoreRow(user: string | NewUser, opts: RecommendOptions): { scores: Float32Array; ids: string[]; index: Map<string, number>; history: Int32Array } {
    this.checkOpen();
    const { nUsers, nItems } = this.state;
    const newItems = opts.newItems ?? [];
    const ids = [...this.items];
    const index = new Map(this.itemIndex);
    for (const it of newItems) {
      if (typeof it?.id !== 'string') throw new InputError('newItems: every new item needs a string id.', 'INPUT');
      if (index.has(it.id)) throw new InputError(`newItems: item '${it.id}' is already ${this.itemIndex.has(it.id) ? 'in the bundle' : 'listed'}; give new items new ids.`, 'INPUT');
      index.set(it.id, ids.length);
      ids.push(it.id);
    }

    let userRow: number;
    let history: Int32Array;
    const ext: Extension = { userItems: [], newItems: newItems.length };
    if (typeof user === 'string') {
      userRow = this.requireUser(user);
      const g = this.data.graph;
      history = g.indices.slice(g.indptr[userRow], g.indptr[userRow + 1]);
    } else {
      if (!user || typeof user !== 'object') throw new InputError('recommend: user must be a known user id or {attributes, history}.', 'INPUT');
      history = Int32Array.from(new Set((user.history ?? []).map((id) => this.requireKnownItem(id))));
      userRow = nUsers;
      // Edges to warm items only: an edge would unmask a cold item's untrained id row.
      ext.userItems = [history.filter((i) => this.warm[i] === 1)];
      if (this.state.userFeatureDim > 0) ext.userFeatures = this.requirePipeline('user attributes').transformUsers([user.attributes ?? {}]);
    }
    if (newItems.length > 0 && this.state.itemFeatureDim > 0) ext.itemFeatures = this.requirePipeline('new items').transformItems(newItems.map((it) => it.attributes ?? {}));

    const extended = ext.userItems.length > 0 || ext.newItems > 0;
    const arch = extended ? rebuildArchitecture(this.state, this.weights, this.data, ext, path.join(this.dir, 'model', 'model.json')) : this.base;
    try {
      if (typeof user !== 'string' && history.length > 0) foldInUser(arch, this.state, userRow, history, nItems, this.foldIn);
      const nAll = nItems + newItems.length;
      const scores = new Float32Array(nAll);
      const contextRow = this.contextRow(opts.context, typeof user === 'string' ? userRow : undefined);
      if (contextRow) {
        scoreWithContext(arch, userRow, nAll, contextRow, scores);
      } else if (extended) {
        createScoreFunction(arch, nAll)(Int32Array.of(userRow), scores);
      } else {
        this.baseScore ??= createScoreFunction(this.base, nItems);
        this.baseScore(Int32Array.of(userRow), scores);
      }
      return { scores, ids, index, history };
    } finally {
      if (arch !== this.base) arch.dispose();
    }
  }

  private requireKnownItem(id: string): number {
    const i = this.itemIndex.get(id);
    if (i === undefined) throw new InputError(`New user history names item '${id}', which is not in the bundle; history may only list known items.`, 'UNKNOWN_ITEM');
    return i;
  }

  private requirePipeline(what: string): FittedPipeline {
    if (!this.pipeline) throw new InputError(`The model uses features but the bundle has no pipeline.json, so ${what} cannot be turned into features.`, 'BUNDLE');
    return this.pipeline;
  }

  /** The context row to score a request in (known `user` index, or undefined for a new user); undefined for a model without context. */
  private contextRow(context: Record<string, unknown> | undefined, user: number | undefined): Float32Array | undefined {
    const dim = this.state.contextDim;
    if (dim === 0) return undefined;
    if (!context) {
      // What the model was evaluated with: the user's latest training context (zeros for a new user).
      return user !== undefined && this.userContext ? this.userContext.slice(user * dim, user * dim + dim) : new Float32Array(dim);
    }
    const { timestamp, ...columns } = context;
    const values: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(columns)) values[k] = v === null || v === undefined ? null : String(v);
    return this.requirePipeline('the context').transformContext([{ user, timestamp: typeof timestamp === 'number' ? timestamp : undefined, context: values }]);
  }
}

/** Scores all items for one user through the network with the same context row on every pair. */
function scoreWithContext(arch: NeuralArchitecture, userRow: number, nItems: number, context: Float32Array, out: Float32Array): void {
  const chunk = 16_384;
  for (let lo = 0; lo < nItems; lo += chunk) {
    const hi = Math.min(nItems, lo + chunk);
    const s = tf.tidy(() =>
      arch.score(
        {
          users: tf.fill([hi - lo], userRow, 'int32') as tf.Tensor1D,
          items: tf.range(lo, hi, 1, 'int32') as tf.Tensor1D,
          context: tf.tile(tf.tensor2d(context, [1, context.length]), [hi - lo, 1]) as tf.Tensor2D,
        },
        false,
      ),
    );
    out.set(s.dataSync() as Float32Array, lo);
    s.dispose();
  }
}

/**
 * Loads a bundle written by `writeBundle`, in plain Node: checks the manifest's
 * checksums (the error names the first damaged file), initialises a tfjs backend,
 * rebuilds the architecture from its spec and the stored features and graph, and
 * assigns the trained weights.
 */
export async function loadBundle(dir: string, opts: LoadBundleOptions = {}): Promise<Bundle> {
  const manifest = readManifest(dir);
  if (opts.verify !== false) verifyManifest(dir, manifest);
  const backend = await initBackend(opts.backend);
  const spec = readJson<ExperimentSpec>(dir, 'spec.json');
  const metrics = fs.existsSync(path.join(dir, 'metrics.json')) ? readJson<Record<string, unknown>>(dir, 'metrics.json') : {};
  const ids = readJson<BundleIds>(dir, 'ids.json');
  const hist = readJson<BundleHistory>(dir, 'history.json');
  const items = readJson<BundleItems>(dir, 'items.json');
  const pipelineFile = path.join(dir, 'pipeline.json');
  const pipeline = fs.existsSync(pipelineFile) ? loadFittedPipeline(readJson<FittedPipelineJson>(dir, 'pipeline.json')) : undefined;
  const userContext = fs.existsSync(path.join(dir, 'user_context.json')) ? readJson<BundleUserContext>(dir, 'user_context.json') : undefined;
  const graph: CsrMatrix = {
    nRows: hist.nUsers,
    nCols: hist.nItems,
    indptr: Int32Array.from(hist.indptr),
    indices: Int32Array.from(hist.indices),
    values: new Float32Array(hist.indices.length).fill(1),
  };
  const { tensors, metadata } = await loadWeights(path.join(dir, 'model'));
  try {
    const state = metadata[STATE_KEY] as ArchitectureState | undefined;
    const modelFile = path.join(dir, 'model', 'model.json');
    if (!state || !Array.isArray(state.variables)) throw new InputError(`${modelFile}: has no RecLab architecture state (userDefinedMetadata.${STATE_KEY}).`, 'BUNDLE');
    if (ids.users.length !== state.nUsers || ids.items.length !== state.nItems || graph.nRows !== state.nUsers || graph.nCols !== state.nItems) {
      throw new InputError(`${path.join(dir, 'ids.json')}: ${ids.users.length} users x ${ids.items.length} items, history ${graph.nRows} x ${graph.nCols}, but the model has ${state.nUsers} x ${state.nItems}.`, 'BUNDLE');
    }
    const data = {
      graph,
      userFeatures: state.userFeatureDim > 0 ? pipeline?.userFeatures() : undefined,
      itemFeatures: state.itemFeatureDim > 0 ? pipeline?.itemFeatures() : undefined,
    };
    if ((state.userFeatureDim > 0 && data.userFeatures?.dim !== state.userFeatureDim) || (state.itemFeatureDim > 0 && data.itemFeatures?.dim !== state.itemFeatureDim)) {
      throw new InputError(
        `${pipelineFile}: gives user/item features of width ${data.userFeatures?.dim ?? 0}/${data.itemFeatures?.dim ?? 0}, but the model was built with ${state.userFeatureDim}/${state.itemFeatureDim}.`,
        'BUNDLE',
      );
    }
    if (userContext && (userContext.dim !== state.contextDim || userContext.nUsers !== state.nUsers || userContext.values?.length !== state.nUsers * state.contextDim)) {
      throw new InputError(
        `${path.join(dir, 'user_context.json')}: ${userContext.nUsers} users x ${userContext.dim} columns (${userContext.values?.length} values), but the model has ${state.nUsers} users x ${state.contextDim} context columns.`,
        'BUNDLE',
      );
    }
    const base = rebuildArchitecture(state, tensors, data, undefined, modelFile);
    return new Bundle(dir, manifest, spec, metrics, state, pipeline, tensors, data, items.columns ?? [], base, ids, backend, opts.foldIn, userContext && Float32Array.from(userContext.values));
  } catch (e) {
    tf.dispose(Object.values(tensors));
    throw e;
  }
}
