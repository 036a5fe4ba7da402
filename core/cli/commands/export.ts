import fs from 'node:fs';
import path from 'node:path';
import { loadBundle, readManifest, RUN_BUNDLE_DIR, verifyManifest, type Bundle, type BundleManifest, type NewUser } from '../../export';
import { InputError, isRecLabError } from '../../util';
import { formatTable } from '../table';
import { Workspace } from '../../workspace';

type Out = (s: string) => void;

function bundleSummary(dir: string, m: BundleManifest): string[] {
  const bytes = m.files.reduce((s, f) => s + f.bytes, 0);
  return [
    `bundle      ${dir}`,
    `model       ${m.modelType}   trained on ${m.backend}   RecLab ${m.reclabVersion}   tfjs ${m.tfjsVersion}`,
    `created     ${m.created}${m.runId ? `   run ${m.runId}` : ''}`,
    `files       ${m.files.length} (${(bytes / 1024).toFixed(1)} KiB), checksums verified`,
  ];
}

/** Who to recommend for: a known user's id, or a new user described on the command line. */
export interface UserOptions {
  /** `--history ITEM,ITEM` (repeatable): items a new user interacted with. */
  history?: string[];
  /** `--attr key=value` (repeatable): a new user's attributes. */
  attr?: string[];
}

/**
 * `reclab export RUN [--out DIR]`: finds the bundle a run wrote into its artifacts,
 * verifies every file's checksum, and copies it to `--out` (verified again there).
 * `--recommend [USER]` loads the bundle and prints that user's top `-k` items (or a new
 * user's, from `--history` and `--attr`), as a check that it scores.
 */
export async function exportRunCommand(
  id: string,
  opts: UserOptions & { workspace?: string; out?: string; recommend?: string | boolean; k?: string; json?: boolean },
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
  const wanted = opts.recommend !== undefined && opts.recommend !== false;
  if (!wanted && (opts.history?.length || opts.attr?.length)) throw new InputError('--history and --attr describe who to recommend for: add --recommend.', 'USAGE');
  const user = wanted ? userFrom(typeof opts.recommend === 'string' ? opts.recommend : undefined, opts) : undefined;
  const recs = user !== undefined ? await recommendFromBundle(target, user, opts.k) : undefined;
  if (opts.json) {
    out(JSON.stringify({ run_id: runId, bundle: target, manifest, ...(recs ? { recommendations: recs } : {}) }));
    return;
  }
  for (const line of bundleSummary(target, manifest)) out(line);
  if (recs) printRecommendations(user!, recs, out);
}

/** `reclab recommend BUNDLE [USER] [--history ITEM,ITEM] [--attr key=value] [-k N]`: top items of a known or a new user from a bundle folder. */
export async function recommendCommand(dir: string, userId: string | undefined, opts: UserOptions & { k?: string; json?: boolean }, out: Out): Promise<void> {
  const user = userFrom(userId, opts);
  const recs = await recommendFromBundle(path.resolve(dir), user, opts.k);
  if (opts.json) out(JSON.stringify(recs));
  else printRecommendations(user, recs, out);
}

/** A known user's id, or a new user from `--history` and `--attr`; never both, never neither. */
function userFrom(id: string | undefined, opts: UserOptions): string | NewUser {
  const history = (opts.history ?? []).flatMap((h) => h.split(',')).map((s) => s.trim()).filter((s) => s !== '');
  const pairs = opts.attr ?? [];
  const describesNewUser = history.length > 0 || pairs.length > 0;
  if (id !== undefined && describesNewUser)
    throw new InputError(`Give a known user's id, or describe a new user with --history and --attr, not both (got user '${id}' and ${history.length ? '--history' : '--attr'}).`, 'USAGE');
  if (id !== undefined) return id;
  if (!describesNewUser) throw new InputError('Say who to recommend for: a user id, or a new user as --history ITEM,ITEM and/or --attr key=value.', 'USAGE');
  const attributes: Record<string, string> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new InputError(`--attr takes key=value, got '${p}'.`, 'USAGE');
    attributes[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return { ...(pairs.length ? { attributes } : {}), ...(history.length ? { history } : {}) };
}

/** Attribute names a new user may be given: the user columns the bundle's feature pipeline reads. */
function userAttributeNames(bundle: Bundle): string[] {
  return bundle.state.userFeatureDim > 0 && bundle.pipeline ? Object.keys(bundle.pipeline.toJSON().attributes.user) : [];
}

function checkAttributes(bundle: Bundle, user: NewUser): void {
  const given = Object.keys(user.attributes ?? {});
  if (given.length === 0) return;
  const known = userAttributeNames(bundle);
  if (known.length === 0) throw new InputError(`This ${bundle.manifest.modelType} model reads no user attributes, so --attr cannot change its scores; describe the user with --history.`, 'USAGE');
  const unknown = given.filter((a) => !known.includes(a));
  if (unknown.length) throw new InputError(`This model reads no user attribute ${unknown.map((a) => `'${a}'`).join(', ')}; it reads ${known.join(', ')}.`, 'USAGE');
}

async function recommendFromBundle(dir: string, user: string | NewUser, k?: string): Promise<{ item: string; score: number; title?: string }[]> {
  const n = k === undefined ? 10 : Number(k);
  if (!(Number.isInteger(n) && n > 0)) throw new InputError(`-k must be a positive integer, got '${k}'.`, 'USAGE');
  const bundle = await loadBundle(dir);
  try {
    if (typeof user !== 'string') checkAttributes(bundle, user);
    const recs = await bundle.recommend(user, n).catch((e: unknown) => {
      if (typeof user === 'string' && isRecLabError(e) && e.code === 'UNKNOWN_USER') {
        const attrs = userAttributeNames(bundle);
        throw new InputError(
          `Unknown user '${user}': the bundle knows ${bundle.users.length} users. For a new user, leave the id out and describe them: --history ITEM,ITEM (items they interacted with)${attrs.length ? ` and/or --attr key=value (this model reads ${attrs.join(', ')})` : ''}.`,
          'UNKNOWN_USER',
        );
      }
      throw e;
    });
    return recs.map((r) => {
      const title = bundle.itemAttributes(r.item)?.title;
      return typeof title === 'string' ? { ...r, title } : r;
    });
  } finally {
    bundle.dispose();
  }
}

function printRecommendations(user: string | NewUser, recs: { item: string; score: number; title?: string }[], out: Out): void {
  out(`\ntop ${recs.length} for ${typeof user === 'string' ? `user ${user}` : `a new user (${describeNewUser(user)})`}`);
  out(formatTable(['rank', 'item', 'score', 'title'], recs.map((r, k) => [k + 1, r.item, r.score, r.title ?? ''])));
}

function describeNewUser(user: NewUser): string {
  const parts = [
    ...(user.history?.length ? [`history ${user.history.join(',')}`] : []),
    ...Object.entries(user.attributes ?? {}).map(([k, v]) => `${k}=${String(v)}`),
  ];
  return parts.join(', ');
}
