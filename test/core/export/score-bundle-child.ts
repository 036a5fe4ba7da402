/*
 * Child process of bundle.test.ts: loads a bundle in a fresh `node` (no vitest, no
 * trained model in memory) and prints scores as JSON, to show a bundle works from
 * plain Node. Usage: node --import tsx score-bundle-child.ts <bundleDir> <user>...
 * (RECLAB_TEST_BACKEND=cpu picks the backend).
 */
import '../../../core/models/neural/hybrid';
import { loadBundle } from '../../../core/export';
import type { BackendName } from '../../../core/train';

async function main(): Promise<void> {
  const [dir, ...users] = process.argv.slice(2);
  const bundle = await loadBundle(dir, { backend: (process.env.RECLAB_TEST_BACKEND || undefined) as BackendName | undefined });
  const scores: Record<string, number[]> = {};
  for (const u of users) scores[u] = await bundle.score(u, [...bundle.items]);
  const top = await bundle.recommend(users[0], 3);
  process.stdout.write(JSON.stringify({ backend: bundle.backend, scores, top }) + '\n');
  bundle.dispose();
}

main().catch((e: Error) => {
  process.stderr.write(`${e.name}: ${e.message}\n`);
  process.exit(1);
});
