import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRunRecord, runExperiment } from '../core/experiment';
import { exportRun, RunInspector } from '../core/export';
import { openRunStore } from '../core/runs';
import { parseSpec } from '../core/spec';
import { requireMl100k } from './ml100k';

/**
 * What the inspector, gate and embedding views and export cost on ML-100K (943 users, 1682
 * items): a gated hybrid trained briefly (2 epochs; quality is not the point), then each
 * call as the host makes it, cold (first call: artifacts read, bundle loaded) and warm.
 */
export async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-bench-inspect-'));
  const store = openRunStore(path.join(dir, 'runs.sqlite'));
  try {
    const spec = parseSpec({
      name: 'hybrid-ml100k',
      seed: 42,
      data: { source: 'movielens-100k', path: requireMl100k() },
      split: { kind: 'random', ratios: [0.8, 0.1, 0.1] },
      features: { item: [{ type: 'multi-hot', column: 'genres' }, { type: 'numeric', column: 'year', scale: 'standard' }], user: [{ type: 'categorical', column: 'occupation' }, { type: 'numeric', column: 'age', scale: 'standard' }] },
      model: { type: 'hybrid', fusion: 'gate', dim: 32 },
      train: { epochs: 2, batchSize: 1024, loss: 'bpr', negatives: 1, evalEvery: 0 },
      evaluate: { ks: [10] },
    });
    const t0 = performance.now();
    const run = await runExperiment(spec, { store, runId: createRunRecord(store, spec), baseDir: dir, artifactsRoot: path.join(dir, 'artifacts') });
    console.log(`trained and evaluated in ${((performance.now() - t0) / 1000).toFixed(1)} s (not part of the figures)`);
    const inspector = new RunInspector(path.join(dir, 'artifacts'));
    const time = async <T>(label: string, f: () => T | Promise<T>): Promise<number> => {
      const s = performance.now();
      await f();
      const ms = performance.now() - s;
      console.log(`${label.padEnd(44)} ${ms.toFixed(1)} ms`);
      return ms;
    };
    const user = '196';
    const out = {
      inspect_summary_cold_ms: await time('inspect.run (cold: artifacts read)', () => inspector.summary(run.runId)),
      inspect_users_ms: await time('inspect.users (query "1", 50 per page)', () => inspector.searchUsers(run.runId, '1', 0, 50)),
      inspect_user_cold_ms: await time('inspect.user (cold: bundle loaded), k=10', () => inspector.user(run.runId, user, 10, 200)),
      inspect_user_warm_ms: await time('inspect.user (warm), k=10', () => inspector.user(run.runId, '1', 10, 200)),
      inspect_gate_200_users_ms: await time('inspect.gate (mean over 200 users)', () => inspector.gate(run.runId, 200, 0)),
      inspect_pca_ms: await time('inspect.embeddings pca', () => inspector.embeddings(run.runId, 'pca')),
      inspect_umap_ms: await time('inspect.embeddings umap', () => inspector.embeddings(run.runId, 'umap', { seed: 1 })),
      export_ms: await time('export.run (bundle, every user top-10, metrics, embeddings)', () =>
        exportRun({ runId: run.runId, artifactDir: run.artifactDir, outDir: path.join(dir, 'exports', 'x'), metrics: store.getRun(run.runId)!.finalMetrics }),
      ),
    };
    inspector.dispose();
    console.log(JSON.stringify(Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Math.round(v)]))));
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
