import fs from 'node:fs';
import path from 'node:path';
import type { AttributeColumn, CsrMatrix, Dataset } from '../core/data';
import { Rng } from '../core/util';
import { createModel, easeLambdaPath, type FitContext, type Recommender } from '../core/models';

/*
 * Baseline figures on MovieLens 100K, loaded here with plain fs so the figures do not move
 * with the data layer: every rating a positive, a seeded random 80/10/10 split per user,
 * full ranking with train (+ valid on test) masked, NDCG@10 with binary gain.
 * `npx tsx bench/baselines.ts` prints fit times and NDCG@10 and ends with one JSON line.
 */

/** ML-100K location: $RECLAB_ML100K, else ../shared/datasets/ml-100k beside the repo. */
export function findMl100kDir(): string | undefined {
  const candidates = [process.env.RECLAB_ML100K, path.resolve(__dirname, '..', '..', 'shared', 'datasets', 'ml-100k')];
  return candidates.find((p): p is string => !!p && fs.existsSync(path.join(p, 'u.data')));
}

/** The split matrices (users x items) and a dataset with title (text) and genres (multi). */
export interface Ml100kSplit {
  dataset: Dataset;
  train: CsrMatrix;
  valid: CsrMatrix;
  test: CsrMatrix;
  trainIndex: Int32Array;
}

/** Loads u.data / u.item / u.genre and splits each user's ratings 80/10/10 after a seeded shuffle. */
export function loadMl100kSplit(dir: string, seed = 42): Ml100kSplit {
  const lines = fs.readFileSync(path.join(dir, 'u.data'), 'utf8').trim().split('\n');
  const rawUser = lines.map((l) => Number(l.split('\t')[0]));
  const rawItem = lines.map((l) => Number(l.split('\t')[1]));
  const nUsers = Math.max(...rawUser);
  const nItems = Math.max(...rawItem);
  const user = Int32Array.from(rawUser, (u) => u - 1);
  const item = Int32Array.from(rawItem, (i) => i - 1);

  const byUser: number[][] = Array.from({ length: nUsers }, () => []);
  for (let k = 0; k < user.length; k++) byUser[user[k]].push(k);
  const rng = new Rng(seed);
  const part = new Int8Array(user.length);
  for (const events of byUser) {
    rng.shuffle(events);
    const nTest = Math.round(events.length * 0.1);
    const nValid = Math.round(events.length * 0.1);
    events.forEach((k, r) => (part[k] = r < nTest ? 2 : r < nTest + nValid ? 1 : 0));
  }
  const pick = (p: number) => Int32Array.from({ length: user.length }, (_, k) => k).filter((k) => part[k] === p);
  const trainIndex = pick(0);

  const genreNames = fs
    .readFileSync(path.join(dir, 'u.genre'), 'latin1')
    .trim()
    .split('\n')
    .map((l) => l.split('|')[0]);
  const titles: string[] = new Array(nItems).fill('');
  const genres: string[][] = Array.from({ length: nItems }, () => []);
  for (const l of fs.readFileSync(path.join(dir, 'u.item'), 'latin1').trim().split('\n')) {
    const f = l.split('|');
    const i = Number(f[0]) - 1;
    titles[i] = f[1];
    genres[i] = f.slice(5).flatMap((flag, g) => (flag === '1' ? [genreNames[g]] : []));
  }
  const itemAttributes: AttributeColumn[] = [
    { name: 'title', kind: 'text', values: titles },
    { name: 'genres', kind: 'multi', values: genres },
  ];
  const dataset: Dataset = {
    name: 'ml-100k',
    source: dir,
    userIds: Array.from({ length: nUsers }, (_, u) => String(u + 1)),
    itemIds: Array.from({ length: nItems }, (_, i) => String(i + 1)),
    interactions: { user, item, rating: new Float32Array(user.length).fill(NaN), timestamp: new Float64Array(user.length).fill(NaN), context: {} },
    userAttributes: [],
    itemAttributes,
  };
  return { dataset, train: binaryCsr(nUsers, nItems, user, item, trainIndex), valid: binaryCsr(nUsers, nItems, user, item, pick(1)), test: binaryCsr(nUsers, nItems, user, item, pick(2)), trainIndex };
}

/** Binary CSR of the (user, item) pairs at `subset`; rows sorted, duplicates merged. */
function binaryCsr(nRows: number, nCols: number, rows: Int32Array, cols: Int32Array, subset: Int32Array): CsrMatrix {
  const sets: number[][] = Array.from({ length: nRows }, () => []);
  for (const k of subset) sets[rows[k]].push(cols[k]);
  const indptr = new Int32Array(nRows + 1);
  const indices: number[] = [];
  sets.forEach((s, r) => {
    indices.push(...[...new Set(s)].sort((a, b) => a - b));
    indptr[r + 1] = indices.length;
  });
  return { nRows, nCols, indptr, indices: Int32Array.from(indices), values: new Float32Array(indices.length).fill(1) };
}

/**
 * Mean NDCG@k (binary gain, log2 discount, ideal over min(|relevant|, k)) over users with
 * at least one relevant item; items in any of `masks` are excluded from the ranking.
 */
export async function meanNdcg(model: Recommender, relevant: CsrMatrix, masks: CsrMatrix[], k = 10): Promise<number> {
  const n = relevant.nCols;
  const users = Int32Array.from({ length: relevant.nRows }, (_, u) => u).filter((u) => relevant.indptr[u + 1] > relevant.indptr[u]);
  const batch = 256;
  const scores = new Float32Array(batch * n);
  let total = 0;
  for (let start = 0; start < users.length; start += batch) {
    const chunk = users.subarray(start, start + batch);
    await model.scoreUsers(chunk, scores);
    for (let b = 0; b < chunk.length; b++) {
      const u = chunk[b];
      const row = scores.subarray(b * n, (b + 1) * n);
      for (const m of masks) for (let p = m.indptr[u]; p < m.indptr[u + 1]; p++) row[m.indices[p]] = -Infinity;
      const rel = new Set(relevant.indices.subarray(relevant.indptr[u], relevant.indptr[u + 1]));
      const top = topK(row, k);
      let dcg = 0;
      top.forEach((i, r) => {
        if (rel.has(i)) dcg += 1 / Math.log2(r + 2);
      });
      let ideal = 0;
      for (let r = 0; r < Math.min(rel.size, k); r++) ideal += 1 / Math.log2(r + 2);
      total += dcg / ideal;
    }
  }
  return total / users.length;
}

/** Indices of the k highest scores, best first; ties go to the lower index. */
function topK(row: Float32Array, k: number): number[] {
  const best: number[] = [];
  for (let i = 0; i < row.length; i++) {
    if (row[i] === -Infinity) continue;
    if (best.length === k && !(row[i] > row[best[k - 1]])) continue;
    let at = best.length === k ? k - 1 : best.length;
    best[at] = i;
    while (at > 0 && row[best[at - 1]] < row[i]) {
      best[at] = best[at - 1];
      best[--at] = i;
    }
  }
  return best;
}

/**
 * Fit seconds of each baseline (registry defaults) on ML-100K, NDCG@10 on test as a check,
 * and the time of an EASE lambda grid of 3 (`easeLambdaPath`, each model evaluated on valid).
 */
export async function benchBaselines(): Promise<{ fit_s: Record<string, number>; ndcg_at_10: Record<string, number>; ease_lambda_grid_s: number }> {
  const dir = findMl100kDir();
  if (!dir) throw new Error('MovieLens 100K not found: set RECLAB_ML100K or place it at ../shared/datasets/ml-100k.');
  const s = loadMl100kSplit(dir);
  const ctx: FitContext = { dataset: s.dataset, train: s.train, valid: s.valid, trainIndex: s.trainIndex, seed: 42 };
  const fit_s: Record<string, number> = {};
  const ndcg_at_10: Record<string, number> = {};
  for (const type of ['random', 'mostpop', 'itemknn', 'ease', 'puresvd', 'content-knn']) {
    const model = createModel({ type });
    const t0 = performance.now();
    await model.fit(ctx);
    fit_s[type] = (performance.now() - t0) / 1000;
    ndcg_at_10[type] = await meanNdcg(model, s.test, [s.train, s.valid]);
    model.dispose?.();
    console.log(`${type}: fit ${fit_s[type].toFixed(2)} s, test NDCG@10 ${ndcg_at_10[type].toFixed(4)}`);
  }
  const lambdas = [200, 500, 1000];
  const t0 = performance.now();
  for (const { lambda, model } of easeLambdaPath(ctx, lambdas)) {
    console.log(`ease lambda ${lambda}: valid NDCG@10 ${(await meanNdcg(model, s.valid, [s.train])).toFixed(4)}`);
    model.dispose();
  }
  const ease_lambda_grid_s = (performance.now() - t0) / 1000;
  console.log(`ease lambda grid of ${lambdas.length} (fits + valid evaluations): ${ease_lambda_grid_s.toFixed(2)} s`);
  return { fit_s, ndcg_at_10, ease_lambda_grid_s };
}

if (require.main === module) {
  benchBaselines().then(
    (r) => console.log(JSON.stringify(r)),
    (e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
