import fs from 'node:fs';
import path from 'node:path';
import { openRunStore, type MetricPoint, type RunSnapshot } from '../../core/runs';

/** Where one spiky run's loss jumps, and to what (the rest of the curve stays under 3). */
export const SPIKE_STEP = 6543;
export const SPIKE_VALUE = 25;
export const SERIES_STEPS = 10_000;

/** A seeded generator (mulberry32): the same curves on every run of a test or bench. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A trained run as the store keeps it, made up: `train/loss` and `valid/ndcg@10` of
 * `steps` points each (500 steps an epoch, 100 ms apart), a few params, final metrics
 * overall and for warm and cold items; `spike` puts one loss of SPIKE_VALUE at SPIKE_STEP.
 */
export function syntheticTrainedRun(i: number, opts: { steps?: number; spike?: boolean; fingerprint?: string } = {}): RunSnapshot {
  const steps = opts.steps ?? SERIES_STEPS;
  const rnd = random(1000 + i);
  const t0 = Date.parse('2026-03-01T10:00:00Z') + i * 3_600_000;
  const lr = 0.001 * (1 + (i % 4));
  const series: MetricPoint[] = [];
  for (let s = 0; s < steps; s++) {
    const epoch = Math.floor(s / 500);
    const time = t0 + s * 100;
    const loss = opts.spike && s === SPIKE_STEP ? SPIKE_VALUE : 2 / Math.sqrt(1 + s * lr * 10) + 0.2 * rnd();
    series.push({ key: 'train/loss', value: loss, step: s, epoch, time });
    series.push({ key: 'valid/ndcg@10', value: 0.35 * (1 - Math.exp(-s / (2000 + 300 * i))) + 0.01 * rnd(), step: s, epoch, time });
  }
  const final = (base: number) => Object.fromEntries([5, 10, 20].flatMap((k) => [[`ndcg@${k}`, base + 0.01 * k + 0.02 * rnd()], [`recall@${k}`, base + 0.02 * k + 0.02 * rnd()]]));
  const spec = { name: `synthetic-${i}`, experiment: 'synthetic', seed: 42, data: { source: 'sample' }, split: { kind: 'random', ratios: [0.8, 0.1, 0.1] }, model: { type: 'mf', dim: 32 + 16 * (i % 3) }, train: { epochs: 20, lr }, evaluate: { ks: [5, 10, 20], metric: 'ndcg@10', segments: true, candidates: 'all' } };
  return {
    id: (0xc0de000000000000n + BigInt(i) * 7919n).toString(16),
    experiment: 'synthetic',
    name: opts.spike ? `spiky-${i}` : `synthetic-${i}`,
    status: 'FINISHED',
    startTime: t0,
    endTime: t0 + steps * 100,
    spec,
    seed: 42,
    backend: 'wasm',
    fingerprint: opts.fingerprint ?? 'synthetic-protocol',
    params: { 'model.type': 'mf', 'model.dim': String(spec.model.dim), 'train.lr': String(lr), 'train.epochs': '20', 'split.kind': 'random' },
    tags: {},
    finalMetrics: { overall: final(0.2), 'items:warm': final(0.25), 'items:cold': final(0.05) },
    artifacts: [],
    series,
  };
}

/** Writes runs into a workspace's store (before `reclab serve` opens it), as core/runs restores them. */
export function fillWorkspaceStore(workspace: string, runs: Iterable<RunSnapshot>): void {
  fs.mkdirSync(path.join(workspace, '.reclab'), { recursive: true });
  const store = openRunStore(path.join(workspace, '.reclab', 'runs.sqlite'));
  try {
    // Ten at a time: a generator's runs (20,000 points each) never all sit in memory.
    let batch: RunSnapshot[] = [];
    for (const run of runs) {
      batch.push(run);
      if (batch.length === 10) {
        store.restoreRuns(batch);
        batch = [];
      }
    }
    if (batch.length) store.restoreRuns(batch);
  } finally {
    store.close();
  }
}
