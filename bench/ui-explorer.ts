/**
 * The runs explorer in the real page, on a workspace whose store holds 10,000 runs (a
 * spec, 15 params, 3 tags, 8 segments x 18 final metrics each; written through core/runs,
 * not trained), served by `reclab serve` from the built package to Debian's headless
 * Chromium (test/e2e/harness.ts):
 *
 * - list: from the click that opens the explorer to its first rows drawn (the frame in
 *   which they are in the DOM), the first open (its chunk loaded) and the median of
 *   later opens (tab closed and opened again);
 * - filter: from a query typed into the filter box (one input event) to the matching
 *   rows drawn, the median over several queries.
 *
 * Run: npm run bench -- ui-explorer   (npm run build first). On a shared machine: nice -n 10,
 * and read the figures as pessimistic.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { openRunStore } from '../core/runs';
import { haveBuild, haveChromium, launchBrowser, startServe, tempWorkspace, type Served } from '../test/e2e/harness';
import { syntheticRun } from './runs';

const RUNS = Number(process.env.RECLAB_BENCH_RUNS ?? 10_000);
const OPENS = 7;
const QUERIES = [
  'metrics.ndcg@10 > 0.5',
  'params.model.type = "hybrid" and metrics.ndcg@10 > 0.3',
  'tags.owner = "ada" or (status = "FAILED" and params.train.lr >= 0.003)',
  'experiment = "study-7" and not model in ("ease", "mostpop")',
  'metrics[items:cold].ndcg@10 > 0.2 and name like "run-1%"',
  'metrics.recall@10 < 0.1',
  'params.model.dim = 80 and tags.batch = "7"',
  'status = "FINISHED"',
  'name like "run-99%"',
];

// Page-side code goes as strings (this file is type-checked without the DOM's types).

/** Resolves, in the page, with ms from now until `cond` holds in an animation frame. */
const untilDrawn = (cond: string) => `
  new Promise((resolve, reject) => {
    const t0 = performance.now();
    const tick = () => {
      if (${cond}) return resolve(performance.now() - t0);
      if (performance.now() - t0 > 30000) return reject(new Error('not drawn in 30 s: ' + ${JSON.stringify(cond)}));
      requestAnimationFrame(tick);
    };
    START;
    requestAnimationFrame(tick);
  })`;

const ROWS_DRAWN = `document.querySelector('.runs-explorer .runs-row[data-run]') !== null`;

async function openExplorer(page: Page): Promise<number> {
  const click = `document.querySelector('[aria-label="Open Runs Explorer"]').click()`;
  return page.evaluate(untilDrawn(ROWS_DRAWN).replace('START', click)) as Promise<number>;
}

async function closeExplorer(page: Page): Promise<void> {
  await page.locator('.tab[data-path="reclab:runs"] .tab-close').click();
  await page.locator('.runs-explorer').waitFor({ state: 'detached' });
}

async function applyFilter(page: Page, query: string): Promise<number> {
  const type = `(() => {
    const input = document.querySelector('input[aria-label="Filter runs"]');
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(input, ${JSON.stringify(query)});
    input.dispatchEvent(new Event('input', { bubbles: true }));
  })()`;
  const drawn = `(() => {
    const e = document.querySelector('.runs-explorer');
    return e.dataset.query === ${JSON.stringify(query)} && e.dataset.loading === 'false' && (e.dataset.total === '0' || e.querySelector('.runs-row[data-run]') !== null);
  })()`;
  return page.evaluate(untilDrawn(drawn).replace('START', type)) as Promise<number>;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
const round = (x: number) => Math.round(x * 10) / 10;

/** Fills the workspace's store directly (core/runs), as serve will find it. */
function fillStore(ws: string, runs: number): number {
  const t0 = performance.now();
  fs.mkdirSync(path.join(ws, '.reclab'), { recursive: true });
  const store = openRunStore(path.join(ws, '.reclab', 'runs.sqlite'));
  try {
    const start = Date.parse('2026-01-01T00:00:00Z');
    for (let i = 0; i < runs; i += 1000) store.restoreRuns(Array.from({ length: Math.min(1000, runs - i) }, (_, k) => syntheticRun(i + k, start)));
  } finally {
    store.close();
  }
  return performance.now() - t0;
}

/** The explorer's figures: `{list_10k_runs_ms, filter_10k_runs_ms}` (medians), and the first open. */
export async function benchUiExplorer(): Promise<{ list_10k_runs_ms: number; filter_10k_runs_ms: number; list_first_open_ms: number }> {
  if (!haveBuild) throw new Error('The workbench is not built: run `npm run build` first.');
  if (!haveChromium) throw new Error('No Chromium at /usr/bin/chromium (apt-get install chromium), or set RECLAB_CHROMIUM.');
  const ws = tempWorkspace('reclab-bench-explorer-');
  const browser = await launchBrowser();
  let served: Served | undefined;
  try {
    const fillMs = fillStore(ws, RUNS);
    console.log(`filled ${RUNS.toLocaleString('en-US')} runs through core/runs in ${(fillMs / 1000).toFixed(1)} s`);
    served = await startServe(ws);
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(served.url);
    // The shell settled (first notebook open, its chunks loaded) and the Runs side view shown.
    await page.locator('.activity-item[data-view=runs]').waitFor();
    await page.waitForLoadState('networkidle');
    await page.locator('.activity-item[data-view=runs]').click();
    await page.locator('[aria-label="Open Runs Explorer"]').waitFor();
    await page.waitForTimeout(500);
    if (await page.locator('.tab[data-path="reclab:runs"]').count()) await closeExplorer(page);

    const opens: number[] = [];
    for (let i = 0; i < OPENS; i++) {
      opens.push(await openExplorer(page));
      const total = await page.locator('.runs-explorer').getAttribute('data-total');
      if (total !== String(RUNS)) throw new Error(`The explorer lists ${total} runs, not ${RUNS}.`);
      if (i < OPENS - 1) await closeExplorer(page);
    }
    const later = opens.slice(1);
    console.log(`list ${RUNS.toLocaleString('en-US')} runs (click to first rows drawn): first open ${round(opens[0])} ms (chunk loaded), then median ${round(median(later))} ms over ${later.length} opens  [${later.map(round).join(', ')}]`);

    const filters: number[] = [];
    for (const q of QUERIES) {
      const ms = await applyFilter(page, q);
      const total = await page.locator('.runs-explorer').getAttribute('data-total');
      console.log(`  filter ${JSON.stringify(q)}: ${round(ms)} ms, ${total} runs`);
      filters.push(ms);
    }
    console.log(`filter ${RUNS.toLocaleString('en-US')} runs (query typed to matching rows drawn): median ${round(median(filters))} ms over ${filters.length} queries`);
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    await context.close();
    return { list_10k_runs_ms: round(median(later)), filter_10k_runs_ms: round(median(filters)), list_first_open_ms: round(opens[0]) };
  } finally {
    await browser.close();
    await served?.stop();
    fs.rmSync(ws, { recursive: true, force: true });
  }
}

export async function main(): Promise<void> {
  console.log(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(JSON.stringify(await benchUiExplorer()));
}
