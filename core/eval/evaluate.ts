import type { CsrMatrix } from '../data';
import { InputError } from '../util';
import { cosineDistance, itemNovelty, LIST_METRICS, metricsFromHits, type ListMetrics } from './metrics';
import { SAMPLED_METRICS, SampledRanker, type SampledSettings } from './sampled';
import { buildSegments, type SegmentSettings } from './segments';
import { TopKSelector } from './topk';
import type { MetricValues, Scorer } from './types';

/** What to evaluate and how. See `evaluateRanking`. */
export interface EvaluateOptions {
  scorer: Scorer;
  /** user x item: the relevant (held-out) items of each user. */
  truth: CsrMatrix;
  /** user x item parts whose items are never recommended to that user: train, and for test also valid. */
  exclude?: CsrMatrix[];
  /** Cutoffs, e.g. [5, 10, 20]. */
  ks: number[];
  /** Rank only these items (e.g. the held-out cold items); relevant items outside are dropped. */
  candidates?: Int32Array;
  /** Training interactions per item: enables novelty@K, arp@K and head/mid/tail segments. */
  itemPopularity?: Int32Array;
  /** item x feature matrix: enables ild@K (intra-list diversity). */
  itemFeatures?: CsrMatrix;
  /** Items held out entirely: enables the `items:cold` / `items:warm` segments. */
  coldItems?: Int32Array;
  /** Users held out: enables the `users:cold` / `users:warm` segments. */
  coldUsers?: Int32Array;
  /** Training interactions per user (or the train matrix): enables `users:activity[..]` segments. */
  trainCounts?: CsrMatrix | Int32Array;
  /** Compute segments (`true`: every segment the inputs above allow). Default: none. */
  segments?: boolean | SegmentSettings;
  /** Evaluate only these users, each once (still skipping those without relevant items). Default: all rows of `truth`. */
  users?: Int32Array;
  /** Users scored per `scoreUsers` call. Default 256. */
  batchSize?: number;
  /** Sampled instead of full ranking; the result says so in `sampled` and `protocol`. */
  sampled?: SampledSettings;
  /** Keep each evaluated user's top `keepTopK` items and scores in the result (for export). */
  keepTopK?: number;
  /** Seed of the order among equal scores (see `TopKSelector`); the same seed ranks ties the same way. Default 0. */
  seed?: number;
}

/** One user's ranked list, best first (item indices and their scores). */
export interface TopKList {
  user: number;
  items: Int32Array;
  scores: Float32Array;
}

export interface EvalResult {
  /** Mean over evaluated users of each metric, keys like `ndcg@10`, `auc`. */
  overall: MetricValues;
  /** Same metrics per segment (`items:cold`, `users:activity[1-20]`, ...); empty segments are left out. */
  segments: Record<string, MetricValues>;
  /** Users evaluated per segment. */
  segmentUsers: Record<string, number>;
  /** Users evaluated: those with at least one relevant item among the candidates. */
  nUsers: number;
  /**
   * Evaluated users whose model gave every rankable item (unmasked candidate) the same score,
   * so their list is the tie order, not the model's: e.g. users without training history
   * under EASE or ItemKNN. Users with fewer than two rankable items are not counted.
   */
  tiedUsers: number;
  ks: number[];
  /** True for sampled evaluation: its numbers are not comparable with full-ranking ones. */
  sampled: boolean;
  /** Human-readable protocol, e.g. `full ranking over all 1682 items, 2 masked parts`. */
  protocol: string;
  /** Top lists of evaluated users when `keepTopK` was given (full ranking only). */
  topK?: TopKList[];
}

const DEFAULT_BATCH = 256;

/**
 * Ranking evaluation. For each user with relevant items (truth restricted to `candidates`),
 * scores every item through `scorer.scoreUsers` in batches, removes the user's masked items
 * (rows of `exclude`) and non-candidates from the ranking, and takes the top max(K) by score,
 * equal scores in a random order seeded by `seed` and the user (`TopKSelector`). Metrics are averaged over users, each user
 * counting once; a user's value is skipped where a metric is undefined for them.
 *
 * Per K: `precision`, `recall`, `ndcg`, `hit`, `map`, `mrr` (definitions in metrics.ts),
 * `coverage` (share of candidate items in any top-K list), `novelty` (mean -log2(pop/nUsers)
 * of recommended items, nUsers = rows of `truth`, pop 0 counted as 1) and `arp` (mean training
 * popularity of recommended items) when `itemPopularity` is given, `ild` (mean pairwise cosine
 * distance of recommended items' feature rows; pairs with an all-zero row skipped) when
 * `itemFeatures` is given. Then `auc`: per user, over unmasked candidates, the share of
 * (relevant, non-relevant) pairs scored in the right order, ties 1/2.
 *
 * A relevant item that is also masked (only possible when a user-item pair repeats across
 * parts) stays relevant and can never be recommended: it counts as a miss, as in reference
 * implementations; it takes no part in AUC.
 *
 * With `sampled`, see `SampledRanker`: keys `hit@K`, `ndcg@K`, `mrr@K`, `auc`, `sampled`
 * true and a protocol saying so; no segments, no top lists.
 */
export async function evaluateRanking(opts: EvaluateOptions): Promise<EvalResult> {
  const { scorer, truth } = opts;
  const nItems = truth.nCols;
  const ks = checkKs(opts.ks);
  checkShapes(opts);
  const batchSize = opts.batchSize ?? DEFAULT_BATCH;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InputError(`batchSize must be a positive integer; got ${batchSize}.`, 'EVAL');
  const candidates = opts.candidates ? checkCandidates(opts.candidates, nItems) : undefined;
  const isCandidate = candidates ? new Uint8Array(nItems) : undefined;
  if (candidates && isCandidate) for (const i of candidates) isCandidate[i] = 1;
  const nCandidates = candidates ? candidates.length : nItems;

  // Relevant lists first, so only users with something to find are scored.
  const requested = opts.users ?? Int32Array.from({ length: truth.nRows }, (_, u) => u);
  const users: number[] = [];
  const relStart: number[] = [0];
  const relItems: number[] = [];
  const seen = new Uint8Array(truth.nRows);
  for (const u of requested) {
    if (!(u >= 0 && u < truth.nRows)) throw new InputError(`user index ${u} is outside 0..${truth.nRows - 1}.`, 'EVAL');
    if (seen[u]) continue; // each user counts once
    seen[u] = 1;
    const before = relItems.length;
    for (let p = truth.indptr[u]; p < truth.indptr[u + 1]; p++) {
      const i = truth.indices[p];
      if (!isCandidate || isCandidate[i]) relItems.push(i);
    }
    if (relItems.length > before) {
      users.push(u);
      relStart.push(relItems.length);
    }
  }
  const evaluated = Int32Array.from(users);
  const relevantAll = Int32Array.from(relItems);
  const relevantOf = (j: number) => relevantAll.subarray(relStart[j], relStart[j + 1]);

  const context: UserContext = {
    nItems,
    candidates,
    excluded: new Uint8Array(nItems),
    relevant: new Uint8Array(nItems),
  };
  const scores = new Float32Array(Math.min(batchSize, Math.max(1, evaluated.length)) * nItems);
  const forEachUser = async (visit: (j: number, u: number, row: Float32Array, relevantList: Int32Array) => void) => {
    for (let b0 = 0; b0 < evaluated.length; b0 += batchSize) {
      const batch = evaluated.subarray(b0, Math.min(b0 + batchSize, evaluated.length));
      const buf = scores.subarray(0, batch.length * nItems);
      await scorer.scoreUsers(batch, buf);
      for (let b = 0; b < batch.length; b++) {
        const j = b0 + b;
        const u = batch[b];
        const relevantList = relevantOf(j);
        markRow(context.excluded, opts.exclude, u, 1);
        for (const i of relevantList) context.relevant[i] = 1;
        visit(j, u, buf.subarray(b * nItems, (b + 1) * nItems), relevantList);
        markRow(context.excluded, opts.exclude, u, 0);
        for (const i of relevantList) context.relevant[i] = 0;
      }
    }
  };

  if (opts.sampled) return evaluateSampled(opts.sampled, ks, evaluated.length, nItems, context, forEachUser);

  const layout = new MetricLayout(ks, !!opts.itemPopularity, !!opts.itemFeatures);
  const segmentDefs = opts.segments
    ? buildSegments(
        {
          nUsers: truth.nRows,
          nItems,
          evaluatedUsers: evaluated,
          coldItems: opts.coldItems,
          coldUsers: opts.coldUsers,
          userTrainCounts: userCounts(opts.trainCounts, truth.nRows),
          itemPopularity: opts.itemPopularity,
        },
        opts.segments === true ? {} : opts.segments,
      )
    : [];
  const overall = new Accumulator(layout, nItems);
  const segmentAccs = segmentDefs.map((d) => ({ def: d, acc: new Accumulator(layout, nItems) }));
  const novelty = opts.itemPopularity ? Float64Array.from(opts.itemPopularity, (p) => itemNovelty(p, truth.nRows)) : undefined;
  const maxK = ks[ks.length - 1];
  const keep = opts.keepTopK ?? 0;
  const selector = new TopKSelector(Math.max(maxK, keep), opts.seed ?? 0);
  let tiedUsers = 0;
  const topItems = new Int32Array(selector.k);
  const topScores = new Float32Array(selector.k);
  const topK: TopKList[] | undefined = keep > 0 ? [] : undefined;
  const vector = new Float64Array(layout.width);
  const segmentVector = new Float64Array(layout.width);
  const scratch: Scratch = { hits: new Uint8Array(maxK), list: { precision: 0, recall: 0, ndcg: 0, hit: 0, map: 0, mrr: 0 }, positives: new Float64Array(nItems) };
  const distances = opts.itemFeatures ? new Float64Array(maxK * maxK) : undefined;

  await forEachUser((_j, u, row, relevantList) => {
    const count = selector.select(row, context.excluded, candidates, topItems, topScores, u);
    if (allTied(row, context.excluded, candidates)) tiedUsers++;
    if (topK) topK.push({ user: u, items: topItems.slice(0, Math.min(keep, count)), scores: topScores.slice(0, Math.min(keep, count)) });
    const n = Math.min(count, maxK);
    vector.fill(NaN);
    accuracyInto(vector, layout, ks, topItems, n, context.relevant, relevantList.length, scratch);
    vector[layout.auc] = userAucOf(row, context, relevantList, scratch.positives);
    if (opts.itemPopularity && novelty) popularityInto(vector, layout, ks, topItems, n, opts.itemPopularity, novelty);
    if (opts.itemFeatures && distances) diversityInto(vector, layout, ks, topItems, n, opts.itemFeatures, distances);
    overall.add(vector, topItems, n);

    for (const { def, acc } of segmentAccs) {
      if (def.users && !def.users[u]) continue;
      if (!def.items) {
        acc.add(vector, topItems, n);
        continue;
      }
      // Truth restricted to the segment's items: re-mark the relevant set, recompute accuracy and AUC.
      const segmentList = relevantList.filter((i) => def.items![i] === 1);
      if (segmentList.length === 0) continue;
      for (const i of relevantList) context.relevant[i] = def.items[i];
      segmentVector.set(vector);
      accuracyInto(segmentVector, layout, ks, topItems, n, context.relevant, segmentList.length, scratch);
      segmentVector[layout.auc] = userAucOf(row, context, segmentList, scratch.positives);
      for (const i of relevantList) context.relevant[i] = 1;
      acc.add(segmentVector, topItems, n);
    }
  });

  const segments: Record<string, MetricValues> = {};
  const segmentUsers: Record<string, number> = {};
  for (const { def, acc } of segmentAccs) {
    if (acc.users === 0) continue;
    segments[def.name] = acc.values(nCandidates);
    segmentUsers[def.name] = acc.users;
  }
  const masked = opts.exclude?.length ?? 0;
  const over = candidates ? `${nCandidates} candidate items` : `all ${nItems} items`;
  return {
    overall: overall.values(nCandidates),
    segments,
    segmentUsers,
    nUsers: evaluated.length,
    tiedUsers,
    ks,
    sampled: false,
    protocol: `full ranking over ${over}, ${masked} masked part${masked === 1 ? '' : 's'}`,
    topK,
  };
}

/**
 * True when every unmasked candidate has the same score (and there are at least two). Stops
 * at the first score that differs, so a user with a real ranking costs two or three reads.
 */
function allTied(row: Float32Array, excluded: Uint8Array, candidates: Int32Array | undefined): boolean {
  const n = candidates ? candidates.length : row.length;
  let first = NaN;
  let seen = 0;
  for (let c = 0; c < n; c++) {
    const i = candidates ? candidates[c] : c;
    if (excluded[i]) continue;
    if (seen++ === 0) first = row[i];
    else if (row[i] !== first) return false;
  }
  return seen >= 2;
}

interface UserContext {
  nItems: number;
  candidates: Int32Array | undefined;
  /** 1 for the current user's masked items. */
  excluded: Uint8Array;
  /** 1 for the current user's relevant items. */
  relevant: Uint8Array;
}

interface Scratch {
  hits: Uint8Array;
  list: ListMetrics;
  positives: Float64Array;
}

/** Where each metric sits in a per-user vector, and the result keys in order. */
class MetricLayout {
  /** Per-K slots: the 6 list metrics, then novelty, arp, ild. */
  static readonly PER_K = LIST_METRICS.length + 3;
  readonly width: number;
  readonly auc: number;

  constructor(
    readonly ks: number[],
    readonly popularity: boolean,
    readonly features: boolean,
  ) {
    this.auc = ks.length * MetricLayout.PER_K;
    this.width = this.auc + 1;
  }

  slot(kIndex: number, offset: number): number {
    return kIndex * MetricLayout.PER_K + offset;
  }
}

const NOVELTY = LIST_METRICS.length;
const ARP = NOVELTY + 1;
const ILD = NOVELTY + 2;

/** Sums of a per-user metric vector over users, skipping NaN (undefined for that user). */
class Accumulator {
  private readonly sums: Float64Array;
  private readonly counts: Float64Array;
  private readonly covered: Uint8Array[];
  users = 0;

  constructor(
    private readonly layout: MetricLayout,
    nItems: number,
  ) {
    this.sums = new Float64Array(layout.width);
    this.counts = new Float64Array(layout.width);
    this.covered = layout.ks.map(() => new Uint8Array(nItems));
  }

  add(vector: Float64Array, topItems: Int32Array, n: number): void {
    this.users++;
    for (let s = 0; s < vector.length; s++) {
      if (Number.isNaN(vector[s])) continue;
      this.sums[s] += vector[s];
      this.counts[s]++;
    }
    this.layout.ks.forEach((k, j) => {
      const c = this.covered[j];
      for (let p = 0; p < Math.min(k, n); p++) c[topItems[p]] = 1;
    });
  }

  values(nCandidates: number): MetricValues {
    const { layout } = this;
    const mean = (s: number) => (this.counts[s] > 0 ? this.sums[s] / this.counts[s] : NaN);
    const out: MetricValues = {};
    layout.ks.forEach((k, j) => {
      LIST_METRICS.forEach((name, m) => (out[`${name}@${k}`] = mean(layout.slot(j, m))));
      let covered = 0;
      for (const x of this.covered[j]) covered += x;
      out[`coverage@${k}`] = nCandidates > 0 ? covered / nCandidates : NaN;
      if (layout.popularity) {
        out[`novelty@${k}`] = mean(layout.slot(j, NOVELTY));
        out[`arp@${k}`] = mean(layout.slot(j, ARP));
      }
      if (layout.features) out[`ild@${k}`] = mean(layout.slot(j, ILD));
    });
    out.auc = mean(layout.auc);
    return out;
  }
}

function accuracyInto(vector: Float64Array, layout: MetricLayout, ks: number[], topItems: Int32Array, n: number, relevant: Uint8Array, nRelevant: number, scratch: Scratch): void {
  const { hits, list } = scratch;
  for (let p = 0; p < n; p++) hits[p] = relevant[topItems[p]];
  ks.forEach((k, j) => {
    metricsFromHits(hits, n, nRelevant, k, list);
    LIST_METRICS.forEach((name, m) => (vector[layout.slot(j, m)] = list[name]));
  });
}

/**
 * AUC over the user's unmasked candidates (the definition of `userAuc` in metrics.ts, whose
 * `pairsWon` this inlines: this loop runs for every item of every user).
 */
function userAucOf(row: Float32Array, ctx: UserContext, relevantList: Int32Array, positives: Float64Array): number {
  let nPos = 0;
  for (const i of relevantList) if (!ctx.excluded[i]) positives[nPos++] = row[i];
  if (nPos === 0) return NaN;
  const pos = positives.subarray(0, nPos).sort();
  const lowest = pos[0];
  const highest = pos[nPos - 1];
  let won = 0;
  let nNeg = 0;
  const { candidates, excluded, relevant } = ctx;
  const n = candidates ? candidates.length : ctx.nItems;
  for (let c = 0; c < n; c++) {
    const i = candidates ? candidates[c] : c;
    if (excluded[i] || relevant[i]) continue;
    nNeg++;
    const s = row[i];
    if (s < lowest) {
      won += nPos;
      continue;
    }
    if (s > highest) continue;
    // below = #positives < s (first index with pos >= s); notAbove = #positives <= s.
    let lo = 0;
    let hi = nPos;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pos[mid] < s) lo = mid + 1;
      else hi = mid;
    }
    let notAbove = lo;
    while (notAbove < nPos && pos[notAbove] === s) notAbove++;
    won += nPos - notAbove + 0.5 * (notAbove - lo);
  }
  return nNeg > 0 ? won / (nPos * nNeg) : NaN;
}

function popularityInto(vector: Float64Array, layout: MetricLayout, ks: number[], topItems: Int32Array, n: number, popularity: Int32Array, novelty: Float64Array): void {
  ks.forEach((k, j) => {
    const m = Math.min(k, n);
    if (m === 0) return;
    let nov = 0;
    let pop = 0;
    for (let p = 0; p < m; p++) {
      nov += novelty[topItems[p]];
      pop += popularity[topItems[p]];
    }
    vector[layout.slot(j, NOVELTY)] = nov / m;
    vector[layout.slot(j, ARP)] = pop / m;
  });
}

function diversityInto(vector: Float64Array, layout: MetricLayout, ks: number[], topItems: Int32Array, n: number, features: CsrMatrix, distances: Float64Array): void {
  const row = (i: number) => [features.indices.subarray(features.indptr[i], features.indptr[i + 1]), features.values.subarray(features.indptr[i], features.indptr[i + 1])] as const;
  for (let a = 0; a < n; a++) {
    const [ai, av] = row(topItems[a]);
    for (let b = a + 1; b < n; b++) {
      const [bi, bv] = row(topItems[b]);
      distances[a * n + b] = cosineDistance(ai, av, bi, bv);
    }
  }
  ks.forEach((k, j) => {
    const m = Math.min(k, n);
    let sum = 0;
    let pairs = 0;
    for (let a = 0; a < m; a++) {
      for (let b = a + 1; b < m; b++) {
        const d = distances[a * n + b];
        if (Number.isNaN(d)) continue;
        sum += d;
        pairs++;
      }
    }
    if (pairs > 0) vector[layout.slot(j, ILD)] = sum / pairs;
  });
}

async function evaluateSampled(
  settings: SampledSettings,
  ks: number[],
  nUsers: number,
  nItems: number,
  context: UserContext,
  forEachUser: (visit: (j: number, u: number, row: Float32Array, relevantList: Int32Array) => void) => Promise<void>,
): Promise<EvalResult> {
  if (!Number.isInteger(settings.negatives) || settings.negatives < 1) {
    throw new InputError(`sampled.negatives must be a positive integer; got ${settings.negatives}.`, 'EVAL');
  }
  const ranker = new SampledRanker(settings, ks, nItems);
  const sums = new Float64Array(ranker.width);
  const counts = new Float64Array(ranker.width);
  const vector = new Float64Array(ranker.width);
  let tiedUsers = 0;
  await forEachUser((_j, u, row, relevantList) => {
    if (allTied(row, context.excluded, context.candidates)) tiedUsers++;
    ranker.evaluateUser(u, row, context.excluded, context.relevant, relevantList, context.candidates, vector);
    for (let s = 0; s < vector.length; s++) {
      if (Number.isNaN(vector[s])) continue;
      sums[s] += vector[s];
      counts[s]++;
    }
  });
  const mean = (s: number) => (counts[s] > 0 ? sums[s] / counts[s] : NaN);
  const overall: MetricValues = {};
  ks.forEach((k, j) => SAMPLED_METRICS.forEach((name, m) => (overall[`${name}@${k}`] = mean(j * SAMPLED_METRICS.length + m))));
  overall.auc = mean(ks.length * SAMPLED_METRICS.length);
  return {
    overall,
    segments: {},
    segmentUsers: {},
    nUsers,
    tiedUsers,
    ks,
    sampled: true,
    protocol: `sampled: ${settings.negatives} negatives per user (seed ${settings.seed}), each relevant item ranked against them; not comparable with full ranking`,
  };
}

function markRow(mark: Uint8Array, parts: CsrMatrix[] | undefined, u: number, value: number): void {
  if (!parts) return;
  for (const m of parts) for (let p = m.indptr[u]; p < m.indptr[u + 1]; p++) mark[m.indices[p]] = value;
}

function userCounts(train: CsrMatrix | Int32Array | undefined, nUsers: number): Int32Array | undefined {
  if (!train) return undefined;
  if (train instanceof Int32Array) {
    if (train.length !== nUsers) throw new InputError(`trainCounts has ${train.length} entries but truth has ${nUsers} users.`, 'EVAL');
    return train;
  }
  if (train.nRows !== nUsers) throw new InputError(`trainCounts has ${train.nRows} rows but truth has ${nUsers} users.`, 'EVAL');
  return Int32Array.from({ length: nUsers }, (_, u) => train.indptr[u + 1] - train.indptr[u]);
}

function checkKs(ks: number[]): number[] {
  if (!Array.isArray(ks) || ks.length === 0 || ks.some((k) => !Number.isInteger(k) || k < 1)) {
    throw new InputError(`evaluate.ks must be a non-empty list of positive integers; got ${JSON.stringify(ks)}.`, 'EVAL');
  }
  return [...new Set(ks)].sort((a, b) => a - b);
}

function checkShapes(opts: EvaluateOptions): void {
  const { truth, scorer } = opts;
  if (scorer.nItems !== truth.nCols) {
    throw new InputError(`the model scores ${scorer.nItems} items but the evaluation data has ${truth.nCols}; fit the model on the same dataset.`, 'EVAL');
  }
  for (const [n, m] of (opts.exclude ?? []).entries()) {
    if (m.nRows !== truth.nRows || m.nCols !== truth.nCols) {
      throw new InputError(`exclude[${n}] is ${m.nRows} x ${m.nCols} but truth is ${truth.nRows} x ${truth.nCols}.`, 'EVAL');
    }
  }
  if (opts.itemPopularity && opts.itemPopularity.length !== truth.nCols) {
    throw new InputError(`itemPopularity has ${opts.itemPopularity.length} entries for ${truth.nCols} items.`, 'EVAL');
  }
  if (opts.itemFeatures && opts.itemFeatures.nRows !== truth.nCols) {
    throw new InputError(`itemFeatures has ${opts.itemFeatures.nRows} rows for ${truth.nCols} items.`, 'EVAL');
  }
}

/** Sorted, unique, in-range copy of the candidate items. */
function checkCandidates(candidates: Int32Array, nItems: number): Int32Array {
  const sorted = Int32Array.from(new Set(candidates)).sort();
  if (sorted.length && (sorted[0] < 0 || sorted[sorted.length - 1] >= nItems)) {
    throw new InputError(`candidate items must be in 0..${nItems - 1}; got ${sorted[0]}..${sorted[sorted.length - 1]}.`, 'EVAL');
  }
  return sorted;
}
