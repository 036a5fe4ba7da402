import path from 'node:path';
import { build, type Message } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');
const FORBIDDEN = [/^node:/, /node_modules\/@tensorflow\//, /node_modules\/better-sqlite3\//];

/**
 * Bundles `entries` (core folders) for the browser, as the renderer's bundler would, and
 * returns what would keep them out of a browser: unresolvable imports (node: modules on a
 * browser platform), imports left external, and inputs from tfjs or better-sqlite3.
 */
async function browserProblems(...entries: string[]): Promise<string[]> {
  const format = (m: Message) => `${m.text}${m.location ? ` (${m.location.file}:${m.location.line})` : ''}`;
  try {
    const result = await build({
      entryPoints: entries.map((e) => path.join(root, 'core', e, 'index.ts')),
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      outdir: path.join(root, 'dist-browser-check'),
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs).filter((file) => FORBIDDEN.some((f) => f.test(file)));
    const externals = Object.values(result.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => `external import ${i.path}`));
    return [...result.errors.map(format), ...inputs.map((i) => `bundles ${i}`), ...externals];
  } catch (e) {
    const errors = (e as { errors?: Message[] }).errors;
    if (!errors) throw e;
    return errors.map(format);
  }
}

describe('browser-safe core folders (DESIGN.md: util, spec, notebook)', () => {
  it('bundle for the browser with no node: module, no tfjs and no SQLite', async () => {
    expect(await browserProblems('util', 'spec', 'notebook')).toEqual([]);
  }, 60_000);

  it('the check does catch a Node-side folder (the run store)', async () => {
    const problems = await browserProblems('runs');
    expect(problems.join('\n')).toMatch(/node:|better-sqlite3/);
  }, 60_000);
});
