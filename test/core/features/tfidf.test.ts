import { describe, expect, it } from 'vitest';
import { fitTfidf, fitTfidfTokens, tokenize, transformTfidf, transformTfidfTokens, resolveTfidfConfig, type SparseRows } from '../../../core/features/tfidf';

/** Row `r` of a CSR result as {column: value}. */
function row(m: SparseRows, r: number): Record<number, number> {
  const out: Record<number, number> = {};
  for (let p = m.indptr[r]; p < m.indptr[r + 1]; p++) out[m.indices[p]] = m.values[p];
  return out;
}

// Tokens (lowercased, runs of 2+ word characters; "a" is too short):
//   d0: the cat sat            d1: the dog sat on the mat            d2: cat dog
// Vocabulary (sorted): cat=0 dog=1 mat=2 on=3 sat=4 the=5; n = 3 documents.
// df: cat 2, dog 2, mat 1, on 1, sat 2, the 2.
const corpus = ['The cat sat', 'The dog sat on the mat', 'A cat, a dog!'];

describe('fitTfidf / transformTfidf (sklearn TfidfVectorizer semantics)', () => {
  it('builds a sorted vocabulary and smooth idf = ln((1+n)/(1+df)) + 1', () => {
    const s = fitTfidf(corpus);
    expect(s.vocabulary).toEqual(['cat', 'dog', 'mat', 'on', 'sat', 'the']);
    // df 2: ln(4/3) + 1 = 1.2876820724517808; df 1: ln(4/2) + 1 = 1.6931471805599454
    const a = 1.2876820724517808;
    const b = 1.6931471805599454;
    expect(s.idf[0]).toBeCloseTo(a, 12);
    expect(s.idf[2]).toBeCloseTo(b, 12);
    expect(s.idf).toHaveLength(6);
    expect(s.nDocs).toBe(3);
  });

  it('weights raw counts by idf and l2-normalises rows', () => {
    const s = fitTfidf(corpus);
    const x = transformTfidf(s, corpus);
    expect(x.nRows).toBe(3);
    expect(x.nCols).toBe(6);
    // d0: cat, sat, the all have idf a and tf 1 -> each 1/sqrt(3) = 0.5773502691896258.
    const d0 = row(x, 0);
    expect(Object.keys(d0).map(Number)).toEqual([0, 4, 5]);
    for (const v of Object.values(d0)) expect(v).toBeCloseTo(0.5773502691896258, 6);
    // d1: the = 2a, dog = sat = a, on = mat = b; norm = sqrt(4a^2 + 2a^2 + 2b^2) = 3.9600814976914887
    //   the = 2a/norm = 0.6503310970758703, dog = a/norm = 0.32516554853793517, mat = b/norm = 0.42755362018356385
    const d1 = row(x, 1);
    expect(Object.keys(d1).map(Number)).toEqual([1, 2, 3, 4, 5]);
    expect(d1[5]).toBeCloseTo(0.6503310970758703, 6);
    expect(d1[1]).toBeCloseTo(0.32516554853793517, 6);
    expect(d1[4]).toBeCloseTo(0.32516554853793517, 6);
    expect(d1[2]).toBeCloseTo(0.42755362018356385, 6);
    expect(d1[3]).toBeCloseTo(0.42755362018356385, 6);
    // d2: cat, dog with equal weight -> 1/sqrt(2)
    expect(row(x, 2)).toEqual({ 0: expect.closeTo(Math.SQRT1_2, 6), 1: expect.closeTo(Math.SQRT1_2, 6) });
  });

  it('reproduces the sklearn documentation example row', () => {
    // sklearn's TfidfVectorizer docs corpus; row 0 printed there is
    // [0, 0.46979139, 0.58028582, 0.38408524, 0, 0, 0.38408524, 0, 0.38408524].
    // By hand: document df 3 -> ln(5/4)+1 = 1.22314; first df 2 -> ln(5/3)+1 = 1.51083;
    // is/the/this df 4 -> 1; norm sqrt(1.22314^2 + 1.51083^2 + 3) = 2.60359.
    const docs = ['This is the first document.', 'This document is the second document.', 'And this is the third one.', 'Is this the first document?'];
    const s = fitTfidf(docs);
    expect(s.vocabulary).toEqual(['and', 'document', 'first', 'is', 'one', 'second', 'the', 'third', 'this']);
    const x = transformTfidf(s, docs);
    const dense = Array.from({ length: 9 }, (_, j) => row(x, 0)[j] ?? 0);
    const expected = [0, 0.46979139, 0.58028582, 0.38408524, 0, 0, 0.38408524, 0, 0.38408524];
    dense.forEach((v, j) => expect(v).toBeCloseTo(expected[j], 6));
  });

  it('uses ln(n/df) + 1 without smoothing', () => {
    const s = fitTfidf(corpus, { smoothIdf: false });
    // df 2: ln(3/2) + 1 = 1.4054651081081644; df 1: ln(3) + 1 = 2.0986122886681096
    expect(s.idf[0]).toBeCloseTo(1.4054651081081644, 12);
    expect(s.idf[3]).toBeCloseTo(2.0986122886681096, 12);
    // d1 'the' = 2*1.40547 / sqrt(4*1.40547^2 + 2*1.40547^2 + 2*2.09861^2) = 0.6184168735758779
    expect(row(transformTfidf(s, corpus), 1)[5]).toBeCloseTo(0.6184168735758779, 6);
  });

  it('applies sublinear tf = 1 + ln(tf)', () => {
    const s = fitTfidf(corpus, { sublinearTf: true });
    // d1 'the' tf 2 -> (1 + ln 2) * a; norm sqrt(((1+ln2)a)^2 + 2a^2 + 2b^2)
    //   the = 0.5868321916139685, dog = 0.34659254573479875, mat = 0.45572754654930037
    const d1 = row(transformTfidf(s, corpus), 1);
    expect(d1[5]).toBeCloseTo(0.5868321916139685, 6);
    expect(d1[1]).toBeCloseTo(0.34659254573479875, 6);
    expect(d1[2]).toBeCloseTo(0.45572754654930037, 6);
  });

  it('leaves weights unnormalised with norm none', () => {
    const s = fitTfidf(corpus, { norm: 'none' });
    const d1 = row(transformTfidf(s, corpus), 1);
    expect(d1[5]).toBeCloseTo(2 * 1.2876820724517808, 6);
    expect(d1[3]).toBeCloseTo(1.6931471805599454, 6);
  });

  it('prunes by minDf / maxDf as counts (integers) or proportions', () => {
    expect(fitTfidf(corpus, { minDf: 2 }).vocabulary).toEqual(['cat', 'dog', 'sat', 'the']);
    // 0.5 of 3 documents = 1.5: terms in at most 1 document.
    expect(fitTfidf(corpus, { maxDf: 0.5 }).vocabulary).toEqual(['mat', 'on']);
    expect(fitTfidf(corpus, { maxDf: 1 }).vocabulary).toEqual(['mat', 'on']);
    // 0.6 of 3 = 1.8 documents at least: df 2 terms.
    expect(fitTfidf(corpus, { minDf: 0.6 }).vocabulary).toEqual(['cat', 'dog', 'sat', 'the']);
    // idf still uses the full corpus document count.
    expect(fitTfidf(corpus, { minDf: 2 }).idf[0]).toBeCloseTo(1.2876820724517808, 12);
  });

  it('keeps the maxFeatures most frequent terms, ties broken alphabetically', () => {
    // corpus frequency: the 3, cat 2, dog 2, sat 2, mat 1, on 1 -> the, then cat wins the tie.
    expect(fitTfidf(corpus, { maxFeatures: 2 }).vocabulary).toEqual(['cat', 'the']);
    expect(fitTfidf(corpus, { maxFeatures: 4 }).vocabulary).toEqual(['cat', 'dog', 'sat', 'the']);
  });

  it('ignores unknown terms and gives empty rows for empty documents', () => {
    const s = fitTfidf(corpus);
    const x = transformTfidf(s, ['zebra cat', '', 'zebra']);
    expect(row(x, 0)).toEqual({ 0: 1 });
    expect(x.indptr[2] - x.indptr[1]).toBe(0);
    expect(x.indptr[3] - x.indptr[2]).toBe(0);
  });

  it('tokenises Unicode words like Python \\w and honours lowercase and custom patterns', () => {
    const c = resolveTfidfConfig();
    expect(tokenize('Café naïve, x_y 42 a É', c)).toEqual(['café', 'naïve', 'x_y', '42']);
    expect(tokenize('Café', { ...c, lowercase: false })).toEqual(['Café']);
    expect(tokenize('k=v; a=b', { ...c, tokenPattern: '(\\w)=\\w' })).toEqual(['k', 'a']);
  });

  it('keeps a plain-JSON state that transforms identically after a round trip', () => {
    const s = fitTfidf(corpus, { sublinearTf: true, minDf: 1 });
    const copy = JSON.parse(JSON.stringify(s));
    expect(copy).toEqual(s);
    const a = transformTfidf(s, corpus);
    const b = transformTfidf(copy, corpus);
    expect(Array.from(b.values)).toEqual(Array.from(a.values));
    expect(Array.from(b.indices)).toEqual(Array.from(a.indices));
  });

  it('fits pre-tokenised documents without re-tokenising them', () => {
    const s = fitTfidfTokens([['genres=Comedy', 'genres=Drama'], ['genres=Comedy']]);
    expect(s.vocabulary).toEqual(['genres=Comedy', 'genres=Drama']);
    // Comedy df 2 -> idf 1; Drama df 1 -> ln(3/2) + 1 = 1.4054651081081644; row 0 norm sqrt(1 + 1.40547^2)
    const x = transformTfidfTokens(s, [['genres=Comedy', 'genres=Drama']]);
    expect(x.values[0]).toBeCloseTo(1 / Math.sqrt(1 + 1.4054651081081644 ** 2), 6);
  });

  it('rejects empty vocabularies and contradictory bounds with InputError', () => {
    expect(() => fitTfidf(['a', '!'])).toThrow(/empty vocabulary/);
    expect(() => fitTfidf(corpus, { minDf: 3, maxDf: 1 })).toThrow(/maxDf/);
    expect(() => fitTfidf(corpus, { minDf: 3 })).toThrow(/no terms remain/);
    expect(() => fitTfidf(corpus, { maxFeatures: 0 })).toThrow(/maxFeatures/);
    expect(() => fitTfidf(corpus, { tokenPattern: '(' })).toThrow(/tokenPattern/);
    expect(() => fitTfidf(corpus, { minDF: 2 } as never)).toThrow(/unknown option 'minDF'/);
    let caught: unknown;
    try {
      fitTfidf([]);
    } catch (e) {
      caught = e;
    }
    expect((caught as Error | undefined)?.name).toBe('InputError');
  });
});
