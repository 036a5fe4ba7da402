// Bundles the workbench (app/renderer) for the browser with esbuild: the page, Monaco's
// language workers, styles and fonts, into dist/app/renderer; and Electron's main process
// and preload into dist/app/main and dist/app/preload. `--watch` rebuilds on change.
// esbuild rather than webpack or vite: one fast, dependency-free step that also suits
// Electron's file:// pages, and the project already uses it (tsx, vitest).
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const outdir = path.join(root, 'dist', 'app', 'renderer');
const watch = process.argv.includes('--watch');
const production = !watch;

fs.rmSync(outdir, { recursive: true, force: true });
fs.mkdirSync(outdir, { recursive: true });
fs.copyFileSync(path.join(root, 'app', 'renderer', 'index.html'), path.join(outdir, 'index.html'));

const common = {
  bundle: true,
  minify: production,
  sourcemap: true,
  target: ['chrome120'],
  logLevel: 'warning',
  jsx: 'automatic',
  tsconfig: path.join(root, 'tsconfig.renderer.json'),
  define: { 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
  loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.svg': 'file' },
};

const contexts = [
  await esbuild.context({
    ...common,
    entryPoints: { main: path.join(root, 'app', 'renderer', 'main.tsx') },
    outdir,
    format: 'esm',
    // Heavy parts (Plotly, Monaco) load in their own chunks, after the first paint.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    assetNames: 'assets/[name]-[hash]',
  }),
  await esbuild.context({
    ...common,
    entryPoints: {
      'editor.worker': 'monaco-editor/esm/vs/editor/editor.worker.js',
      'json.worker': 'monaco-editor/esm/vs/language/json/json.worker.js',
    },
    outdir: path.join(outdir, 'workers'),
    format: 'iife',
  }),
  // Electron's main process and the sandboxed preload: one file each, electron left to the runtime.
  await esbuild.context({
    ...common,
    entryPoints: { 'main/main': path.join(root, 'app', 'main', 'electron-main.ts'), 'preload/preload': path.join(root, 'app', 'preload', 'preload.ts') },
    outdir: path.join(root, 'dist', 'app'),
    platform: 'node',
    format: 'cjs',
    external: ['electron'],
    tsconfig: path.join(root, 'tsconfig.electron.json'),
  }),
];

if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
  console.log(`watching app/renderer -> ${path.relative(root, outdir)}`);
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
