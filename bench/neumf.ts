/**
 * NeuMF speed benchmark: exactly the work of /work/shared/bench/torch_neumf.py (the
 * PyTorch reference), so the two epoch times compare as a ratio on one machine.
 *
 * MovieLens 100K (all 100k ratings are positives), each epoch 4 uniform negatives per
 * positive that the user has not rated (500k rows), shuffled; NeuMF with GMF dim 32,
 * MLP embeddings 32, MLP [64, 32, 16] ReLU, one logit; Adam lr 1e-3, batch 1024, BCE
 * with logits. Then ranks all users x items and takes the top 10.
 *
 * Run: npx tsx bench/neumf.ts [--epochs N] [--data DIR] [--backend wasm|cpu|tensorflow]
 */
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { buildCsr } from '../core/data';
import { NegativeSampler, pointwiseEpoch } from '../core/data/sampler';
import { buildArchitecture } from '../core/models/neural';
import { Rng } from '../core/util';
import { initBackend, type BackendName } from '../core/train/backend';
import { bceWithLogits } from '../core/train/losses';
import { createOptimizer } from '../core/train/optimizers';
import { rankTopK } from '../core/train/scoring';

export interface BenchNeumfOptions {
  /** Folder with u.data; default /work/shared/datasets/ml-100k (next to the repo). */
  dataDir?: string;
  epochs?: number;
  backend?: BackendName;
  /** Per-epoch progress lines. */
  log?: (line: string) => void;
}

export interface BenchNeumfResult {
  epoch_s_median: number;
  rank_ms: number;
  backend: string;
  epochs_s: number[];
  last_loss: number;
}

const BATCH = 1024;
const NEGATIVES = 4;

/** Default location of ML-100K: `<repo>/../shared/datasets/ml-100k`. */
export function defaultMl100kDir(): string {
  return path.resolve(__dirname, '..', '..', 'shared', 'datasets', 'ml-100k');
}

/** Reads u.data with plain fs: user and item ids as 0-based indices (ids as in the file, minus 1). */
function readRatings(dir: string): { users: Int32Array; items: Int32Array; nUsers: number; nItems: number } {
  const lines = fs.readFileSync(path.join(dir, 'u.data'), 'utf8').split('\n');
  const users: number[] = [];
  const items: number[] = [];
  for (const line of lines) {
    if (!line.trim()) continue;
    const [u, i] = line.split('\t');
    users.push(Number(u) - 1);
    items.push(Number(i) - 1);
  }
  const U = Int32Array.from(users);
  const I = Int32Array.from(items);
  return { users: U, items: I, nUsers: Math.max(...U) + 1, nItems: Math.max(...I) + 1 };
}

/** Runs the benchmark; returns the median epoch time (s), the ranking time (ms) and the backend. */
export async function benchNeumf(opts: BenchNeumfOptions = {}): Promise<BenchNeumfResult> {
  const log = opts.log ?? (() => {});
  const epochs = opts.epochs ?? 3;
  const backend = await initBackend(opts.backend);
  const data = readRatings(opts.dataDir ?? defaultMl100kDir());
  const train = buildCsr(data.nUsers, data.nItems, data.users, data.items);
  const rng = new Rng(0);
  const sampler = new NegativeSampler(train, 'uniform', rng.fork(1));
  const arch = buildArchitecture({ type: 'neumf' }, { nUsers: data.nUsers, nItems: data.nItems, contextDim: 0, seed: 0 });
  const opt = createOptimizer({ type: 'adam', lr: 1e-3 });
  const startTensors = tf.memory().numTensors;

  const trainEpoch = (limit?: number): { rows: number; loss: number } => {
    const rows = pointwiseEpoch(train, NEGATIVES, sampler, rng);
    const n = rows.users.length;
    const nBatches = Math.ceil(n / BATCH);
    let last = NaN;
    for (let b = 0; b < (limit ?? nBatches); b++) {
      const lo = b * BATCH;
      const hi = Math.min(n, lo + BATCH);
      const users = tf.tensor1d(rows.users.subarray(lo, hi), 'int32');
      const items = tf.tensor1d(rows.items.subarray(lo, hi), 'int32');
      const labels = tf.tensor1d(rows.labels.subarray(lo, hi), 'float32');
      const { value, grads } = tf.variableGrads(() => bceWithLogits(arch.score({ users, items }, true), labels), arch.variables);
      opt.apply(arch.variables, grads);
      last = value.dataSync()[0];
      tf.dispose([users, items, labels, value, grads]);
    }
    return { rows: n, loss: last };
  };

  trainEpoch(10); // warm-up, as the reference
  const times: number[] = [];
  let lastLoss = NaN;
  for (let ep = 0; ep < epochs; ep++) {
    const t0 = performance.now();
    const { rows, loss } = trainEpoch();
    const dt = (performance.now() - t0) / 1000;
    times.push(dt);
    lastLoss = loss;
    log(`tfjs ${tf.version.tfjs} backend=${backend} epoch ${ep + 1}: ${dt.toFixed(2)} s, ${rows} rows, last loss ${loss.toFixed(4)}`);
  }
  const users = Int32Array.from({ length: data.nUsers }, (_, u) => u);
  const rank = async () => rankTopK(arch, users, data.nItems, 10);
  await rank();
  const t0 = performance.now();
  await rank();
  const rankMs = performance.now() - t0;
  log(`rank all ${data.nUsers}x${data.nItems} pairs + top-10: ${rankMs.toFixed(0)} ms`);
  arch.dispose();
  opt.dispose();
  const leaked = tf.memory().numTensors - startTensors;
  if (leaked > 0) log(`warning: ${leaked} tensors not disposed`);
  const sorted = [...times].sort((a, b) => a - b);
  return { epoch_s_median: sorted[Math.floor(sorted.length / 2)], rank_ms: rankMs, backend, epochs_s: times, last_loss: lastLoss };
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Command-line entry (`npm run bench -- neumf`, or `npx tsx bench/neumf.ts`): per-epoch lines, then one JSON line. */
export async function main(): Promise<void> {
  const epochs = argValue('--epochs');
  const r = await benchNeumf({
    epochs: epochs ? Number(epochs) : 3,
    dataDir: argValue('--data'),
    backend: argValue('--backend') as BackendName | undefined,
    log: (l) => console.log(l),
  });
  console.log(JSON.stringify(r));
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
