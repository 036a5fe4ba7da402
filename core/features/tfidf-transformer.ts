import { z } from 'zod';
import { isInputError, InputError } from '../util';
import { fitTfidf, transformTfidf, type TfidfState } from './tfidf';
import type { FeatureTransformerDefinition, FeatureRows, FittedTransformer } from './types';
import { attributeColumn, textOf } from './values';

export const tfidfFeatureConfigSchema = z.strictObject({
  column: z.string().min(1).describe('Text attribute column (title, description)'),
  maxFeatures: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('Keep the terms of highest training corpus frequency; the output is dense, so set this for long texts'),
  minDf: z.number().min(0).optional().describe('Ignore terms in fewer training documents (count >= 1, or proportion < 1)'),
  maxDf: z.number().min(0).optional().describe('Ignore terms in more training documents (count, or proportion)'),
  sublinearTf: z.boolean().optional().describe('Use 1 + ln(tf)'),
  norm: z.enum(['l2', 'none']).optional().describe('Row normalisation (default l2)'),
  smoothIdf: z.boolean().optional(),
  lowercase: z.boolean().optional(),
  tokenPattern: z.string().optional().describe('Regular expression whose matches are the tokens'),
});
export type TfidfFeatureConfig = z.infer<typeof tfidfFeatureConfigSchema>;

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
  sides: ['user', 'item'],
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
