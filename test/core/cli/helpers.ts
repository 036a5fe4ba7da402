import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const root = path.resolve(__dirname, '..', '..', '..');
export const bin = path.join(root, 'bin', 'reclab.js');
/** The CLI is tested as users run it: the compiled `reclab` (npm test builds first). */
export const built = fs.existsSync(path.join(root, 'dist', 'core', 'cli', 'index.js'));

/**
 * Runs the built `reclab` in workspace `ws`. Asynchronous: a test that waited in
 * spawnSync for minutes would keep vitest's worker from answering its runner.
 */
export function reclab(ws: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, '--workspace', ws, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs the built `reclab` with its stdout closed before it writes anything, as `reclab ... | head` ends up. */
export function reclabIntoClosedPipe(ws: string, ...args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, '--workspace', ws, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

export function writeJsonFile(dir: string, name: string, value: unknown): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, JSON.stringify(value));
  return f;
}
