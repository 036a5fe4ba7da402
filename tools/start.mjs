// `npm start`: the desktop app where Electron's binary is installed; elsewhere (a headless
// box, an install that could not download the binary) one line saying so, then browser
// mode on the same workspace, printing its URL.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(import.meta.url);
const workspace = process.env.RECLAB_WORKSPACE ?? path.join(os.homedir(), 'RecLab');

/** The Electron binary's path, or why there is none. */
function electronBinary() {
  let bin;
  try {
    bin = require('electron');
  } catch (e) {
    if (e.code === 'MODULE_NOT_FOUND') return { why: 'the optional electron package is not installed (its binary download failed during npm ci)' };
    // Electron's own words are "failed to install correctly": its binary was never downloaded.
    return { why: "Electron's binary is not installed (no network access to it during npm ci, or ELECTRON_SKIP_BINARY_DOWNLOAD)" };
  }
  if (typeof bin !== 'string' || !fs.existsSync(bin)) return { why: "Electron's binary was not downloaded (no network access to it, or ELECTRON_SKIP_BINARY_DOWNLOAD)" };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return { why: 'there is no display (DISPLAY/WAYLAND_DISPLAY unset)' };
  return { bin };
}

if (!fs.existsSync(path.join(root, 'dist', 'app', 'main', 'main.js'))) {
  console.error('RecLab is not built yet: run `npm run build` (npm ci does it too).');
  process.exit(1);
}
const { bin, why } = electronBinary();
const child = bin
  ? spawn(bin, [root, workspace], { stdio: 'inherit' })
  : (console.log(`No desktop window: ${why}; starting browser mode on ${workspace} instead (open the URL below).`),
    spawn(process.execPath, [path.join(root, 'bin', 'reclab.js'), '--workspace', workspace, 'serve', ...process.argv.slice(2)], { stdio: 'inherit' }));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
