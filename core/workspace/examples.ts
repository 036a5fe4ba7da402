import fs from 'node:fs';
import path from 'node:path';

/** The folder of RecLab's example notebooks: `experiments/` of the package (from the sources or from dist). */
export function examplesDir(): string | undefined {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if ((JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'reclab') {
          const ex = path.join(dir, 'experiments');
          return fs.existsSync(ex) ? ex : undefined;
        }
      } catch {
        // not ours: keep looking up
      }
    }
    dir = path.dirname(dir);
  }
  return undefined;
}

/** Whether a notebook reads only the embedded dataset, so it runs anywhere with no setup. */
function usesEmbeddedData(text: string): boolean {
  try {
    const nb = JSON.parse(text) as { cells?: { kind?: string; source?: string }[] };
    const data = (nb.cells ?? []).filter((c) => c.kind === 'data').pop();
    return !!data?.source && (JSON.parse(data.source) as { source?: string }).source === 'sample';
  } catch {
    return false;
  }
}

/**
 * A first launch: a workspace folder that RecLab has never used (no `.reclab/`) and that
 * holds no notebook gets the example notebooks that run on the embedded dataset, under
 * `examples/`. Returns the paths written (workspace-relative).
 */
export function seedExampleNotebooks(root: string): string[] {
  if (fs.existsSync(path.join(root, '.reclab'))) return [];
  const hasNotebook = (dir: string, depth: number): boolean =>
    fs.existsSync(dir) &&
    fs.readdirSync(dir, { withFileTypes: true }).some((e) => (e.isFile() && e.name.endsWith('.recnb')) || (e.isDirectory() && depth < 2 && !e.name.startsWith('.') && e.name !== 'node_modules' && hasNotebook(path.join(dir, e.name), depth + 1)));
  if (hasNotebook(root, 0)) return [];
  const src = examplesDir();
  if (!src) return [];
  const written: string[] = [];
  for (const name of fs.readdirSync(src).filter((f) => f.endsWith('.recnb')).sort()) {
    const text = fs.readFileSync(path.join(src, name), 'utf8');
    if (!usesEmbeddedData(text)) continue;
    fs.mkdirSync(path.join(root, 'examples'), { recursive: true });
    fs.writeFileSync(path.join(root, 'examples', name), text);
    written.push(`examples/${name}`);
  }
  return written;
}
