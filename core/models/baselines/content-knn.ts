import type { AttributeColumn, CsrMatrix, Dataset } from '../../data';
import { fitTfidfTokens, resolveTfidfConfig, tokenize, transformTfidfTokens, type TfidfState } from '../../features';
import { InputError } from '../../util';
import type { FitContext, ModelSummary, Recommender } from '../types';
import { checkKnownOptions, checkScoreCall } from './config-checks';
import type { ContentKnnConfig } from '../../spec';

export type { ContentKnnConfig };

/**
 * Content-based kNN: each item is a TF-IDF vector over its text and categorical tokens,
 * l2-normalised; a user's profile is the sum of the vectors of their train items; the score
 * of item j is cosine(profile, vector_j). Scores depend on attributes only, so items with
 * no train interactions (cold items) get real scores.
 *
 * TF-IDF (vocabulary, idf) is fitted on the items the model may train on (all items except
 * `ctx.coldItems`), then applied to every item: held-out items never shape the features.
 */
export class ContentKnnRecommender implements Recommender {
  readonly type = 'content-knn';
  nItems = 0;
  private nUsers = 0;
  private train: CsrMatrix | undefined;
  private vectors: CsrMatrix | undefined;
  /** Fitted TF-IDF (plain JSON), for inspection and export. */
  tfidfState: TfidfState | undefined;

  constructor(private readonly config: ContentKnnConfig = {}) {
    checkKnownOptions(this.type, config, ['textColumns', 'tokenColumns', 'tfidf']);
    resolveTfidfConfig(config.tfidf);
  }

  fit(ctx: FitContext): void {
    const ds = ctx.dataset;
    const nItems = ctx.train.nCols;
    const docs = itemTokens(ds, nItems, this.config);
    const cold = new Set(ctx.coldItems ?? []);
    const fitDocs = docs.filter((_, i) => !cold.has(i));
    const state = fitTfidfTokens(fitDocs, { ...this.config.tfidf, norm: 'l2' });
    this.vectors = transformTfidfTokens(state, docs);
    this.tfidfState = state;
    this.train = ctx.train;
    this.nItems = nItems;
    this.nUsers = ctx.train.nRows;
  }

  scoreUsers(users: Int32Array, out: Float32Array): void {
    const train = this.train;
    const x = this.vectors;
    checkScoreCall(this.type, train !== undefined && x !== undefined, users, out, this.nItems, this.nUsers);
    const profile = new Float64Array(x.nCols);
    for (let b = 0; b < users.length; b++) {
      const u = users[b];
      profile.fill(0);
      for (let p = train.indptr[u]; p < train.indptr[u + 1]; p++) {
        const i = train.indices[p];
        for (let q = x.indptr[i]; q < x.indptr[i + 1]; q++) profile[x.indices[q]] += x.values[q];
      }
      let sumSq = 0;
      for (let t = 0; t < profile.length; t++) sumSq += profile[t] * profile[t];
      // Item rows are unit length (or empty), so dividing by |profile| gives the cosine.
      const scale = sumSq > 0 ? 1 / Math.sqrt(sumSq) : 0;
      const row = b * this.nItems;
      for (let j = 0; j < this.nItems; j++) {
        let s = 0;
        for (let q = x.indptr[j]; q < x.indptr[j + 1]; q++) s += x.values[q] * profile[x.indices[q]];
        out[row + j] = s * scale;
      }
    }
  }

  summary(): ModelSummary {
    return { type: this.type, parameters: this.vectors ? this.vectors.values.length : 0 };
  }
}

/** One token list per item: tokenised text columns, then `column=value` tokens. */
function itemTokens(ds: Dataset, nItems: number, config: ContentKnnConfig): string[][] {
  const columns = ds.itemAttributes;
  const textColumns = pickColumns(ds, config.textColumns, ['text'], 'textColumns');
  const tokenColumns = pickColumns(ds, config.tokenColumns, ['categorical', 'multi'], 'tokenColumns');
  if (textColumns.length + tokenColumns.length === 0) {
    throw new InputError(
      `Model 'content-knn': dataset '${ds.name}' has no item text, categorical or multi columns to build content from ` +
        `(item columns: ${columns.map((c) => `${c.name} (${c.kind})`).join(', ') || 'none'}). Choose another model or add item attributes.`,
      'SPEC',
    );
  }
  const tokenizer = resolveTfidfConfig(config.tfidf);
  const docs: string[][] = [];
  for (let i = 0; i < nItems; i++) {
    const tokens: string[] = [];
    for (const c of textColumns) {
      const v = c.values[i];
      if (v === null || v === undefined) continue;
      tokens.push(...tokenize(Array.isArray(v) ? v.join(' ') : String(v), tokenizer));
    }
    for (const c of tokenColumns) {
      const v = c.values[i];
      if (v === null || v === undefined) continue;
      for (const value of Array.isArray(v) ? v : [v]) tokens.push(`${c.name}=${value}`);
    }
    docs.push(tokens);
  }
  return docs;
}

function pickColumns(ds: Dataset, names: string[] | undefined, kinds: AttributeColumn['kind'][], option: string): AttributeColumn[] {
  if (names === undefined) return ds.itemAttributes.filter((c) => kinds.includes(c.kind));
  return names.map((name) => {
    const c = ds.itemAttributes.find((col) => col.name === name);
    if (!c) {
      throw new InputError(
        `Model 'content-knn': ${option} names item column '${name}', which dataset '${ds.name}' does not have. Item columns: ${ds.itemAttributes.map((col) => col.name).join(', ') || 'none'}.`,
        'SPEC',
      );
    }
    return c;
  });
}
