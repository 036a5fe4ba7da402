import type { AttributeValue } from '../data';
import type { FeatureRows, FittedTransformer } from './types';
import { categoryOf } from './values';

/**
 * A category vocabulary with an out-of-vocabulary bucket, shared by the categorical,
 * multi-hot and context-categorical transformers. Output column 0 is the OOV bucket
 * (values unseen in training or rarer than `minCount`); columns 1.. are the kept values,
 * most frequent first (ties by value, so the order does not depend on row order).
 */
export interface VocabularyState {
  /** Kept values; value `values[j]` maps to output column `j + 1`. */
  values: string[];
}

/** Builds the vocabulary from training counts. */
export function buildVocabulary(counts: Map<string, number>, minCount: number, maxSize: number | undefined): VocabularyState {
  const kept = [...counts.entries()]
    .filter(([, c]) => c >= minCount)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([v]) => v);
  return { values: maxSize === undefined ? kept : kept.slice(0, maxSize) };
}

/** Value -> output column lookup (0 = OOV). */
export class VocabularyIndex {
  private readonly index = new Map<string, number>();

  constructor(readonly state: VocabularyState) {
    state.values.forEach((v, j) => this.index.set(v, j + 1));
  }

  /** Output column of a value: 1.. for known values, 0 (the OOV bucket) otherwise. */
  column(value: string): number {
    return this.index.get(value) ?? 0;
  }

  /** Output width: the OOV bucket plus one column per kept value. */
  get dim(): number {
    return this.state.values.length + 1;
  }

  /** Column names `<prefix>=<value>`, with `<prefix>=<oov>` first. */
  names(prefix: string): string[] {
    return [`${prefix}=<oov>`, ...this.state.values.map((v) => `${prefix}=${v}`)];
  }
}

/** Adds one to a value's count. */
export function countValue(counts: Map<string, number>, value: string): void {
  counts.set(value, (counts.get(value) ?? 0) + 1);
}

/**
 * A fitted one-hot or multi-hot encoder over a vocabulary: categorical, multi-hot and
 * context-categorical differ only in their type name and how a cell becomes tokens.
 */
export class FittedVocabularyEncoder<C extends { column: string }> implements FittedTransformer<C, VocabularyState> {
  private readonly vocab: VocabularyIndex;

  constructor(
    readonly type: string,
    readonly config: C,
    vocabulary: VocabularyState,
    private readonly tokens: (cell: AttributeValue | undefined) => Iterable<string>,
  ) {
    this.vocab = new VocabularyIndex(vocabulary);
  }

  get dim(): number {
    return this.vocab.dim;
  }

  get names(): string[] {
    return this.vocab.names(this.config.column);
  }

  state(): VocabularyState {
    return this.vocab.state;
  }

  transform(rows: FeatureRows, out: Float32Array, stride: number, offset: number): void {
    const values = rows.values(this.config.column);
    for (let r = 0; r < rows.n; r++) {
      for (const t of this.tokens(values[r])) out[r * stride + offset + this.vocab.column(t)] = 1;
    }
  }
}

/** The single token of a categorical cell, none when missing. */
export function categoryTokens(cell: AttributeValue | undefined): string[] {
  const v = categoryOf(cell);
  return v === null ? [] : [v];
}
