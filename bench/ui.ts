/// <reference lib="dom" />
/**
 * The workbench in browser mode, as users start it: `reclab serve` from the built package,
 * Debian's headless Chromium through playwright-core (test/e2e/harness.ts).
 *
 * - first paint: first-contentful-paint of the workbench page (PerformanceObserver
 *   'paint'), the median over several loads, each in a fresh browser context (no cache);
 * - serve ready: from spawning `reclab serve` to a usable page (the URL printed, the page
 *   loaded and the first notebook's cells shown), median over several starts;
 * - event to chart: while a small NeuMF notebook on the embedded sample trains, the delay
 *   from a worker progress event being sent (its `emittedAt`) to its points being on the
 *   train cell's loss chart (the `reclab:event-to-chart` marks the chart records), median
 *   and p95.
 *
 * Run: npm run bench -- ui   (npm run build first). On a shared machine: nice -n 10, and
 * read the figures as pessimistic.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { haveBuild, haveChromium, launchBrowser, startServe, tempWorkspace, type Served } from '../test/e2e/harness';

const PAINT_LOADS = 7;
const SERVE_STARTS = 3;
const NOTEBOOK = 'bench/neumf-ui.recnb';

/** A small NeuMF on the embedded sample, its loss logged every step so the chart gets many events. */
const NEUMF_NOTEBOOK = {
  format: 1,
  metadata: { name: 'neumf-ui-bench', experiment: 'bench-ui', seed: 42 },
  cells: [
    { id: 'c1', kind: 'markdown', source: '# NeuMF (bench ui)\n\nA small NeuMF whose loss is logged every step: the event-to-chart latency.' },
    { id: 'c2', kind: 'data', source: JSON.stringify({ source: 'sample' }, null, 2) },
    { id: 'c3', kind: 'split', source: JSON.stringify({ kind: 'random', ratios: [0.8, 0.1, 0.1] }, null, 2) },
    { id: 'c4', kind: 'model', source: JSON.stringify({ type: 'neumf', gmfDim: 16, mlpDim: 16, layers: [32, 16] }, null, 2) },
    { id: 'c5', kind: 'train', source: JSON.stringify({ epochs: 3, batchSize: 512, logEvery: 1, patience: 3 }, null, 2) },
    { id: 'c6', kind: 'evaluate', source: JSON.stringify({ ks: [10], metric: 'ndcg@10', segments: false }, null, 2) },
  ],
};

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

const round = (x: number) => Math.round(x * 10) / 10;

async function firstPaint(browser: Browser, served: Served): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(served.url);
    return await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          new PerformanceObserver((list) => {
            const fcp = list.getEntries().find((e) => e.name === 'first-contentful-paint');
            if (fcp) resolve(fcp.startTime);
          }).observe({ type: 'paint', buffered: true });
        }),
    );
  } finally {
    await context.close();
  }
}

/** Spawn to usable: serve prints its URL, the page loads and shows the first notebook's cells. */
async function serveReady(browser: Browser): Promise<{ ms: number; urlMs: number }> {
  const ws = tempWorkspace('reclab-bench-ui-');
  const t0 = performance.now();
  const served = await startServe(ws);
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(served.url);
    await page.locator('.cell').first().waitFor({ timeout: 120_000 });
    return { ms: performance.now() - t0, urlMs: served.readyMs };
  } finally {
    await context.close();
    await served.stop();
    fs.rmSync(ws, { recursive: true, force: true });
  }
}

async function eventToChart(browser: Browser, served: Served): Promise<{ latencies: number[]; transport: number[]; seconds: number }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(`${served.url}#open=${encodeURIComponent(NOTEBOOK)}`);
    await page.locator('.editor-slot.active .cell[data-cell-id="c5"]').waitFor({ timeout: 120_000 });
    // As a user would: the notebook opened and settled (its chunks loaded) before Run All.
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(1000);
    // The train cell in view, as a user watching it would have it.
    await page.locator('.editor-slot.active .cell[data-cell-id="c5"]').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    const t0 = performance.now();
    await page.locator('.editor-slot.active').getByRole('button', { name: 'Run All' }).click();
    await page.locator('.editor-slot.active .notebook-run-label', { hasText: /FINISHED|FAILED|KILLED/ }).waitFor({ timeout: 1_800_000 });
    const label = await page.locator('.editor-slot.active .notebook-run-label').textContent();
    if (!label?.includes('FINISHED')) throw new Error(`The NeuMF run did not finish: ${label}`);
    const marks = await page.evaluate(() => performance.getEntriesByName('reclab:event-to-chart').map((e) => (e as PerformanceMark).detail as { latencyMs: number; transportMs?: number }));
    return { latencies: marks.map((m) => m.latencyMs), transport: marks.flatMap((m) => (m.transportMs === undefined ? [] : [m.transportMs])), seconds: (performance.now() - t0) / 1000 };
  } finally {
    await context.close();
  }
}

/**
 * Part 1's figures (first paint, serve to usable page, event to chart), then the runs
 * explorer's, the compare view's and the inspectors' (bench/ui-*.ts, each also runnable
 * alone), ending with one JSON line holding them all.
 */
export async function main(): Promise<void> {
  const part1 = await benchUiNotebook();
  const explorer = await (await import('./ui-explorer')).benchUiExplorer();
  const compare = await (await import('./ui-compare')).benchUiCompare();
  const inspect = await (await import('./ui-inspect')).benchUiInspect();
  console.log(JSON.stringify({ ...part1, ...explorer, ...compare, ...inspect }));
}

async function benchUiNotebook(): Promise<Record<string, number>> {
  if (!haveBuild) throw new Error('The workbench is not built: run `npm run build` first.');
  if (!haveChromium) throw new Error('No Chromium at /usr/bin/chromium (apt-get install chromium), or set RECLAB_CHROMIUM.');
  console.log(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const browser = await launchBrowser();
  const ws = tempWorkspace('reclab-bench-ui-');
  let served: Served | undefined;
  try {
    served = await startServe(ws);
    fs.mkdirSync(path.join(ws, 'bench'), { recursive: true });
    fs.writeFileSync(path.join(ws, NOTEBOOK), JSON.stringify(NEUMF_NOTEBOOK, null, 2) + '\n');

    const paints: number[] = [];
    for (let i = 0; i < PAINT_LOADS; i++) paints.push(await firstPaint(browser, served));
    console.log(`first paint (first-contentful-paint, ${PAINT_LOADS} loads): median ${round(quantile(paints, 0.5))} ms  [${paints.map(round).join(', ')}]`);

    const starts: { ms: number; urlMs: number }[] = [];
    for (let i = 0; i < SERVE_STARTS; i++) starts.push(await serveReady(browser));
    console.log(
      `serve ready (spawn to the first notebook's cells, ${SERVE_STARTS} starts): median ${round(quantile(starts.map((s) => s.ms), 0.5))} ms; URL printed after ${round(quantile(starts.map((s) => s.urlMs), 0.5))} ms`,
    );

    const { latencies, transport, seconds } = await eventToChart(browser, served);
    if (latencies.length === 0) throw new Error('The chart recorded no reclab:event-to-chart mark.');
    console.log(`event to chart (NeuMF on the sample, ${latencies.length} progress events in ${seconds.toFixed(1)} s): median ${round(quantile(latencies, 0.5))} ms, p95 ${round(quantile(latencies, 0.95))} ms, max ${round(Math.max(...latencies))} ms; of which host to page: median ${round(quantile(transport, 0.5))} ms, p95 ${round(quantile(transport, 0.95))} ms`);
    return {
      first_paint_ms: round(quantile(paints, 0.5)),
      serve_ready_ms: round(quantile(starts.map((s) => s.ms), 0.5)),
      event_to_chart_ms_p50: round(quantile(latencies, 0.5)),
      event_to_chart_ms_p95: round(quantile(latencies, 0.95)),
    };
  } finally {
    await browser.close();
    await served?.stop();
    fs.rmSync(ws, { recursive: true, force: true });
  }
}
