import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { unzipSync } from 'fflate';
import { InputError } from '../util';

/** Official location of MovieLens 100K (GroupLens). */
export const ML100K_URL = 'https://files.grouplens.org/datasets/movielens/ml-100k.zip';
/** MD5 of the official ml-100k.zip, as published next to it by GroupLens. */
export const ML100K_MD5 = '0e33842e24a9c977be4e0107933c0723';

/** Options of {@link downloadMovieLens100k}. */
export interface DownloadOptions {
  url?: string;
  /** Called as bytes arrive; `total` is the Content-Length when the server sends one. */
  onProgress?: (received: number, total?: number) => void;
  /** Replaces the global fetch (tests, proxies). */
  fetchImpl?: typeof fetch;
  /** Expected MD5 (hex) of the zip; defaults to the official one. */
  expectedMd5?: string;
}

/** Network error codes that mean "no way to reach the server", as Node's fetch reports them in `cause`. */
const OFFLINE_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ENETUNREACH', 'EHOSTUNREACH', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET']);

function errorCode(e: unknown): string | undefined {
  for (let x: any = e, depth = 0; x && depth < 4; x = x.cause, depth++) if (typeof x.code === 'string') return x.code;
  return undefined;
}

function offlineError(url: string, destDir: string, cause: string): InputError {
  return new InputError(
    `Could not reach ${url} (${cause}): this machine appears to be offline. Download ml-100k.zip elsewhere and import it instead: set data.path (or RECLAB_ML100K) to the zip or to its unpacked ml-100k folder, or place it at ${path.join(destDir, 'ml-100k.zip')}.`,
    'OFFLINE',
    { url, code: cause },
  );
}

/**
 * Downloads MovieLens 100K into `destDir`, reporting progress, checks the zip's MD5
 * (GroupLens publishes MD5 only) and unpacks it; returns the `ml-100k` folder holding
 * u.data, u.item, u.user. Offline or failing downloads raise an InputError saying how to
 * import the data from a folder or zip instead.
 */
export async function downloadMovieLens100k(destDir: string, opts: DownloadOptions = {}): Promise<string> {
  const url = opts.url ?? ML100K_URL;
  const doFetch = opts.fetchImpl ?? fetch;
  let res: Response;
  try {
    res = await doFetch(url);
  } catch (e) {
    const code = errorCode(e);
    if (code === undefined || OFFLINE_CODES.has(code)) throw offlineError(url, destDir, code ?? (e as Error).message);
    throw new InputError(`Download of ${url} failed (${code}: ${(e as Error).message}); try again, or import ml-100k.zip from a folder or zip.`, 'DOWNLOAD', { url });
  }
  if (!res.ok) throw new InputError(`Download of ${url} failed: HTTP ${res.status} ${res.statusText}. Check the URL, or import ml-100k.zip from a folder or zip.`, 'DOWNLOAD', { url, status: res.status });

  const header = res.headers.get('content-length');
  const total = header !== null && Number.isFinite(Number(header)) ? Number(header) : undefined;
  const chunks: Uint8Array[] = [];
  let received = 0;
  if (res.body) {
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        received += value.byteLength;
        opts.onProgress?.(received, total);
      }
    } catch (e) {
      throw offlineError(url, destDir, errorCode(e) ?? (e as Error).message);
    }
  } else {
    const all = new Uint8Array(await res.arrayBuffer());
    chunks.push(all);
    received = all.byteLength;
    opts.onProgress?.(received, total);
  }
  const zip = Buffer.concat(chunks);

  const expected = (opts.expectedMd5 ?? ML100K_MD5).toLowerCase();
  const md5 = createHash('md5').update(zip).digest('hex');
  if (md5 !== expected)
    throw new InputError(`Downloaded ${url} (${zip.byteLength} bytes) has MD5 ${md5}, expected ${expected}: the file is damaged or not the official ml-100k.zip. Nothing was written; try again.`, 'CHECKSUM', {
      url,
      md5,
      expected,
    });

  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(new Uint8Array(zip.buffer, zip.byteOffset, zip.byteLength));
  } catch (e) {
    throw new InputError(`${url} is not a readable zip (${(e as Error).message}).`, 'DOWNLOAD', { url });
  }
  const out = path.resolve(destDir, 'ml-100k');
  let written = 0;
  for (const [name, bytes] of Object.entries(entries)) {
    // Only plain files of the ml-100k folder; never a path that climbs out of it.
    const m = /^ml-100k\/([^/\\]+)$/.exec(name);
    if (!m || m[1] === '..' || m[1] === '.') continue;
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, m[1]), bytes);
    written++;
  }
  if (written === 0 || !fs.existsSync(path.join(out, 'u.data')))
    throw new InputError(`${url} holds no ml-100k/u.data; it is not the MovieLens 100K zip.`, 'DOWNLOAD', { url });
  return out;
}
