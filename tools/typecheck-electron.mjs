// Type-checks the Electron main process and preload against the electron package's
// typings. Where npm left Electron out (an optional dependency whose binary download
// failed: a machine without access to GitHub), there are no typings: say so and pass;
// esbuild still bundles both files.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
if (!fs.existsSync(path.join(root, 'node_modules', 'electron', 'electron.d.ts'))) {
  console.log('typecheck: Electron is not installed (optional dependency), so app/main/electron-main.ts and app/preload are not type-checked here.');
  process.exit(0);
}
execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.electron.json')], { stdio: 'inherit' });
