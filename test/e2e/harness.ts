import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * End-to-end tests drive the built workbench as users run it: `reclab serve` from the
 * built package on a temporary workspace, in Debian's headless Chromium through
 * playwright-core (never a downloaded browser).
 */
export const ROOT = path.resolve(__dirname, '..', '..');
export const CHROMIUM = process.env.RECLAB_CHROMIUM ?? '/usr/bin/chromium';
/** Screenshots of every view, written by the test run (git-ignored): look at them. */
export const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');
export const haveChromium = fs.existsSync(CHROMIUM);
export const haveBuild = fs.existsSync(path.join(ROOT, 'dist', 'app', 'renderer', 'index.html')) && fs.existsSync(path.join(ROOT, 'dist', 'app', 'server', 'index.js'));

export interface Served {
  url: string;
  origin: string;
  port: number;
  token: string;
  workspace: string;
  /** Milliseconds from spawning `reclab serve` to its URL being printed. */
  readyMs: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** A fresh temporary workspace folder (serve seeds it with the example notebooks). */
export function tempWorkspace(prefix = 'reclab-e2e-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Starts `node bin/reclab.js serve --port 0` (or `port`) on `workspace` and waits for its URL. */
export function startServe(workspace: string, env: NodeJS.ProcessEnv = {}, port = 0): Promise<Served> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'reclab.js'), '--workspace', workspace, 'serve', '--port', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stderr = '';
  // RECLAB_E2E_STDERR=1 shows the server's and its host's stderr while a test runs.
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (process.env.RECLAB_E2E_STDERR) process.stderr.write(d);
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`reclab serve printed no URL in 60 s. stderr: ${stderr}`)), 60_000);
    child.once('exit', (code) => reject(new Error(`reclab serve exited (${code}) before printing its URL. stderr: ${stderr}`)));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('http://'));
      if (!line) return;
      clearTimeout(timer);
      const url = new URL(line.trim());
      resolve({
        url: line.trim(),
        origin: url.origin,
        port: Number(url.port),
        token: url.searchParams.get('token')!,
        workspace,
        readyMs: performance.now() - t0,
        process: child,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGINT');
            setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
          }),
      });
    });
  });
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** A page of the workbench in the given colour scheme, opened at the served URL. */
export async function openWorkbench(browser: Browser, served: Served, colorScheme: 'light' | 'dark' = 'light'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme });
  const page = await context.newPage();
  await page.goto(served.url);
  return { context, page };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Collects a page's uncaught errors and console errors (CSP violations are logged as such) into `problems`. */
export function watchPage(page: Page, problems: string[]): void {
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message} ${e.stack ?? ''}`.trim()));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
}

/**
 * A call the page makes is refused on purpose (a broken file): Chromium logs its HTTP status
 * as a console error. Waits for exactly that one among `problems` and takes it out, so the
 * file's last check ("no console error") still sees any other.
 */
export async function expectRefusedCall(problems: string[], status = 422, timeoutMs = 15_000): Promise<void> {
  const refused = (p: string) => p.includes(`the server responded with a status of ${status}`);
  // Polled by hand: bench scripts import this file outside vitest.
  for (const t0 = Date.now(); !problems.some(refused) && Date.now() - t0 < timeoutMs; ) await new Promise((r) => setTimeout(r, 100));
  const n = problems.filter(refused).length;
  if (n !== 1) throw new Error(`Expected one console error for a refused call (HTTP ${status}), saw ${n}: ${problems.join('; ')}`);
  problems.splice(problems.findIndex(refused), 1);
}

/** An API call with the session token, as a program beside the page would make it. */
export async function callApi<T>(served: Served, name: string, body: unknown): Promise<T> {
  const r = await fetch(`${served.origin}/api/call/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-reclab-token': served.token }, body: JSON.stringify(body) });
  const json = (await r.json()) as { ok: boolean; value: T; error?: { message: string } };
  if (!json.ok) throw new Error(`${name}: ${json.error?.message}`);
  return json.value;
}
