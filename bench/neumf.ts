/**
 * NeuMF speed benchmark: exactly the work of /work/shared/bench/torch_neumf.py (the
 * PyTorch reference), so the two epoch times compare as a ratio on one machine.
 *
 * MovieLens 100K (all 100k ratings are positives), each epoch 4 uniform negatives per
 * positive that the user has not rated (500k rows), shuffled; NeuMF with GMF dim 32,
 * MLP embeddings 32, MLP [64, 32, 16] ReLU, one logit; Adam lr 1e-3, batch 1024, BCE
 * with logits. Then ranks all users x items and takes the top 10.
 *
 * Run: npx tsx bench/neumf.ts [--epochs N] [--data DIR] [--backend wasm|cpu|tensorflow] [--torch [SCRIPT]]
 *
 * `--torch` also runs the PyTorch reference (default ../shared/bench/torch_neumf.py beside
 * the repo, with /usr/bin/python3) right after, with the same number of epochs, and adds
 * its seconds per epoch and the ratio of the two (wall time, as both scripts time it)
 * to the JSON line. On a shared machine run it when the load is low: the ratio holds
 * only when both ran under the same load.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { buildCsr } from '../core/data';
import { buildArchitecture, type FitContext } from '../core/models';
import { rankTopK } from '../core/models';
import { createNeuralRecommender, type BackendName } from '../core/train';
import { requireMl100k } from './ml100k';

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
  /** Ranking all pairs + top-10 with a factorised model (MF, dim 64): one user x item matrix product per block. */
  factorised_rank_ms: number;
  backend: string;
  epochs_s: number[];
  /** User + system CPU seconds of this process per epoch (robust to a busy machine). */
  epoch_cpu_s_median: number;
  /** Mean training loss of the last epoch (the reference prints its last batch's loss). */
  last_loss: number;
}

const BATCH = 1024;
const NEGATIVES = 4;

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

/**
 * Runs the benchmark through RecLab's own training path (NeuralRecommender -> trainer),
 * so it measures what a run does. The median over epochs discounts the first epoch's
 * JIT warm-up (the reference runs 10 warm-up steps instead).
 */
export async function benchNeumf(opts: BenchNeumfOptions = {}): Promise<BenchNeumfResult> {
  const log = opts.log ?? (() => {});
  const epochs = opts.epochs ?? 3;
  const data = readRatings(opts.dataDir ?? requireMl100k());
  const train = buildCsr(data.nUsers, data.nItems, data.users, data.items);
  const rec = createNeuralRecommender(
    { type: 'neumf', gmfDim: 32, mlpDim: 32, layers: [64, 32, 16] },
    {
      epochs,
      batchSize: BATCH,
      loss: 'bce',
      negatives: NEGATIVES,
      negativeSampling: 'uniform',
      optimizer: { type: 'adam', lr: 1e-3 },
      evalEvery: 0,
      logEvery: 1_000_000,
      backend: opts.backend,
    },
  );
  const startTensors = tf.memory().numTensors;
  // CPU time per epoch as well as wall time: on a shared machine wall time mostly
  // measures the neighbours, CPU time (user + system of this process) much less so.
  const cpuTimes: number[] = [];
  let cpuStart = process.cpuUsage();
  const onMetric = (key: string) => {
    if (key === 'train/lr') cpuStart = process.cpuUsage();
    if (key === 'train/epoch_loss') {
      const c = process.cpuUsage(cpuStart);
      cpuTimes.push((c.user + c.system) / 1e6);
    }
  };
  const ctx = {
    dataset: undefined as unknown as FitContext['dataset'],
    train,
    trainIndex: new Int32Array(0),
    seed: 0,
    onMetric,
    log: (l: string) => log(`tfjs ${tf.version.tfjs} ${l}${/^epoch \d/.test(l) ? `, cpu ${cpuTimes[cpuTimes.length - 1]?.toFixed(2)} s` : ''}`),
  };
  await rec.fit(ctx);
  const history = rec.result!.history;
  const times = history.map((h) => h.seconds);
  const backend = rec.backend!;
  const users = Int32Array.from({ length: data.nUsers }, (_, u) => u);
  const rank = () => rankTopK(rec.architecture!, users, data.nItems, 10);
  rank();
  const t0 = performance.now();
  rank();
  const rankMs = performance.now() - t0;
  log(`rank all ${data.nUsers}x${data.nItems} pairs + top-10: ${rankMs.toFixed(0)} ms (${backend})`);
  rec.dispose();
  // The factorised path (MF, two-tower, LightGCN, sum/gated hybrids with dot heads): its
  // time does not depend on the weights' values, so an untrained MF of the usual width serves.
  const mf = buildArchitecture({ type: 'mf', dim: 64 }, { nUsers: data.nUsers, nItems: data.nItems, contextDim: 0, seed: 1 });
  rankTopK(mf, users, data.nItems, 10);
  const t1 = performance.now();
  rankTopK(mf, users, data.nItems, 10);
  const factorisedRankMs = performance.now() - t1;
  mf.dispose();
  log(`rank all ${data.nUsers}x${data.nItems} pairs + top-10, factorised (MF dim 64): ${factorisedRankMs.toFixed(0)} ms (${backend})`);
  const leaked = tf.memory().numTensors - startTensors;
  if (leaked > 0) log(`warning: ${leaked} tensors not disposed`);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return {
    epoch_s_median: median(times),
    epoch_cpu_s_median: median(cpuTimes),
    rank_ms: rankMs,
    factorised_rank_ms: factorisedRankMs,
    backend,
    epochs_s: times,
    last_loss: history[history.length - 1].loss,
  };
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Epoch figures of the PyTorch reference script. */
export interface TorchReference {
  torch_epoch_s_median: number;
  torch_rank_ms: number;
  torch: string;
}

/** Runs the PyTorch reference script; undefined, with a logged reason, when python3, torch or the script is missing. */
export function runTorchReference(script: string, dataDir: string, epochs: number, log: (line: string) => void): TorchReference | undefined {
  if (!fs.existsSync(script)) {
    log(`torch reference: ${script} not found`);
    return undefined;
  }
  const r = spawnSync('/usr/bin/python3', [script, dataDir, '--epochs', String(epochs)], { encoding: 'utf8' });
  const lines = `${r.stdout ?? ''}`.trim().split('\n');
  for (const l of lines.slice(0, -1)) log(l);
  try {
    const last = JSON.parse(lines[lines.length - 1]) as { epoch_s_median: number; rank_ms: number; torch: string };
    return { torch_epoch_s_median: last.epoch_s_median, torch_rank_ms: last.rank_ms, torch: last.torch };
  } catch {
    log(`torch reference failed (exit ${r.status}): ${(r.stderr ?? r.error?.message ?? '').toString().trim().split('\n').slice(-1)[0]}`);
    return undefined;
  }
}

/** Command-line entry (`npm run bench -- neumf`, or `npx tsx bench/neumf.ts`): per-epoch lines, then one JSON line. */
export async function main(): Promise<void> {
  const epochs = argValue('--epochs') ? Number(argValue('--epochs')) : 3;
  const dataDir = argValue('--data') ?? requireMl100k();
  const log = (l: string) => console.log(l);
  const r = await benchNeumf({ epochs, dataDir, backend: argValue('--backend') as BackendName | undefined, log });
  if (!process.argv.includes('--torch')) {
    console.log(JSON.stringify(r));
    return;
  }
  const given = argValue('--torch');
  const script = given && !given.startsWith('--') ? given : path.resolve(dataDir, '..', '..', 'bench', 'torch_neumf.py');
  const torch = runTorchReference(script, dataDir, epochs, log);
  const ratio = torch ? r.epoch_s_median / torch.torch_epoch_s_median : undefined;
  if (ratio !== undefined) log(`ratio to PyTorch (s per epoch, median): ${ratio.toFixed(2)}x`);
  console.log(JSON.stringify({ ...r, ...torch, ...(ratio !== undefined ? { ratio_to_torch: ratio } : {}) }));
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
