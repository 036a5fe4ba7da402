import type { CsrMatrix } from '../data';
import { DEFAULT_TOKEN_PATTERN, tfidfOptionsSchema, type TfidfOptions } from '../spec';
import { InputError } from '../util';

/**
 * TF-IDF with the semantics of scikit-learn's `TfidfVectorizer` (word analyzer, raw
 * counts, `smooth_idf`, `sublinear_tf`, `min_df`/`max_df`/`max_features`, l2 norm), so
 * numbers can be checked against sklearn and users' expectations from it carry over. The
 * options, their defaults and descriptions are core/spec's `tfidfOptionsSchema`.
 */
export type TfidfConfig = TfidfOptions;

/** `TfidfConfig` with every default filled in; what a fitted state records. */
export type ResolvedTfidfConfig = Required<Omit<TfidfConfig, 'maxDf' | 'maxFeatures'>> & {
  maxDf: number | null;
  maxFeatures: number | null;
};

/** Fitted TF-IDF: plain JSON (no Maps, no typed arrays), so it can be saved in a bundle. */
export interface TfidfState {
  kind: 'tfidf';
  config: ResolvedTfidfConfig;
  /** Terms in column order, sorted by code point as sklearn's `vocabulary_` indices are. */
  vocabulary: string[];
  /** idf per column. */
  idf: number[];
  /** Number of documents the state was fitted on. */
  nDocs: number;
}

/** Rows of sparse feature vectors (one row per document), CSR with sorted column indices. */
export type SparseRows = CsrMatrix;

export { DEFAULT_TOKEN_PATTERN };

/** The schema's defaults; absent `maxDf` / `maxFeatures` mean no limit. */
const DEFAULTS: ResolvedTfidfConfig = { ...tfidfOptionsSchema.parse({}), maxDf: null, maxFeatures: null };

/** Fills in defaults and checks values; bad values are the user's, so `InputError`. */
export function resolveTfidfConfig(config: TfidfConfig = {}): ResolvedTfidfConfig {
  for (const key of Object.keys(config)) {
    if (!(key in DEFAULTS)) {
      throw new InputError(`tfidf: unknown option '${key}'. Known options: ${Object.keys(DEFAULTS).join(', ')}.`, 'TFIDF_CONFIG');
    }
  }
  const c: ResolvedTfidfConfig = {
    ...DEFAULTS,
    ...Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)),
  } as ResolvedTfidfConfig;
  try {
    new RegExp(c.tokenPattern, 'gu');
  } catch (e) {
    throw new InputError(`tfidf.tokenPattern '${c.tokenPattern}' is not a valid regular expression: ${(e as Error).message}.`, 'TFIDF_CONFIG');
  }
  const checkDf = (name: string, v: number | null): void => {
    if (v !== null && !(Number.isFinite(v) && v >= 0)) {
      throw new InputError(`tfidf.${name} must be a document count (integer >= 1) or a proportion in [0, 1); got ${v}.`, 'TFIDF_CONFIG');
    }
  };
  checkDf('minDf', c.minDf);
  checkDf('maxDf', c.maxDf);
  if (c.maxFeatures !== null && !(Number.isInteger(c.maxFeatures) && c.maxFeatures > 0)) {
    throw new InputError(`tfidf.maxFeatures must be a positive integer; got ${c.maxFeatures}.`, 'TFIDF_CONFIG');
  }
  if (c.norm !== 'l2' && c.norm !== 'none') {
    throw new InputError(`tfidf.norm must be 'l2' or 'none'; got '${String(c.norm)}'.`, 'TFIDF_CONFIG');
  }
  return c;
}

/** Splits one document into tokens as the config says (lowercasing first if asked). */
export function tokenize(doc: string, config: Pick<ResolvedTfidfConfig, 'tokenPattern' | 'lowercase'>): string[] {
  const text = config.lowercase ? doc.toLowerCase() : doc;
  const out: string[] = [];
  for (const m of text.matchAll(new RegExp(config.tokenPattern, 'gu'))) {
    const token = m.length > 1 ? m[1] : m[0];
    if (token !== undefined && token !== '') out.push(token);
  }
  return out;
}

/** Fits vocabulary and idf on raw text documents. */
export function fitTfidf(docs: readonly string[], config: TfidfConfig = {}): TfidfState {
  const c = resolveTfidfConfig(config);
  return fitTfidfTokens(
    docs.map((d) => tokenize(d, c)),
    c,
  );
}

/**
 * Fits on documents that are already token lists (no lowercasing or pattern applied):
 * for tokens built from categorical columns such as `genres=Comedy`.
 */
export function fitTfidfTokens(docs: readonly (readonly string[])[], config: TfidfConfig = {}): TfidfState {
  const c = resolveTfidfConfig(config);
  const n = docs.length;
  const df = new Map<string, number>();
  const tf = new Map<string, number>();
  for (const doc of docs) {
    for (const t of doc) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const t of new Set(doc)) df.set(t, (df.get(t) ?? 0) + 1);
  }
  const maxCount = c.maxDf === null ? n : dfBound(c.maxDf, n);
  const minCount = dfBound(c.minDf, n);
  if (maxCount < minCount) {
    throw new InputError(`tfidf: maxDf (${c.maxDf}) allows fewer documents (${maxCount}) than minDf (${c.minDf}, ${minCount} documents) requires.`, 'TFIDF_CONFIG');
  }
  let terms = [...df.keys()].sort(compareCodePoints);
  if (terms.length === 0) {
    throw new InputError('tfidf: empty vocabulary; the documents contain no tokens (all empty, or the token pattern matches nothing).', 'TFIDF_EMPTY');
  }
  terms = terms.filter((t) => {
    const d = df.get(t)!;
    return d >= minCount && d <= maxCount;
  });
  if (c.maxFeatures !== null && terms.length > c.maxFeatures) {
    // Highest corpus frequency first; the sort is stable, so ties keep alphabetical order.
    const kept = new Set([...terms].sort((a, b) => tf.get(b)! - tf.get(a)!).slice(0, c.maxFeatures));
    terms = terms.filter((t) => kept.has(t));
  }
  if (terms.length === 0) {
    throw new InputError(`tfidf: after pruning (minDf ${c.minDf}, maxDf ${c.maxDf}), no terms remain; loosen minDf or maxDf.`, 'TFIDF_EMPTY');
  }
  const idf = terms.map((t) => {
    const d = df.get(t)!;
    return c.smoothIdf ? Math.log((1 + n) / (1 + d)) + 1 : Math.log(n / d) + 1;
  });
  return { kind: 'tfidf', config: c, vocabulary: terms, idf, nDocs: n };
}

/** TF-IDF rows for raw text documents; terms outside the vocabulary are ignored. */
export function transformTfidf(state: TfidfState, docs: readonly string[]): SparseRows {
  return transformTfidfTokens(
    state,
    docs.map((d) => tokenize(d, state.config)),
  );
}

/** TF-IDF rows for documents given as token lists (see `fitTfidfTokens`). */
export function transformTfidfTokens(state: TfidfState, docs: readonly (readonly string[])[]): SparseRows {
  const column = columnIndex(state);
  const indptr = new Int32Array(docs.length + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let r = 0; r < docs.length; r++) {
    const counts = new Map<number, number>();
    for (const t of docs[r]) {
      const j = column.get(t);
      if (j !== undefined) counts.set(j, (counts.get(j) ?? 0) + 1);
    }
    const cols = [...counts.keys()].sort((a, b) => a - b);
    const start = values.length;
    let sumSq = 0;
    for (const j of cols) {
      const count = counts.get(j)!;
      const w = (state.config.sublinearTf ? 1 + Math.log(count) : count) * state.idf[j];
      indices.push(j);
      values.push(w);
      sumSq += w * w;
    }
    if (state.config.norm === 'l2' && sumSq > 0) {
      const inv = 1 / Math.sqrt(sumSq);
      for (let p = start; p < values.length; p++) values[p] *= inv;
    }
    indptr[r + 1] = values.length;
  }
  return {
    nRows: docs.length,
    nCols: state.vocabulary.length,
    indptr,
    indices: Int32Array.from(indices),
    values: Float32Array.from(values),
  };
}

/** sklearn's rule: an integer is a count, a proportion p means p * n documents. */
function dfBound(v: number, n: number): number {
  return Number.isInteger(v) && v >= 1 ? v : v * n;
}

/** Orders strings by Unicode code point, as Python's `sorted` does (JS compares UTF-16 units). */
function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done ? (y.done ? 0 : -1) : 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

// The state stays plain JSON; the term -> column map is derived once per state object.
const columnIndexCache = new WeakMap<TfidfState, Map<string, number>>();

function columnIndex(state: TfidfState): Map<string, number> {
  let m = columnIndexCache.get(state);
  if (!m) {
    m = new Map(state.vocabulary.map((t, j) => [t, j]));
    columnIndexCache.set(state, m);
  }
  return m;
}
