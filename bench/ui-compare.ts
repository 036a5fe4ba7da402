/// <reference lib="dom" />
/**
 * The compare view on many long runs: a workspace store filled directly through core/runs
 * with 100 finished runs, each with `train/loss` and `valid/ndcg@10` of 10,000 points
 * (test/e2e/compare-fixtures.ts), served by the built `reclab serve`, in Debian's headless
 * Chromium (test/e2e/harness.ts).
 *
 * compare_100x10k_ms: from selecting the 100 runs (the page's `#open=reclab:compare/...`
 * link, what the explorer and the palette open) to both curves of all 100 runs drawn on
 * screen (the view's `reclab:compare-drawn` mark, the frame after Plotly drew the last
 * curve): reading the runs, the series downsampled by the store (min/max per bucket), and
 * the drawing. The view's chunk and Plotly are loaded first by a compare of two runs, as
 * they are after a user's first compare. Median of several opens.
 *
 * Run: npm run bench -- ui-compare   (npm run build first). On a shared machine: nice -n 10,
 * and read the figures as pessimistic.
 */
import fs from 'node:fs';
import os from 'node:os';
import type { Page } from 'playwright-core';
import { fillWorkspaceStore, syntheticTrainedRun } from '../test/e2e/compare-fixtures';
import { haveBuild, haveChromium, launchBrowser, openWorkbench, startServe, tempWorkspace, type Served } from '../test/e2e/harness';

const RUNS = 100;
const OPENS = 5;
const MARK = 'reclab:compare-drawn';

const round = (x: number) => Math.round(x * 10) / 10;

function* runs() {
  for (let i = 0; i < RUNS; i++) yield syntheticTrainedRun(i);
}

/** Opens a compare of `ids` in a new tab and gives the ms until its curves are drawn, with the mark's detail. */
async function openCompare(page: Page, ids: string[]): Promise<{ ms: number; detail: { runs: number; keys: number; points: number } }> {
  const resource = `reclab:compare/${ids.join(',')}`;
  return page.evaluate(
    ({ resource, mark }) =>
      new Promise((resolve, reject) => {
        performance.clearMarks(mark);
        const timer = setTimeout(() => reject(new Error(`The compare view drew no curves in 120 s (${mark})`)), 120_000);
        new PerformanceObserver((list, observer) => {
          const m = list.getEntriesByName(mark)[0] as PerformanceMark | undefined;
          if (!m) return;
          observer.disconnect();
          clearTimeout(timer);
          resolve({ ms: m.startTime - t0, detail: m.detail });
        }).observe({ type: 'mark' });
        const t0 = performance.now();
        location.hash = `#open=${encodeURIComponent(resource)}`;
      }),
    { resource, mark: MARK },
  ) as Promise<{ ms: number; detail: { runs: number; keys: number; points: number } }>;
}

export async function benchUiCompare(): Promise<{ compare_100x10k_ms: number }> {
  if (!haveBuild) throw new Error('The workbench is not built: run `npm run build` first.');
  if (!haveChromium) throw new Error('No Chromium at /usr/bin/chromium (apt-get install chromium), or set RECLAB_CHROMIUM.');
  console.log(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const ws = tempWorkspace('reclab-bench-ui-compare-');
  const fill0 = performance.now();
  fillWorkspaceStore(ws, runs());
  const ids = Array.from({ length: RUNS }, (_, i) => syntheticTrainedRun(i, { steps: 1 }).id);
  console.log(`filled ${RUNS} runs x 2 series x 10,000 points in ${((performance.now() - fill0) / 1000).toFixed(1)} s`);
  const browser = await launchBrowser();
  let served: Served | undefined;
  try {
    served = await startServe(ws);
    const { context, page } = await openWorkbench(browser, served, 'light');
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.locator('.activity-bar, [role=tablist]').first().waitFor({ timeout: 60_000 });
    // The first compare loads the view's chunk and Plotly.
    await openCompare(page, ids.slice(0, 2));
    const times: number[] = [];
    let detail = { runs: 0, keys: 0, points: 0 };
    for (let i = 0; i < OPENS; i++) {
      // Each open is a new tab: the same runs in another order are another resource.
      const order = [...ids.slice(i), ...ids.slice(0, i)];
      const r = await openCompare(page, order);
      times.push(r.ms);
      detail = r.detail;
      // Close it again, as a user comparing one set after another would.
      await page.keyboard.press('Control+Shift+P');
      await page.keyboard.type('View: Close Editor');
      const row = page.locator('.quick-input-row.active .quick-input-label');
      if ((await row.textContent()) !== 'View: Close Editor') throw new Error(`The palette offered ${await row.textContent()} for View: Close Editor`);
      await page.keyboard.press('Enter');
    }
    if (detail.runs !== RUNS || detail.keys !== 2) throw new Error(`The compare drew ${detail.runs} runs and ${detail.keys} keys; expected ${RUNS} and 2.`);
    if (errors.length) throw new Error(`Page errors: ${errors.join('; ')}`);
    const sorted = [...times].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    console.log(`compare ${RUNS} runs x 10,000 steps x 2 keys (${detail.points} points drawn after the store's downsampling), ${OPENS} opens: median ${round(median)} ms  [${times.map(round).join(', ')}]`);
    await context.close();
    return { compare_100x10k_ms: round(median) };
  } finally {
    await browser.close();
    await served?.stop();
    fs.rmSync(ws, { recursive: true, force: true });
  }
}

export async function main(): Promise<void> {
  console.log(JSON.stringify(await benchUiCompare()));
}
