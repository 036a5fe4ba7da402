import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { zipSync } from 'fflate';

/**
 * Browser mode's downloads (`GET /api/files/<path>`, wire.ts): files the workspace wrote for
 * the user to take away, and nothing else. A path is served only when, after decoding and
 * resolving every symbolic link, it lies under `<workspace>/exports/` or a run's artifact
 * folder `<workspace>/.reclab/artifacts/<run id>/`; never the run store, notebooks, or
 * anything outside the workspace.
 */

/** Roots a download may come from, relative to the workspace, and how a path under each must look. */
const ROOTS: { root: string; first?: RegExp }[] = [{ root: 'exports' }, { root: '.reclab/artifacts', first: /^[0-9a-f]{16}$/ }];

/** A folder is sent as a zip only up to this size (bundles are a few MB). */
const MAX_ZIP_BYTES = 512 * 1024 * 1024;

export type DownloadTarget = { ok: true; file: string; isDir: boolean; name: string } | { ok: false; status: number; message: string };

function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** Where the workspace-relative, URL-encoded `rawPath` points, or why it is refused. */
export function resolveDownload(workspaceRoot: string, rawPath: string): DownloadTarget {
  let rel: string;
  try {
    rel = decodeURIComponent(rawPath);
  } catch {
    return { ok: false, status: 400, message: 'The path is not valid URL encoding.' };
  }
  const parts = rel.split(/[\\/]+/).filter((p) => p !== '');
  if (rel.includes('\0') || path.isAbsolute(rel) || /^[a-zA-Z]:/.test(rel) || parts.some((p) => p === '..' || p === '.'))
    return { ok: false, status: 400, message: `'${rel}' is not a plain path inside the workspace.` };
  const joined = parts.join('/');
  const allowed = ROOTS.find(({ root, first }) => joined.startsWith(root + '/') && (!first || first.test(joined.slice(root.length + 1).split('/')[0] ?? '')));
  if (!allowed) return { ok: false, status: 403, message: `Only exports (exports/...) and run artifacts (.reclab/artifacts/<run id>/...) can be downloaded, not '${joined}'.` };
  const rootDir = path.join(workspaceRoot, allowed.root);
  const target = path.join(workspaceRoot, ...parts);
  if (!fs.existsSync(target) || !fs.existsSync(rootDir)) return { ok: false, status: 404, message: `${joined} does not exist.` };
  // A symbolic link inside exports/ could point anywhere: compare the real paths.
  const realRoot = fs.realpathSync(rootDir);
  const real = fs.realpathSync(target);
  if (!isInside(realRoot, real)) return { ok: false, status: 403, message: `${joined} leads outside ${allowed.root}/.` };
  const isDir = fs.statSync(real).isDirectory();
  return { ok: true, file: real, isDir, name: path.basename(target) + (isDir ? '.zip' : '') };
}

const TYPES: Record<string, string> = {
  '.csv': 'text/csv; charset=utf-8',
  '.tsv': 'text/tab-separated-values; charset=utf-8',
  '.json': 'application/json',
  '.recnb': 'application/json',
  '.log': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.zip': 'application/zip',
};

/** `attachment` with an ASCII fallback and the exact UTF-8 name (RFC 6266 / 5987). */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** The files of a folder for a zip, symbolic links that leave it skipped. */
function folderEntries(dir: string, realRoot: string, prefix: string, out: Record<string, Uint8Array>, budget: { bytes: number }): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    const real = fs.realpathSync(full);
    if (!isInside(realRoot, real)) continue;
    const stat = fs.statSync(real);
    if (stat.isDirectory()) folderEntries(full, realRoot, `${prefix}${e.name}/`, out, budget);
    else if (stat.isFile()) {
      budget.bytes += stat.size;
      if (budget.bytes > MAX_ZIP_BYTES) throw new Error(`the folder holds over ${MAX_ZIP_BYTES / 1024 / 1024} MB`);
      out[prefix + e.name] = new Uint8Array(fs.readFileSync(real));
    }
  }
}

/** Answers a download request: the file as an attachment, a folder as a zip, or a JSON refusal. */
export function serveDownload(workspaceRoot: string, rawPath: string, req: http.IncomingMessage, res: http.ServerResponse): void {
  const t = resolveDownload(workspaceRoot, rawPath);
  const headers = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
  if (!t.ok) {
    res.writeHead(t.status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify({ ok: false, error: { code: t.status === 404 ? 'NOT_FOUND' : t.status === 403 ? 'FORBIDDEN' : 'BAD_PATH', message: t.message } }));
    return;
  }
  if (t.isDir) {
    const entries: Record<string, Uint8Array> = {};
    try {
      folderEntries(t.file, t.file, '', entries, { bytes: 0 });
    } catch (e) {
      res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify({ ok: false, error: { code: 'TOO_LARGE', message: `Cannot zip ${t.name}: ${(e as Error).message}; take it from the workspace folder instead.` } }));
      return;
    }
    const zip = zipSync(entries, { level: 6 });
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(zip.byteLength), 'content-disposition': contentDisposition(t.name), ...headers });
    res.end(req.method === 'HEAD' ? undefined : Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength));
    return;
  }
  const size = fs.statSync(t.file).size;
  res.writeHead(200, {
    'content-type': TYPES[path.extname(t.file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': String(size),
    'content-disposition': contentDisposition(t.name),
    ...headers,
  });
  if (req.method === 'HEAD') res.end();
  else fs.createReadStream(t.file).pipe(res);
}
