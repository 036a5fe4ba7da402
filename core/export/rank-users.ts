import { TopKSelector } from '../eval';
import type { Bundle } from './load-bundle';
import type { RunData } from './run-data';

/** One user's ranked list in dense indices, best first. */
export interface RankedList {
  user: number;
  items: Int32Array;
  scores: Float32Array;
}

/** Users scored per call of the bundle (evaluation's batch size). */
const USERS_PER_BATCH = 256;

/**
 * How the run's evaluation ranked: which items it masked, which it ranked at all, which
 * users it ranked by popularity, and the seed of its tie order. Rebuilt from the run's spec
 * and split files, so a list ranked here for a test user equals the one in topk.csv.
 */
export interface RankingProtocol {
  /** Train and valid items of each user are never recommended (evaluation masked both on test). */
  masked: RunData['train']['matrix'][];
  /** `evaluate.candidates: "cold-items"`: only the test part's held-out items are ranked. */
  candidates?: Int32Array;
  /** `evaluate.fallback: "mostpop"`: users without training interactions get training popularity as scores. */
  popularityFallback?: Float32Array;
  seed: number;
}

export function rankingProtocol(data: RunData): RankingProtocol {
  const { spec } = data;
  let candidates: Int32Array | undefined;
  if (spec.evaluate?.candidates === 'cold-items') {
    // A cold-item split sends every interaction of a held-out test item to test and of no other item: the test part's items are exactly the candidates.
    candidates = Int32Array.from(new Set(data.test.matrix.indices)).sort();
  }
  return {
    masked: [data.train.matrix, data.valid.matrix],
    candidates,
    popularityFallback: spec.evaluate?.fallback === 'mostpop' ? Float32Array.from(data.popularity) : undefined,
    seed: spec.seed,
  };
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Top `k` lists of `users` (dense indices) from the run's bundle, ranked as the run's
 * evaluation ranked them: the bundle scores each user as the trained model did, the user's
 * train and valid items are masked, ties are broken by core/eval's seeded order, and the
 * evaluation's candidate set and popularity fallback apply. Visits each list in user order;
 * yields to the event loop between batches so a host stays responsive.
 */
export async function rankUsers(
  bundle: Bundle,
  data: RunData,
  users: Int32Array,
  k: number,
  visit: (list: RankedList) => void,
  onBatch?: (done: number, total: number) => void,
): Promise<void> {
  const protocol = rankingProtocol(data);
  const nItems = bundle.items.length;
  const selector = new TopKSelector(k, protocol.seed);
  const excluded = new Uint8Array(nItems);
  const outItems = new Int32Array(k);
  const outScores = new Float32Array(k);
  const buf = new Float32Array(Math.min(USERS_PER_BATCH, Math.max(1, users.length)) * nItems);
  const trainCount = (u: number) => data.train.matrix.indptr[u + 1] - data.train.matrix.indptr[u];
  const mark = (u: number, v: number) => {
    for (const m of protocol.masked) for (let p = m.indptr[u]; p < m.indptr[u + 1]; p++) excluded[m.indices[p]] = v;
  };
  for (let lo = 0; lo < users.length; lo += USERS_PER_BATCH) {
    const batch = users.subarray(lo, Math.min(lo + USERS_PER_BATCH, users.length));
    const fallback = protocol.popularityFallback;
    const byModel = fallback ? batch.filter((u) => trainCount(u) > 0) : batch;
    const modelScores = byModel.length === batch.length ? buf.subarray(0, batch.length * nItems) : new Float32Array(byModel.length * nItems);
    if (byModel.length > 0) bundle.scoreUsers(byModel, modelScores);
    let j = 0;
    for (let b = 0; b < batch.length; b++) {
      const u = batch[b];
      const row = fallback && trainCount(u) === 0 ? fallback : modelScores.subarray(j * nItems, ++j * nItems);
      mark(u, 1);
      const n = selector.select(row, excluded, protocol.candidates, outItems, outScores, u);
      mark(u, 0);
      visit({ user: u, items: outItems.slice(0, n), scores: outScores.slice(0, n) });
    }
    onBatch?.(lo + batch.length, users.length);
    await yieldToEventLoop();
  }
}
