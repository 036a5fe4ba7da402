import fs from 'node:fs';
import path from 'node:path';
import { loadMovieLens100k, splitDataset, splitMatrices, type CsrMatrix, type Dataset, type Split } from '../core/data';
import type { Scorer } from '../core/eval';
import type { FitContext } from '../core/models';

/** ML-100K location: $RECLAB_ML100K, else ../shared/datasets/ml-100k beside the repo. */
export function findMl100k(): string | undefined {
  const candidates = [process.env.RECLAB_ML100K, path.resolve(__dirname, '..', '..', 'shared', 'datasets', 'ml-100k')];
  return candidates.find((p): p is string => !!p && fs.existsSync(path.join(p, 'u.data')));
}

export function requireMl100k(): string {
  const dir = findMl100k();
  if (!dir) throw new Error('MovieLens 100K not found: set RECLAB_ML100K or place it at ../shared/datasets/ml-100k.');
  return dir;
}

/** The engine issue's protocol on ML-100K, built by RecLab's own loader and splitter. */
export interface Ml100kProtocol {
  dataset: Dataset;
  split: Split;
  train: CsrMatrix;
  valid: CsrMatrix;
  test: CsrMatrix;
  /** Fit context of the training part (valid attached for tuning and early stopping). */
  ctx: FitContext;
}

/** Every rating a positive, random 80/10/10 per user (seeded). */
export function loadMl100kProtocol(seed = 42, dir = requireMl100k()): Ml100kProtocol {
  const dataset = loadMovieLens100k(dir);
  const split = splitDataset(dataset, { kind: 'random', ratios: [0.8, 0.1, 0.1] }, seed);
  const m = splitMatrices(dataset, split);
  return { dataset, split, ...m, ctx: { dataset, train: m.train, valid: m.valid, trainIndex: split.train, seed } };
}

/** Scores computed once and served from memory, so that evaluation alone is timed. */
export class FixedScores implements Scorer {
  constructor(
    readonly nItems: number,
    private readonly scores: Float32Array,
  ) {}
  scoreUsers(users: Int32Array, out: Float32Array): void {
    for (let b = 0; b < users.length; b++) out.set(this.scores.subarray(users[b] * this.nItems, (users[b] + 1) * this.nItems), b * this.nItems);
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
