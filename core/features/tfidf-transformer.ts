import { featureTransformerSides, tfidfFeature, type TfidfFeatureConfig } from '../spec';
import { isInputError, InputError } from '../util';
import { fitTfidf, transformTfidf, type TfidfState } from './tfidf';
import type { FeatureTransformerDefinition, FeatureRows, FittedTransformer } from './types';
import { attributeColumn, textOf } from './values';

/** The config schema is core/spec's (validation, types and the editor share it); exported here under its old name too. */
export const tfidfFeatureConfigSchema = tfidfFeature.config;
export type { TfidfFeatureConfig };

/**
 * TF-IDF of a text attribute (scikit-learn's TfidfVectorizer semantics, core/features/tfidf.ts)
 * as dense rows: one column per vocabulary term, named `<column>:<term>`. Vocabulary and
 * idf come from the training entities' texts only. A missing text gives an all-zero row.
 */
class FittedTfidf implements FittedTransformer<TfidfFeatureConfig, TfidfState> {
  readonly type = 'tfidf';

  constructor(
    readonly config: TfidfFeatureConfig,
    private readonly fitted: TfidfState,
  ) {}

  get dim(): number {
    return this.fitted.vocabulary.length;
  }

  get names(): string[] {
    return this.fitted.vocabulary.map((t) => `${this.config.column}:${t}`);
  }

  state(): TfidfState {
    return this.fitted;
  }

  transform(rows: FeatureRows, out: Float32Array, stride: number, offset: number): void {
    const values = rows.values(this.config.column);
    const docs = Array.from({ length: rows.n }, (_, r) => textOf(values[r]));
    const m = transformTfidf(this.fitted, docs);
    for (let r = 0; r < rows.n; r++) {
      const at = r * stride + offset;
      for (let p = m.indptr[r]; p < m.indptr[r + 1]; p++) out[at + m.indices[p]] = m.values[p];
    }
  }
}

export const tfidfTransformer: FeatureTransformerDefinition<TfidfFeatureConfig, TfidfState> = {
  type: 'tfidf',
  description: 'TF-IDF of a text attribute as dense rows, optionally limited to maxFeatures terms',
  sides: featureTransformerSides('tfidf'),
  configSchema: tfidfFeatureConfigSchema,
  fit(config, input) {
    const col = attributeColumn(input.ds, input.side, config.column, ['text', 'categorical', 'multi']);
    const docs = Array.from(input.fitEntities, (e) => textOf(col.values[e]));
    const { column: _column, ...tfidfConfig } = config;
    try {
      return new FittedTfidf(config, fitTfidf(docs, tfidfConfig));
    } catch (e) {
      // Say which column of which side, since a pipeline may hold several tfidf entries.
      if (isInputError(e)) throw new InputError(`${input.side} attribute '${config.column}': ${e.message}`, e.code);
      throw e;
    }
  },
  fromState: (config, state) => new FittedTfidf(config, state),
};
