import fs from 'node:fs';
import path from 'node:path';
import { loadBundle, readManifest, verifyManifest, type BundleManifest } from '../../export';
import { InputError } from '../../util';
import { formatTable } from '../table';
import { Workspace } from '../../workspace';

type Out = (s: string) => void;

/** Folder name of a run's bundle inside its artifact folder. */
export const RUN_BUNDLE_DIR = 'bundle';

function bundleSummary(dir: string, m: BundleManifest): string[] {
  const bytes = m.files.reduce((s, f) => s + f.bytes, 0);
  return [
    `bundle      ${dir}`,
    `model       ${m.modelType}   trained on ${m.backend}   RecLab ${m.reclabVersion}   tfjs ${m.tfjsVersion}`,
    `created     ${m.created}${m.runId ? `   run ${m.runId}` : ''}`,
    `files       ${m.files.length} (${(bytes / 1024).toFixed(1)} KiB), checksums verified`,
  ];
}

/**
 * `reclab export RUN [--out DIR]`: finds the bundle a run wrote into its artifacts,
 * verifies every file's checksum, and copies it to `--out` (verified again there).
 * `--recommend USER` loads the bundle and prints that user's top `-k` items, as a
 * check that it scores.
 */
export async function exportRunCommand(
  id: string,
  opts: { workspace?: string; out?: string; recommend?: string; k?: string; json?: boolean },
  out: Out,
): Promise<void> {
  const ws = Workspace.open(opts.workspace);
  const store = ws.store;
  let source: string;
  let runId: string;
  try {
    const run = store.getRun(id);
    if (!run) throw new InputError(`No run '${id}' in this workspace; \`reclab runs\` lists them.`, 'UNKNOWN_RUN');
    runId = run.id;
    source = run.artifacts.find((a) => a.kind === 'bundle')?.path ?? path.join(ws.layout.artifactsRoot, run.id, RUN_BUNDLE_DIR);
    if (!fs.existsSync(path.join(source, 'manifest.json'))) {
      const why =
        run.status !== 'FINISHED'
          ? `it ended ${run.status}`
          : 'only neural models are bundled (baselines export topk.csv), or the run was made before bundles were written; run its spec again';
      throw new InputError(`Run ${run.id.slice(0, 8)} has no model bundle: ${why}.`, 'NO_BUNDLE');
    }
  } finally {
    store.close();
  }
  const manifest = readManifest(source);
  verifyManifest(source, manifest);
  let target = source;
  if (opts.out) {
    target = path.resolve(opts.out);
    if (fs.existsSync(target) && fs.readdirSync(target).length > 0) throw new InputError(`${target} exists and is not empty; choose a new folder for the bundle.`, 'USAGE');
    fs.cpSync(source, target, { recursive: true });
    verifyManifest(target, manifest);
  }
  const recs = opts.recommend ? await recommendFromBundle(target, opts.recommend, opts.k) : undefined;
  if (opts.json) {
    out(JSON.stringify({ run_id: runId, bundle: target, manifest, ...(recs ? { recommendations: recs } : {}) }));
    return;
  }
  for (const line of bundleSummary(target, manifest)) out(line);
  if (recs) printRecommendations(opts.recommend!, recs, out);
}

/** `reclab recommend BUNDLE USER [-k N]`: top items of a known user from a bundle folder. */
export async function recommendCommand(dir: string, user: string, opts: { k?: string; json?: boolean }, out: Out): Promise<void> {
  const recs = await recommendFromBundle(path.resolve(dir), user, opts.k);
  if (opts.json) out(JSON.stringify(recs));
  else printRecommendations(user, recs, out);
}

async function recommendFromBundle(dir: string, user: string, k?: string): Promise<{ item: string; score: number; title?: string }[]> {
  const n = k === undefined ? 10 : Number(k);
  if (!(Number.isInteger(n) && n > 0)) throw new InputError(`-k must be a positive integer, got '${k}'.`, 'USAGE');
  const bundle = await loadBundle(dir);
  try {
    const recs = await bundle.recommend(user, n);
    return recs.map((r) => {
      const title = bundle.itemAttributes(r.item)?.title;
      return typeof title === 'string' ? { ...r, title } : r;
    });
  } finally {
    bundle.dispose();
  }
}

function printRecommendations(user: string, recs: { item: string; score: number; title?: string }[], out: Out): void {
  out(`\ntop ${recs.length} for user ${user}`);
  out(formatTable(['rank', 'item', 'score', 'title'], recs.map((r, k) => [k + 1, r.item, r.score, r.title ?? ''])));
}
