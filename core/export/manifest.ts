import fs from 'node:fs';
import path from 'node:path';
import { InputError, sha256 } from '../util';

/** Format tag and version of a RecLab bundle; loaders refuse other versions with a message. */
export const BUNDLE_FORMAT = 'reclab-bundle';
export const BUNDLE_FORMAT_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';

/** One file of a bundle, relative to its folder (forward slashes). */
export interface ManifestFile {
  path: string;
  bytes: number;
  sha256: string;
}

/** `manifest.json`: what the bundle is, what made it, and a checksum per file. */
export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  formatVersion: number;
  reclabVersion: string;
  tfjsVersion: string;
  /** Backend the model was trained (and exported) on; loading may use another. */
  backend: string;
  /** ISO time the bundle was written. */
  created: string;
  modelType: string;
  /** SHA-256 of the experiment spec (stable JSON), to match a bundle with its run. */
  specHash: string;
  runId?: string;
  files: ManifestFile[];
}

/** SHA-256 and size of a file. */
export function fileDigest(file: string): { bytes: number; sha256: string } {
  const data = fs.readFileSync(file);
  return { bytes: data.byteLength, sha256: sha256(data) };
}

/** Manifest entries of `files` (relative paths under `dir`), in the given order. */
export function describeFiles(dir: string, files: string[]): ManifestFile[] {
  return files.map((rel) => ({ path: rel, ...fileDigest(path.join(dir, rel)) }));
}

/** Reads and checks `dir/manifest.json` (format and version). */
export function readManifest(dir: string): BundleManifest {
  const file = path.join(dir, MANIFEST_FILE);
  if (!fs.existsSync(file)) throw new InputError(`${file}: not found; is '${dir}' a RecLab bundle folder?`, 'BUNDLE');
  let m: BundleManifest;
  try {
    m = JSON.parse(fs.readFileSync(file, 'utf8')) as BundleManifest;
  } catch (e) {
    throw new InputError(`${file}: not valid JSON (${(e as Error).message}).`, 'BUNDLE');
  }
  if (m?.format !== BUNDLE_FORMAT) throw new InputError(`${file}: format is '${String(m?.format)}', expected '${BUNDLE_FORMAT}'.`, 'BUNDLE');
  if (m.formatVersion !== BUNDLE_FORMAT_VERSION) {
    throw new InputError(`${file}: bundle format version ${String(m.formatVersion)} is not supported by this RecLab (reads version ${BUNDLE_FORMAT_VERSION}); export the model again with this version.`, 'BUNDLE');
  }
  if (!Array.isArray(m.files)) throw new InputError(`${file}: has no files list.`, 'BUNDLE');
  return m;
}

/**
 * Checks every file of the manifest exists with its recorded size and SHA-256. The
 * error names the first file that differs, so a damaged or edited bundle is caught
 * before any of it is used.
 */
export function verifyManifest(dir: string, m: BundleManifest): void {
  for (const f of m.files) {
    const file = path.resolve(dir, f.path);
    if (path.relative(path.resolve(dir), file).startsWith('..')) throw new InputError(`${path.join(dir, MANIFEST_FILE)}: file '${f.path}' is outside the bundle.`, 'BUNDLE');
    if (!fs.existsSync(file)) throw new InputError(`${file}: missing from the bundle (listed in ${MANIFEST_FILE}).`, 'BUNDLE');
    const d = fileDigest(file);
    if (d.bytes !== f.bytes || d.sha256 !== f.sha256) {
      throw new InputError(
        `${file}: checksum mismatch (expected ${f.bytes} bytes with sha256 ${f.sha256.slice(0, 12)}..., found ${d.bytes} bytes with ${d.sha256.slice(0, 12)}...); the file was changed or damaged after export.`,
        'BUNDLE_CHECKSUM',
      );
    }
  }
}
