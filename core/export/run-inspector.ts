import fs from 'node:fs';
import path from 'node:path';
import type { AttributeKind, AttributeValue } from '../data';
import { InputError, Rng, type Disposable } from '../util';
import type { ArchitectureState } from './architecture-state';
import { readEmbeddingsTsv } from './embeddings';
import { loadBundle, type Bundle } from './load-bundle';
import { LruCache } from './lru';
import { pca2d, umap2d } from './projection';
import { rankUsers, type RankedList } from './rank-users';
import { readRunData, type RunData } from './run-data';

/** An item as the inspector shows it. */
export interface InspectedItem {
  item: string;
  /** The title column's value (see `RunInspection.titleColumn`), or null. */
  title: string | null;
  attributes: Record<string, AttributeValue>;
  /** Training interactions. */
  popularity: number;
  /** No training interaction: the model knows it from its attributes alone. */
  cold: boolean;
}

export interface HistoryEntry extends InspectedItem {
  /** Unix seconds, or null when the data has no times. */
  timestamp: number | null;
  rating: number | null;
}

export interface RecommendedItem extends InspectedItem {
  rank: number;
  /** The model's score (a logit for neural models; the baseline's own scale otherwise). */
  score: number;
  /** The item is one of the user's held-out test items. */
  hit: boolean;
  /** Gated hybrids: the weight of the collaborative branch (0..1) for this user and item. */
  gate?: number;
}

/** What a run offers the inspector, read without loading its model. */
export interface RunInspection {
  runId: string;
  modelType: string;
  /** Where recommendations come from: the run's model (every user), or its evaluation's topk.csv (test users only). */
  source: 'bundle' | 'evaluation';
  hasGate: boolean;
  /** The gate reads user features too, so an item's gate varies by user (the gate view then averages over a sample of users). */
  gateReadsUser: boolean;
  hasEmbeddings: boolean;
  users: number;
  items: number;
  /** Items with no training interaction. */
  coldItems: number;
  /** Test users the evaluation ranked (topk.csv). */
  evaluatedUsers: number;
  /** Length of the evaluation's lists. */
  evaluatedK: number;
  titleColumn: string | null;
  attributes: { name: string; kind: AttributeKind }[];
  notes: string[];
}

export interface UserSearchResult {
  total: number;
  users: { id: string; trainItems: number; testItems: number; evaluated: boolean }[];
}

export interface UserInspection {
  runId: string;
  user: string;
  source: 'bundle' | 'evaluation';
  /** Said when the list is missing or not the model's own (a baseline's user outside the test set, a user ranked by popularity). */
  note?: string;
  trainItems: number;
  /** Most recent first (file order when there are no times), at most `historyLimit`. */
  history: HistoryEntry[];
  /** The user's held-out items (original ids). */
  validItems: string[];
  testItems: string[];
  recommendations: RecommendedItem[];
}

/** Columns of one point per item, for a scatter plot. */
export interface ItemColumns {
  items: string[];
  titles: (string | null)[];
  popularity: number[];
  cold: boolean[];
}

export interface GateView extends ItemColumns {
  runId: string;
  /** Per item: the collaborative branch's weight (0..1), exact or the mean over `usersSampled` users. */
  gate: number[];
  exact: boolean;
  usersSampled: number;
  /** Mean gate of cold and of warm items (null when there are none). */
  meanCold: number | null;
  meanWarm: number | null;
}

export interface EmbeddingView extends ItemColumns {
  runId: string;
  method: 'pca' | 'umap';
  /** Width of the vectors projected. */
  dim: number;
  x: number[];
  y: number[];
  /** PCA: share of the variance along x and y. */
  explained?: [number, number];
  /** The attribute asked for colouring; a list attribute gives its first value. */
  attribute?: { name: string; kind: AttributeKind; values: (string | number | null)[] };
  note?: string;
}

export interface RunInspectorOptions {
  /** Loaded bundles kept (each holds a model's tensors). Default 3. */
  maxBundles?: number;
  /** Runs whose artifacts are kept read. Default 8. */
  maxRuns?: number;
  /** Projections kept. Default 16. */
  maxProjections?: number;
}

const DEFAULT_GATE_USERS = 200;
const DEFAULT_MAX_POINTS = 20_000;

/** Natural order: "2" before "10", then plain string order. */
const naturalOrder = new Intl.Collator('en', { numeric: true }).compare;

interface RunEntry {
  data: RunData;
  state?: ArchitectureState;
  sortedUsers?: number[];
}

/**
 * Reads finished runs for the inspector views: a user's history and recommendations (with
 * titles, cold items marked, and the gate of a gated hybrid), user search, the gate per
 * item, and 2-D projections of item embeddings. Run artifacts, loaded bundles and
 * projections are kept in small LRU caches; evicted bundles are disposed.
 */
export class RunInspector implements Disposable {
  private readonly runs: LruCache<string, RunEntry>;
  private readonly bundles: LruCache<string, Promise<Bundle>>;
  private readonly projections: LruCache<string, Promise<EmbeddingView>>;
  /** Keys of projections made (the cache's keys hold seed and size too), to forget a run's. */
  private readonly projectionKeys = new Set<string>();

  constructor(
    private readonly artifactsRoot: string,
    opts: RunInspectorOptions = {},
  ) {
    this.runs = new LruCache(opts.maxRuns ?? 8);
    this.bundles = new LruCache(opts.maxBundles ?? 3, (p) => void p.then((b) => b.dispose(), () => {}));
    this.projections = new LruCache(opts.maxProjections ?? 16);
  }

  /** Forgets what is cached of a run (after it is deleted or re-run into the same folder). */
  forget(runId: string): void {
    this.runs.delete(runId);
    this.bundles.delete(runId);
    for (const key of [...this.projectionKeys]) {
      if (!key.startsWith(`${runId}|`)) continue;
      this.projections.delete(key);
      this.projectionKeys.delete(key);
    }
  }

  dispose(): void {
    this.runs.clear();
    this.bundles.clear();
    this.projections.clear();
  }

  /** Loaded bundles now held (for tests of the cache). */
  get loadedBundles(): number {
    return this.bundles.size;
  }

  summary(runId: string): RunInspection {
    const { data, state } = this.run(runId);
    const hasGate = gated(state);
    const notes: string[] = [];
    if (!data.bundleDir) notes.push(`The run kept no model (${data.spec.model.type} is a baseline): recommendations are the evaluation's lists, for the ${data.evaluated.size} test users only.`);
    if (data.itemsFrom === 'splits') notes.push('The run predates items.json and kept no model: items have no titles or attributes. Run it again to see them.');
    if (data.spec.evaluate?.fallback === 'mostpop') notes.push('Users without training interactions are ranked by popularity (evaluate.fallback "mostpop"), not by the model.');
    if (data.spec.evaluate?.candidates === 'cold-items') notes.push('The evaluation ranked only the held-out cold items (evaluate.candidates "cold-items"); so do these lists.');
    return {
      runId,
      modelType: state?.spec.type ?? data.spec.model.type,
      source: data.bundleDir ? 'bundle' : 'evaluation',
      hasGate,
      gateReadsUser: hasGate && gateReadsUser(state!),
      hasEmbeddings: !!data.bundleDir && fs.existsSync(path.join(data.bundleDir, 'item_embeddings.tsv')),
      users: data.userIds.length,
      items: data.itemIds.length,
      coldItems: data.popularity.reduce((n, c) => n + (c === 0 ? 1 : 0), 0),
      evaluatedUsers: data.evaluated.size,
      evaluatedK: data.evaluatedK,
      titleColumn: data.titleColumn ?? null,
      attributes: data.itemColumns.map((c) => ({ name: c.name, kind: c.kind })),
      notes,
    };
  }

  /**
   * The run's users whose id contains `query` (case-insensitive): ids that start with it
   * first, each group in natural order ("2" before "10"); every user when `query` is empty.
   */
  searchUsers(runId: string, query: string, offset: number, limit: number): UserSearchResult {
    const entry = this.run(runId);
    const { data } = entry;
    entry.sortedUsers ??= Array.from(data.userIds.keys()).sort((a, b) => naturalOrder(data.userIds[a], data.userIds[b]));
    const q = query.trim().toLowerCase();
    let matches = entry.sortedUsers;
    if (q !== '') {
      const prefix: number[] = [];
      const inner: number[] = [];
      for (const u of entry.sortedUsers) {
        const at = data.userIds[u].toLowerCase().indexOf(q);
        if (at === 0) prefix.push(u);
        else if (at > 0) inner.push(u);
      }
      matches = prefix.concat(inner);
    }
    const rows = (m: RunData['train']['matrix'], u: number) => m.indptr[u + 1] - m.indptr[u];
    return {
      total: matches.length,
      users: matches.slice(offset, offset + limit).map((u) => ({ id: data.userIds[u], trainItems: rows(data.train.matrix, u), testItems: rows(data.test.matrix, u), evaluated: data.evaluated.has(u) })),
    };
  }

  /** One user: training history, held-out items, and the top `k` with scores (and gates). */
  async user(runId: string, userId: string, k: number, historyLimit: number): Promise<UserInspection> {
    const { data } = this.run(runId);
    const u = data.userIndex.get(userId);
    if (u === undefined) throw new InputError(`Run ${runId.slice(0, 8)} has no user '${userId}'; search the run's users by id to find one.`, 'UNKNOWN_USER');
    const item = (i: number): InspectedItem => this.item(data, i);
    const { rows } = data.train;
    const historyRows = Array.from({ length: rows.ptr[u + 1] - rows.ptr[u] }, (_, j) => rows.ptr[u] + j);
    // Most recent first; rows without a time keep file order at the end.
    historyRows.sort((a, b) => (Number.isNaN(rows.timestamp[b]) ? -1 : Number.isNaN(rows.timestamp[a]) ? 1 : rows.timestamp[b] - rows.timestamp[a]) || a - b);
    const history: HistoryEntry[] = historyRows.slice(0, historyLimit).map((r) => ({
      ...item(rows.items[r]),
      timestamp: Number.isNaN(rows.timestamp[r]) ? null : rows.timestamp[r],
      rating: Number.isNaN(rows.rating[r]) ? null : rows.rating[r],
    }));
    const idsOf = (m: RunData['train']['matrix']) => Array.from(m.indices.subarray(m.indptr[u], m.indptr[u + 1]), (i) => data.itemIds[i]);
    const testSet = new Set(data.test.matrix.indices.subarray(data.test.matrix.indptr[u], data.test.matrix.indptr[u + 1]));
    const base = { runId, user: userId, trainItems: historyRows.length, history, validItems: idsOf(data.valid.matrix), testItems: idsOf(data.test.matrix) };

    let list: RankedList | undefined;
    let note: string | undefined;
    let gates: Float32Array | undefined;
    if (data.bundleDir) {
      const bundle = await this.bundle(runId, data);
      // From here on nothing awaits, so the bundle cannot be evicted (and disposed) under us.
      await rankUsers(bundle, data, Int32Array.of(u), k, (l) => (list = l));
      // rankUsers awaited between batches: take the bundle again, in case it was evicted meanwhile.
      const live = await this.bundle(runId, data);
      if (live.hasGate && list!.items.length > 0) gates = live.gate(new Int32Array(list!.items.length).fill(u), list!.items);
      if (data.spec.evaluate?.fallback === 'mostpop' && base.trainItems === 0) note = 'This user has no training interactions: ranked by training popularity (evaluate.fallback "mostpop"), as the evaluation did.';
    } else {
      const evaluated = data.evaluated.get(u);
      if (evaluated) {
        list = { user: u, items: evaluated.items.slice(0, k), scores: evaluated.scores.slice(0, k) };
        if (k > evaluated.items.length) note = `The evaluation kept ${evaluated.items.length} items per user; the run kept no model to rank more.`;
      } else {
        note = `No recommendations: run ${runId.slice(0, 8)} kept no model (${data.spec.model.type} is a baseline), and its evaluation ranked only the ${data.evaluated.size} test users; this user is not one of them.`;
      }
    }
    const recommendations: RecommendedItem[] = list
      ? Array.from(list.items, (i, j) => ({ ...item(i), rank: j + 1, score: list!.scores[j], hit: testSet.has(i), ...(gates ? { gate: gates[j] } : {}) }))
      : [];
    return { ...base, source: data.bundleDir ? 'bundle' : 'evaluation', ...(note ? { note } : {}), recommendations };
  }

  /**
   * The gate of every item: exact when it reads only the item, else its mean over a seeded
   * sample of `sampleUsers` users. With popularity and cold flags, for a gate vs popularity plot.
   */
  async gate(runId: string, sampleUsers = DEFAULT_GATE_USERS, seed = 0): Promise<GateView> {
    const { data, state } = this.run(runId);
    if (!gated(state)) throw new InputError(`Run ${runId.slice(0, 8)}'s model (${state?.spec.type ?? data.spec.model.type}) has no gate: only a hybrid with fusion 'gate' has one.`, 'NO_GATE');
    const bundle = await this.bundle(runId, data);
    const nItems = data.itemIds.length;
    const exact = !bundle.gateReadsUser;
    const users = exact ? Int32Array.of(0) : sampleOf(data.userIds.length, sampleUsers, seed);
    const sum = new Float64Array(nItems);
    const pairsUsers = new Int32Array(nItems);
    const items = Int32Array.from({ length: nItems }, (_, i) => i);
    for (const u of users) {
      pairsUsers.fill(u);
      const g = bundle.gate(pairsUsers, items);
      for (let i = 0; i < nItems; i++) sum[i] += g[i];
    }
    const gate = Array.from(sum, (s) => s / users.length);
    const mean = (cold: boolean) => {
      let s = 0;
      let n = 0;
      for (let i = 0; i < nItems; i++)
        if ((data.popularity[i] === 0) === cold) {
          s += gate[i];
          n++;
        }
      return n > 0 ? s / n : null;
    };
    return { runId, ...this.itemColumns(data, items), gate, exact, usersSampled: exact ? 0 : users.length, meanCold: mean(true), meanWarm: mean(false) };
  }

  /**
   * Item embeddings (the bundle's item_embeddings.tsv) projected to 2-D by PCA or seeded UMAP,
   * with title, popularity, cold flag and, when asked, an attribute per point. Catalogues
   * above `maxPoints` items keep their most popular `maxPoints`.
   */
  async embeddings(runId: string, method: 'pca' | 'umap', opts: { seed?: number; attribute?: string; maxPoints?: number } = {}): Promise<EmbeddingView> {
    const { data } = this.run(runId);
    if (opts.attribute !== undefined && !data.itemColumns.some((c) => c.name === opts.attribute))
      throw new InputError(`Items of run ${runId.slice(0, 8)} have no attribute '${opts.attribute}'; they have ${data.itemColumns.map((c) => c.name).join(', ') || 'none'}.`, 'UNKNOWN_ATTRIBUTE');
    const maxPoints = opts.maxPoints ?? DEFAULT_MAX_POINTS;
    const key = `${runId}|${method}|${opts.seed ?? 0}|${maxPoints}`;
    this.projectionKeys.add(key);
    const view = this.projections.getOrCreate(key, () => this.project(runId, data, method, opts.seed ?? 0, maxPoints));
    view.catch(() => this.projections.delete(key));
    return view.then((v) => withAttribute(v, data, opts.attribute));
  }

  private async project(runId: string, data: RunData, method: 'pca' | 'umap', seed: number, maxPoints: number): Promise<EmbeddingView> {
    const file = data.bundleDir && path.join(data.bundleDir, 'item_embeddings.tsv');
    if (!file || !fs.existsSync(file)) {
      const why = data.bundleDir ? `its ${data.spec.model.type} model has no per-item vectors` : `it kept no model (${data.spec.model.type} is a baseline)`;
      throw new InputError(`Run ${runId.slice(0, 8)} has no item embeddings: ${why}.`, 'NO_EMBEDDINGS');
    }
    const tsv = readEmbeddingsTsv(file);
    if (tsv.rows !== data.itemIds.length) throw new InputError(`${file}: ${tsv.rows} rows for ${data.itemIds.length} items; the bundle is damaged.`, 'ARTIFACTS');
    let items = Int32Array.from({ length: tsv.rows }, (_, i) => i);
    let note: string | undefined;
    if (items.length > maxPoints) {
      items = items.sort((a, b) => data.popularity[b] - data.popularity[a] || a - b).subarray(0, maxPoints).sort();
      note = `${tsv.rows} items: the ${maxPoints} most popular are shown.`;
    }
    const values = new Float32Array(items.length * tsv.dim);
    items.forEach((i, r) => values.set(tsv.values.subarray(i * tsv.dim, (i + 1) * tsv.dim), r * tsv.dim));
    const p = method === 'pca' ? pca2d(values, items.length, tsv.dim) : await umap2d(values, items.length, tsv.dim, { seed });
    return {
      runId,
      method,
      dim: tsv.dim,
      ...this.itemColumns(data, items),
      x: Array.from(p.x),
      y: Array.from(p.y),
      ...('explained' in p ? { explained: p.explained as [number, number] } : {}),
      ...(note ? { note } : {}),
    };
  }

  private itemColumns(data: RunData, items: Int32Array): ItemColumns {
    const title = data.itemColumns.find((c) => c.name === data.titleColumn);
    return {
      items: Array.from(items, (i) => data.itemIds[i]),
      titles: Array.from(items, (i) => (title ? textOf(title.values[i]) : null)),
      popularity: Array.from(items, (i) => data.popularity[i]),
      cold: Array.from(items, (i) => data.popularity[i] === 0),
    };
  }

  private item(data: RunData, i: number): InspectedItem {
    const title = data.itemColumns.find((c) => c.name === data.titleColumn);
    return {
      item: data.itemIds[i],
      title: title ? textOf(title.values[i]) : null,
      attributes: Object.fromEntries(data.itemColumns.map((c) => [c.name, c.values[i]])),
      popularity: data.popularity[i],
      cold: data.popularity[i] === 0,
    };
  }

  private run(runId: string): RunEntry {
    return this.runs.getOrCreate(runId, () => {
      const data = readRunData(path.join(this.artifactsRoot, runId));
      return { data, state: data.bundleDir ? readState(data.bundleDir) : undefined };
    });
  }

  private bundle(runId: string, data: RunData): Promise<Bundle> {
    const p = this.bundles.getOrCreate(runId, () => loadBundle(data.bundleDir!));
    p.catch(() => {
      if (this.bundles.get(runId) === p) this.bundles.delete(runId);
    });
    return p;
  }
}

function textOf(v: AttributeValue | undefined): string | null {
  if (v === null || v === undefined) return null;
  return Array.isArray(v) ? v.join(', ') : String(v);
}

function withAttribute(view: EmbeddingView, data: RunData, name: string | undefined): EmbeddingView {
  if (name === undefined) return view;
  const col = data.itemColumns.find((c) => c.name === name)!;
  const values = view.items.map((id) => {
    const v = col.values[data.itemIndex.get(id)!];
    return Array.isArray(v) ? (v[0] ?? null) : v;
  });
  return { ...view, attribute: { name, kind: col.kind, values } };
}

/** The architecture state in the bundle's model.json (no weights read). */
function readState(bundleDir: string): ArchitectureState | undefined {
  try {
    const json = JSON.parse(fs.readFileSync(path.join(bundleDir, 'model', 'model.json'), 'utf8')) as { userDefinedMetadata?: { reclab?: ArchitectureState } };
    return json.userDefinedMetadata?.reclab;
  } catch {
    return undefined;
  }
}

function gated(state: ArchitectureState | undefined): boolean {
  return state?.spec.type === 'hybrid' && state.spec.fusion === 'gate';
}

function gateReadsUser(state: ArchitectureState): boolean {
  return state.spec.gateUserFeatures !== false && state.userFeatureDim > 0;
}

/** `n` distinct users of `nUsers`, seeded, in ascending order. */
function sampleOf(nUsers: number, n: number, seed: number): Int32Array {
  const all = Int32Array.from({ length: nUsers }, (_, u) => u);
  if (n >= nUsers) return all;
  return new Rng(seed).shuffle(all).subarray(0, n).sort();
}
