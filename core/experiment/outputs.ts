import { columnCounts, type CsrMatrix, type Dataset, type DatasetStats, type Split } from '../data';
import type { FittedPipeline } from '../features';
import type { DataOutput, FeatureBlockOutput, FeaturesOutput, SplitOutput, SplitPartOutput } from './progress';

/** Points of the long-tail plot: enough to draw its shape, few enough for a notebook file. */
const POPULARITY_POINTS = 400;
const TOP_TERMS = 12;

/** The data cell's output: the stats and the popularity curve (interactions per item, by rank). */
export function dataOutput(ds: Dataset, stats: DatasetStats): DataOutput {
  const counts = new Int32Array(ds.itemIds.length);
  for (const i of ds.interactions.item) counts[i]++;
  const sorted = Array.from(counts).sort((a, b) => b - a);
  const n = sorted.length;
  const popularity: DataOutput['popularity'] = [];
  if (n > 0) {
    // Evenly spaced ranks, always the first and the last, so the head and the tail both show.
    const stride = Math.max(1, (n - 1) / (POPULARITY_POINTS - 1));
    for (let r = 0; r < n; r = Math.round(r + stride) > r ? Math.round(r + stride) : r + 1) popularity.push({ rank: r + 1, count: sorted[r] });
    if (popularity[popularity.length - 1].rank !== n) popularity.push({ rank: n, count: sorted[n - 1] });
  }
  return { stats, popularity };
}

function partOutput(m: CsrMatrix): SplitPartOutput {
  let users = 0;
  for (let u = 0; u < m.nRows; u++) if (m.indptr[u + 1] > m.indptr[u]) users++;
  let items = 0;
  for (const c of columnCounts(m)) if (c > 0) items++;
  return { interactions: m.indices.length, users, items };
}

/** The split cell's output: the size of each part and the protocol fingerprint. */
export function splitOutput(split: Split, m: { train: CsrMatrix; valid: CsrMatrix; test: CsrMatrix }, fingerprint: string): SplitOutput {
  const out: SplitOutput = {
    kind: split.kind,
    seed: split.seed,
    parts: { train: partOutput(m.train), valid: partOutput(m.valid), test: partOutput(m.test) },
    fingerprint,
  };
  if (split.coldItems) out.coldItems = split.coldItems.length + (split.validColdItems?.length ?? 0);
  if (split.coldUsers) out.coldUsers = split.coldUsers.length + (split.validColdUsers?.length ?? 0);
  return out;
}

/** The features cell's output: each fitted block's width, and a TF-IDF block's most common terms. */
export function featuresOutput(pipeline: FittedPipeline): FeaturesOutput {
  const blocks: FeatureBlockOutput[] = [];
  for (const side of ['user', 'item', 'context'] as const) {
    for (const t of pipeline.transformers(side)) {
      const block: FeatureBlockOutput = { side, type: t.type, dim: t.dim };
      const column = (t.config as { column?: unknown } | undefined)?.column;
      if (typeof column === 'string') block.column = column;
      const terms = topTerms(t.state());
      if (terms) block.topTerms = terms;
      blocks.push(block);
    }
  }
  return { userDim: pipeline.userDim, itemDim: pipeline.itemDim, contextDim: pipeline.contextDim, blocks };
}

/** The lowest-idf (most widespread) terms of a fitted TF-IDF state, when `state` is one. */
function topTerms(state: unknown): string[] | undefined {
  const s = state as { vocabulary?: unknown; idf?: unknown } | undefined;
  if (!s || !Array.isArray(s.vocabulary) || !s.idf || typeof (s.idf as ArrayLike<number>).length !== 'number') return undefined;
  const vocab = s.vocabulary as string[];
  const idf = Array.from(s.idf as ArrayLike<number>);
  return vocab
    .map((term, i) => ({ term, idf: idf[i] }))
    .sort((a, b) => a.idf - b.idf || (a.term < b.term ? -1 : 1))
    .slice(0, TOP_TERMS)
    .map((t) => t.term);
}
