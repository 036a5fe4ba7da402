import fs from 'node:fs';
import path from 'node:path';
import { InputError, sha256 } from '../util';

/** A notebook file of the workspace. */
export interface NotebookEntry {
  /** Path relative to the workspace root, with `/` separators. */
  path: string;
  name: string;
  mtimeMs: number;
  size: number;
}

/** A notebook's text and the version it was read at. */
export interface NotebookFile {
  path: string;
  text: string;
  /** Hash of the text: a save names the version it edited, so a change on disk is never overwritten silently. */
  etag: string;
  mtimeMs: number;
}

const NOTEBOOK_EXT = '.recnb';
/** Folders never searched: state, dependencies, version control. */
const SKIP_DIRS = new Set(['node_modules', '.git', '.reclab', 'dist']);
const MAX_DEPTH = 4;
const MAX_NOTEBOOKS = 2000;

export function etagOf(text: string): string {
  return sha256(text).slice(0, 16);
}

/** Resolves a workspace-relative path, refusing anything that leaves the workspace. */
export function resolveInside(root: string, rel: string): string {
  if (typeof rel !== 'string' || rel === '' || rel.includes('\0')) throw new InputError(`Not a file path: ${JSON.stringify(rel)}.`, 'BAD_PATH');
  const abs = path.resolve(root, rel);
  const inside = path.relative(root, abs);
  if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) throw new InputError(`${rel} is outside the workspace ${root}.`, 'BAD_PATH');
  return abs;
}

function toRel(root: string, abs: string): string {
  return path.relative(root, abs).split(path.sep).join('/');
}

/** The workspace's notebooks, by path. */
export function listNotebookFiles(root: string): NotebookEntry[] {
  const out: NotebookEntry[] = [];
  const walk = (dir: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (out.length >= MAX_NOTEBOOKS) return;
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (depth < MAX_DEPTH && !SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) walk(abs, depth + 1);
      } else if (e.isFile() && e.name.endsWith(NOTEBOOK_EXT)) {
        const st = fs.statSync(abs);
        out.push({ path: toRel(root, abs), name: e.name.slice(0, -NOTEBOOK_EXT.length), mtimeMs: st.mtimeMs, size: st.size });
      }
    }
  };
  walk(root, 0);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function readNotebookFile(root: string, rel: string): NotebookFile {
  const abs = resolveInside(root, rel);
  if (!abs.endsWith(NOTEBOOK_EXT)) throw new InputError(`${rel} is not a notebook (.recnb).`, 'BAD_PATH');
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (e) {
    throw new InputError(`Cannot read ${rel}: ${(e as Error).message}.`, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'NOT_FOUND' : 'READ_FAILED');
  }
  return { path: toRel(root, abs), text, etag: etagOf(text), mtimeMs: fs.statSync(abs).mtimeMs };
}

/**
 * Saves a notebook atomically (a temp file renamed over the old one, so a crash never
 * leaves half a file) after copying the previous version to `backupsDir`. With
 * `baseEtag`, a file changed on disk since that version is refused (`CHANGED_ON_DISK`)
 * instead of overwritten; `create` refuses an existing file.
 */
export function saveNotebookFile(root: string, backupsDir: string, rel: string, text: string, opts: { baseEtag?: string; create?: boolean } = {}): NotebookFile {
  const abs = resolveInside(root, rel);
  if (!abs.endsWith(NOTEBOOK_EXT)) throw new InputError(`${rel} is not a notebook (.recnb).`, 'BAD_PATH');
  const exists = fs.existsSync(abs);
  if (opts.create && exists) throw new InputError(`${rel} exists already; choose another name.`, 'EXISTS');
  if (exists) {
    const current = fs.readFileSync(abs, 'utf8');
    if (opts.baseEtag !== undefined && etagOf(current) !== opts.baseEtag) {
      throw new InputError(`${rel} was changed on disk by another program since it was opened. Reload it (your edits are kept in the editor) or save under another name.`, 'CHANGED_ON_DISK');
    }
    if (current !== text) {
      const backup = path.join(backupsDir, toRel(root, abs) + '.bak');
      fs.mkdirSync(path.dirname(backup), { recursive: true });
      fs.writeFileSync(backup, current);
    }
  } else if (opts.baseEtag !== undefined && !opts.create) {
    throw new InputError(`${rel} was deleted on disk since it was opened. Save again to recreate it.`, 'CHANGED_ON_DISK');
  }
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  const tmp = path.join(path.dirname(abs), `.${path.basename(abs)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, abs);
  return { path: toRel(root, abs), text, etag: etagOf(text), mtimeMs: fs.statSync(abs).mtimeMs };
}
