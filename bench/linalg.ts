/**
 * Dense linear algebra against numpy: EASE's fit on MovieLens 100K (engine protocol,
 * λ = 500) and the SPD inverse of a synthetic 10,000 x 10,000 Gram matrix, each timed
 * here and by bench/numpy_linalg.py on the same data (passed by file), numpy both with
 * its BLAS's default threads and pinned to one (OPENBLAS_NUM_THREADS=1; RecLab uses one
 * core). Also EASE's test NDCG@10 with the float32 and the float64 inverse, and the
 * largest difference between RecLab's and numpy's weight matrices.
 *
 * Run: npm run bench -- linalg [--repeats N] [--repeats-10k N] [--skip-10k]
 * Ends with one JSON line {"ease_ml100k_s", "numpy_ml100k_s", "inverse_10k_s", "numpy_inverse_10k_s", ...}:
 * medians; the numpy keys without suffix are numpy's default threading.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { evaluateRanking } from '../core/eval';
import { EaseRecommender, easeLambdaPath } from '../core/models';
import { Rng, inverseSpd, sparseGram, type SparseRows } from '../core/util';
import { loadMl100kProtocol, median } from './ml100k';

const PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(__dirname, 'numpy_linalg.py');
const LAMBDA = 500;
const N_10K = 10_000;
const LAMBDA_10K = 200;

interface NumpyResult {
  times: number[];
  median: number;
  blas: string[];
  numpy: string;
  openblas_threads: string;
  eigh_s?: number;
  evd_per_lambda_s?: number;
  residual?: number;
}

function option(name: string, fallback: number): number {
  const k = process.argv.indexOf(name);
  return k > 0 ? Number(process.argv[k + 1]) : fallback;
}

const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');

/** Runs the numpy script, or says why not and returns undefined. */
function numpy(args: string[], threads: 'default' | '1'): NumpyResult | undefined {
  const env = { ...process.env };
  if (threads === '1') env.OPENBLAS_NUM_THREADS = '1';
  else delete env.OPENBLAS_NUM_THREADS;
  const r = spawnSync(PYTHON, [SCRIPT, ...args], { env, encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.error || r.status !== 0) {
    console.log(`numpy reference unavailable (${r.error?.message ?? r.stderr.trim().split('\n').at(-1)}); install it with: apt-get install -y python3-numpy`);
    return undefined;
  }
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as NumpyResult;
}

const fmt = (s: number | undefined) => (s === undefined ? 'n/a' : `${s.toFixed(3)} s`);

async function benchEase(repeats: number, dir: string) {
  const p = loadMl100kProtocol();
  const train = p.train;
  const n = train.nCols;
  console.log(`EASE on MovieLens 100K: ${train.nRows} users x ${n} items, ${train.indptr[train.nRows]} training pairs, lambda ${LAMBDA}`);

  // A whole fit, Gram matrix included (no cache: a fresh Gram each time).
  const fitOnce = (precision: 'float32' | 'float64') => {
    const t0 = performance.now();
    const gram = sparseGram(train, { binary: true });
    const t1 = performance.now();
    const model = new EaseRecommender({ lambda: LAMBDA }, { precision });
    model.fitFromGram(train, gram);
    const t2 = performance.now();
    return { model, gram_s: (t1 - t0) / 1000, fit_s: (t2 - t0) / 1000 };
  };
  fitOnce('float32'); // warm-up: JIT and wasm tier-up
  const runs = Array.from({ length: repeats }, () => fitOnce('float32'));
  const ease_s = median(runs.map((r) => r.fit_s));
  console.log(`  RecLab float32: median ${fmt(ease_s)} of ${repeats} (${runs.map((r) => r.fit_s.toFixed(3)).join(', ')}); Gram matrix ${fmt(median(runs.map((r) => r.gram_s)))} of it`);
  const runs64 = Array.from({ length: Math.max(1, Math.floor(repeats / 2)) }, () => fitOnce('float64'));
  const ease64_s = median(runs64.map((r) => r.fit_s));
  console.log(`  RecLab float64: median ${fmt(ease64_s)} of ${runs64.length}`);

  const ndcg = async (model: EaseRecommender) => (await evaluateRanking({ scorer: model, truth: p.test, exclude: [p.train, p.valid], ks: [10] })).overall['ndcg@10'];
  const m32 = runs.at(-1)!.model;
  const m64 = runs64.at(-1)!.model;
  const ndcg32 = await ndcg(m32);
  const ndcg64 = await ndcg(m64);
  console.log(`  test NDCG@10: float32 ${ndcg32.toFixed(6)}, float64 ${ndcg64.toFixed(6)} (difference ${Math.abs(ndcg32 - ndcg64).toExponential(2)})`);

  // A lambda grid shares the Gram matrix.
  const t0 = performance.now();
  const grid = [250, 500, 1000];
  for (const { model } of easeLambdaPath(p.ctx, grid)) model.dispose();
  const grid_s = (performance.now() - t0) / 1000;
  console.log(`  lambda grid ${JSON.stringify(grid)} through easeLambdaPath (one Gram matrix, three inverses): ${fmt(grid_s)}`);

  // numpy on the same training pairs.
  const pairsFile = path.join(dir, 'train-pairs.i32');
  const pairs = new Int32Array(2 * train.indptr[train.nRows]);
  for (let u = 0, k = 0; u < train.nRows; u++) for (let q = train.indptr[u]; q < train.indptr[u + 1]; q++, k += 2) [pairs[k], pairs[k + 1]] = [u, train.indices[q]];
  fs.writeFileSync(pairsFile, pairs);
  const bFile = path.join(dir, 'numpy-b.f32');
  const args = ['ease', pairsFile, String(train.nRows), String(n), String(LAMBDA), String(repeats), bFile];
  const np2 = numpy(args, 'default');
  const np1 = numpy(args, '1');
  let maxDiff: number | undefined;
  if (np2) {
    console.log(`  numpy ${np2.numpy} (${np2.blas.join(', ') || 'BLAS not found in maps'})`);
    console.log(`  numpy, default threads: median ${fmt(np2.median)} of ${repeats}; eigh of G ${fmt(np2.eigh_s)}, then V diag Vᵀ per lambda ${fmt(np2.evd_per_lambda_s)}`);
    if (np1) console.log(`  numpy, OPENBLAS_NUM_THREADS=1: median ${fmt(np1.median)} of ${repeats}; eigh ${fmt(np1.eigh_s)}, per lambda ${fmt(np1.evd_per_lambda_s)}`);
    const bNumpy = new Float32Array(fs.readFileSync(bFile).buffer.slice(0));
    maxDiff = 0;
    let maxB = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        maxDiff = Math.max(maxDiff, Math.abs(m32.weight(i, j) - bNumpy[i * n + j]));
        maxB = Math.max(maxB, Math.abs(bNumpy[i * n + j]));
      }
    }
    console.log(`  largest |B_RecLab(float32) - B_numpy| = ${maxDiff.toExponential(2)} (largest |B| ${maxB.toFixed(4)})`);
  }
  return { ease_s, ease64_s, ndcg32, ndcg64, grid_s, np2, np1, maxDiff };
}

/**
 * The synthetic Gram matrix XᵀX + λI: 6,000 users over 10,000 items, each user with
 * 20-219 items drawn with a long-tailed popularity (weight 1/(1 + i/100)), seeded.
 */
function syntheticGram(): Float32Array {
  const rng = new Rng(10_000);
  const weights = Array.from({ length: N_10K }, (_, i) => 1 / (1 + i / 100));
  const cumulative = new Float64Array(N_10K);
  weights.reduce((s, w, i) => (cumulative[i] = s + w), 0);
  const total = cumulative[N_10K - 1];
  const indptr = [0];
  const indices: number[] = [];
  for (let u = 0; u < 6000; u++) {
    const items = new Set<number>();
    const want = 20 + (u % 200);
    while (items.size < want) {
      const x = rng.next() * total;
      let lo = 0;
      let hi = N_10K - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid] < x) lo = mid + 1;
        else hi = mid;
      }
      items.add(lo);
    }
    indices.push(...[...items].sort((a, b) => a - b));
    indptr.push(indices.length);
  }
  const x: SparseRows = { nRows: 6000, nCols: N_10K, indptr: Int32Array.from(indptr), indices: Int32Array.from(indices), values: new Float32Array(indices.length).fill(1) };
  return sparseGram(x, { binary: true });
}

async function benchInverse(repeats: number, dir: string) {
  console.log(`SPD inverse of a synthetic ${N_10K} x ${N_10K} Gram matrix + ${LAMBDA_10K} I (float32)`);
  const gram = syntheticGram();
  const times: number[] = [];
  let inv: Float32Array | undefined;
  for (let r = 0; r < repeats; r++) {
    inv = undefined;
    const t0 = performance.now();
    let next = 0.25;
    inv = inverseSpd(gram, N_10K, {
      shift: LAMBDA_10K,
      onProgress: (f) => {
        if (f >= next) {
          process.stdout.write(`    ${Math.round(f * 100)}% at ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
          next += 0.25;
        }
      },
    });
    times.push((performance.now() - t0) / 1000);
    console.log(`  repeat ${r + 1}: ${fmt(times.at(-1))} (load ${load()})`);
  }
  const inverse_s = median(times);
  // Residual of A·P = I on sampled entries, in float64 over the float32 result (P is symmetric: row j for column j).
  const rng = new Rng(1);
  let residual = 0;
  for (let s = 0; s < 2000; s++) {
    const i = Math.floor(rng.next() * N_10K);
    const j = Math.floor(rng.next() * N_10K);
    let sum = 0;
    for (let k = 0; k < N_10K; k++) sum += (gram[i * N_10K + k] + (i === k ? LAMBDA_10K : 0)) * inv![j * N_10K + k];
    residual = Math.max(residual, Math.abs(sum - (i === j ? 1 : 0)));
  }
  console.log(`  RecLab: median ${fmt(inverse_s)} of ${repeats}; max |A·P - I| over 2000 sampled entries ${residual.toExponential(2)}`);
  inv = undefined;

  const gramFile = path.join(dir, 'gram-10k.f32');
  fs.writeFileSync(gramFile, gram);
  const args = ['inverse', gramFile, String(N_10K), String(LAMBDA_10K), String(repeats)];
  const np2 = numpy(args, 'default');
  if (np2) console.log(`  numpy, default threads: median ${fmt(np2.median)} of ${repeats} (${np2.times.map((t) => t.toFixed(1)).join(', ')}); max |A·P - I| on sampled rows ${np2.residual?.toExponential(2)}`);
  const np1 = np2 ? numpy(args, '1') : undefined;
  if (np1) console.log(`  numpy, OPENBLAS_NUM_THREADS=1: median ${fmt(np1.median)} of ${repeats} (${np1.times.map((t) => t.toFixed(1)).join(', ')})`);
  fs.rmSync(gramFile);
  return { inverse_s, residual, np2, np1 };
}

export async function main(): Promise<void> {
  const repeats = option('--repeats', 5);
  const repeats10k = option('--repeats-10k', 3);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-bench-linalg-'));
  console.log(`load average at start: ${load()} (${os.cpus().length} cores)`);
  try {
    const e = await benchEase(repeats, dir);
    console.log(`load average: ${load()}`);
    const inv = process.argv.includes('--skip-10k') ? undefined : await benchInverse(repeats10k, dir);
    console.log(`load average at end: ${load()}`);
    const round = (x: number | undefined, d = 3) => (x === undefined ? null : Number(x.toFixed(d)));
    console.log(
      JSON.stringify({
        ease_ml100k_s: round(e.ease_s),
        numpy_ml100k_s: round(e.np2?.median),
        inverse_10k_s: round(inv?.inverse_s, 2),
        numpy_inverse_10k_s: round(inv?.np2?.median, 2),
        numpy_ml100k_1thread_s: round(e.np1?.median),
        numpy_inverse_10k_1thread_s: round(inv?.np1?.median, 2),
        ease_ml100k_float64_s: round(e.ease64_s),
        ease_ndcg10_float32: round(e.ndcg32, 6),
        ease_ndcg10_float64: round(e.ndcg64, 6),
        ease_lambda_grid3_s: round(e.grid_s),
        max_abs_b_diff_vs_numpy: e.maxDiff === undefined ? null : Number(e.maxDiff.toExponential(2)),
        load_average: os.loadavg().map((x) => Number(x.toFixed(2))),
      }),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
