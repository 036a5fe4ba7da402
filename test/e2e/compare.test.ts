import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillWorkspaceStore, SPIKE_STEP, SPIKE_VALUE, syntheticTrainedRun } from './compare-fixtures';
import { haveBuild, haveChromium, launchBrowser, openWorkbench, screenshot, startServe, tempWorkspace, type Served, callApi, watchPage } from './harness';

// Code run in the page goes as strings: this file is type-checked without the DOM's types.

/** EASE on the embedded sample, λ tuned on validation (its `tune/valid_ndcg@10` series has one point per λ). */
function easeNotebook(name: string, seed: number, lambdas: number[]): string {
  return JSON.stringify({
    format: 1,
    metadata: { name, experiment: 'compare-e2e', seed },
    cells: [
      { id: 'c1', kind: 'data', source: JSON.stringify({ source: 'sample' }) },
      { id: 'c2', kind: 'split', source: JSON.stringify({ kind: 'random', ratios: [0.8, 0.1, 0.1] }) },
      { id: 'c3', kind: 'model', source: JSON.stringify({ type: 'ease', tune: { lambda: lambdas } }) },
      { id: 'c4', kind: 'evaluate', source: JSON.stringify({ ks: [5, 10, 20], metric: 'ndcg@10', segments: true, candidates: 'all' }) },
    ],
  });
}

const open = (served: Served, resource: string) => `${served.url}#open=${encodeURIComponent(resource)}`;

/** What Plotly keeps on a plotted div. */
interface PlotDiv {
  data: { name: string; x: number[]; y: number[] }[];
  _fullLayout: { xaxis: { l2p(x: number): number }; _size: { l: number; t: number; h: number } };
  getBoundingClientRect(): { left: number; top: number };
}

/** The active tab's editor (the restored tabs of earlier pages stay mounted, hidden). */
const activeEditor = (page: Page) => page.locator('.editor-slot.active');

/**
 * The compare view in headless Chromium against the built `reclab serve`: two real runs
 * overlaid with their param diff, the protocol warning for a run on another split, a
 * spike in a 10,000-step series kept by the first view and by a zoom, the palette's
 * Compare Runs, light and dark; no console error (CSP included).
 */
describe.skipIf(!haveBuild || !haveChromium)('compare view (browser mode)', () => {
  let served: Served;
  let ws: string;
  let browser: Browser;
  const problems: string[] = [];
  const spiky = syntheticTrainedRun(1, { spike: true });
  let runA: string;
  let runB: string;
  let runSeed7: string;

  const call = <T,>(name: string, body: unknown) => callApi<T>(served, name, body);

  const finished = async (runId: string) => {
    const deadline = Date.now() + 240_000;
    let run = await call<{ status: string; error?: string }>('runs.get', { runId });
    while (run.status === 'RUNNING' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      run = await call<{ status: string; error?: string }>('runs.get', { runId });
    }
    if (run.status !== 'FINISHED') throw new Error(`run ${runId} ended ${run.status}: ${run.error}`);
  };

  const watch = (p: Page) => watchPage(p, problems);

  beforeAll(async () => {
    ws = tempWorkspace('reclab-e2e-compare-');
    // A 10,000-step run with one spike, written to the store before serve opens it.
    fillWorkspaceStore(ws, [spiky, syntheticTrainedRun(2)]);
    served = await startServe(ws);
    browser = await launchBrowser();
    // One at a time: the machine is shared, and each takes seconds.
    runA = (await call<{ runId: string }>('runs.start', { notebook: easeNotebook('ease-small-lambda', 42, [50, 100, 200]) })).runId;
    await finished(runA);
    runB = (await call<{ runId: string }>('runs.start', { notebook: easeNotebook('ease-large-lambda', 42, [400, 800, 1600]) })).runId;
    await finished(runB);
    runSeed7 = (await call<{ runId: string }>('runs.start', { notebook: easeNotebook('ease-split-seed-7', 7, [50, 100, 200]) })).runId;
    await finished(runSeed7);
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    if (ws) fs.rmSync(ws, { recursive: true, force: true });
  });

  it('draws two runs as two traces with their param diff, and no protocol warning', async () => {
    const { context, page } = await openWorkbench(browser, served, 'light');
    watch(page);
    await page.goto(open(served, `reclab:compare/${runA},${runB}`));
    const curve = activeEditor(page).locator('.chart-panel[aria-label="tune/valid_ndcg@10"]');
    await curve.locator('.js-plotly-plot').waitFor({ timeout: 60_000 });
    // Two runs, two lines (smoothing off: one trace each), each with its three tuning points.
    await expect.poll(() => curve.locator('.scatterlayer .trace').count(), { timeout: 30_000 }).toBe(2);
    const traces = await curve.locator('.js-plotly-plot').evaluate((el) => (el as unknown as PlotDiv).data.map((t) => ({ name: t.name, n: t.x.length })));
    expect(traces).toEqual([
      { name: 'ease-small-lambda', n: 3 },
      { name: 'ease-large-lambda', n: 3 },
    ]);
    expect(await page.locator('.tab.active').textContent()).toContain('Compare 2 runs');
    // The param table shows only what differs, as the store has it: the λ each tuning chose.
    const [a, b] = await Promise.all([runA, runB].map((runId) => call<{ params: Record<string, string> }>('runs.get', { runId })));
    const differing = [...new Set([...Object.keys(a.params), ...Object.keys(b.params)])].filter((k) => a.params[k] !== b.params[k]).sort();
    expect(differing).toContain('model.lambda(tuned)');
    const params = activeEditor(page).locator('.compare-params');
    await expect.poll(() => params.locator('tbody th').allTextContents()).toEqual(differing);
    const lambdaRow = params.locator('tbody tr', { has: page.locator('th', { hasText: 'model.lambda(tuned)' }) });
    expect(await lambdaRow.getAttribute('class')).toBe('differs');
    expect(await lambdaRow.locator('td').allTextContents()).toEqual([a.params['model.lambda(tuned)'], b.params['model.lambda(tuned)']]);
    // Show all lists the params both runs share too.
    await params.getByLabel('Show all').check();
    expect(await params.locator('tbody th').count()).toBe(new Set([...Object.keys(a.params), ...Object.keys(b.params)]).size);
    expect(await params.locator('tbody th').allTextContents()).toContain('model.type');
    await params.getByLabel('Show all').uncheck();
    expect(await activeEditor(page).locator('.compare-warning').count()).toBe(0);
    // Final metrics at each K, overall and per segment (a random split has no cold items: head, mid and tail then): a bar per run at each K.
    const segments = Object.keys((await call<{ finalMetrics: Record<string, unknown> }>('runs.get', { runId: runA })).finalMetrics);
    expect(segments).toEqual(expect.arrayContaining(['overall', 'items:head', 'items:tail']));
    expect(segments).not.toContain('items:cold');
    for (const title of ['ndcg · Overall', 'ndcg · Head items', 'ndcg · Tail items']) {
      const bars = activeEditor(page).locator(`.chart-panel[aria-label="${title}"]`);
      await expect.poll(() => bars.locator('.barlayer .trace').count()).toBe(2);
      expect(await bars.locator('.barlayer .point').count()).toBe(6);
    }
    // Every chart's data downloads as CSV; its picture as PNG and SVG.
    const [csv] = await Promise.all([page.waitForEvent('download'), curve.getByRole('button', { name: 'CSV' }).click()]);
    const csvText = fs.readFileSync((await csv.path())!, 'utf8').trim().split('\n');
    expect(csvText[0]).toBe('run_id,run,key,step,epoch,time,value');
    expect(csvText).toHaveLength(1 + 6);
    expect(csvText.filter((l) => l.startsWith(runA))).toHaveLength(3);
    const [svg] = await Promise.all([page.waitForEvent('download'), curve.getByRole('button', { name: 'SVG' }).click()]);
    expect(svg.suggestedFilename()).toBe('compare-tune_valid_ndcg_10.svg');
    expect(fs.readFileSync((await svg.path())!, 'utf8')).toMatch(/^<svg[\s\S]*ease-small-lambda/);
    const [png] = await Promise.all([page.waitForEvent('download'), curve.getByRole('button', { name: 'PNG' }).click()]);
    expect(fs.readFileSync((await png.path())!).subarray(1, 4).toString()).toBe('PNG');
    await screenshot(page, 'compare-light');
    await context.close();
    expect(problems).toEqual([]);
  }, 180_000);

  it('warns, naming the runs and the seed, when a run was evaluated on another split', async () => {
    const { context, page } = await openWorkbench(browser, served, 'dark');
    watch(page);
    await page.goto(open(served, `reclab:compare/${runA},${runB},${runSeed7}`));
    const warning = activeEditor(page).locator('.compare-warning');
    await warning.waitFor({ timeout: 60_000 });
    const text = (await warning.textContent()) ?? '';
    expect(text).toContain('different protocols');
    expect(text).toMatch(/ease-small-lambda, ease-large-lambda/);
    expect(text).toContain('ease-split-seed-7');
    expect(text).toMatch(/seed\s*42 vs 7/);
    await activeEditor(page).locator('.chart-panel[aria-label="tune/valid_ndcg@10"] .scatterlayer .trace').nth(2).waitFor({ timeout: 30_000 });
    // Parallel coordinates are WebGL in Plotly: drawn under the page's CSP (no eval: plotly's strict bundle) once
    // scrolled near, in this headless Chromium too; the CSV has the data either way.
    const pc = activeEditor(page).locator('.chart-panel[aria-label="Params → metric"]');
    await pc.scrollIntoViewIfNeeded();
    await pc.locator('.js-plotly-plot .parcoords').first().waitFor({ timeout: 30_000 });
    expect(await pc.getByText('needs WebGL').count()).toBe(0);
    expect(await pc.locator('canvas').count()).toBeGreaterThan(0);
    const [pcCsv] = await Promise.all([page.waitForEvent('download'), pc.getByRole('button', { name: 'CSV' }).click()]);
    const pcRows = fs.readFileSync((await pcCsv.path())!, 'utf8').trim().split('\n');
    expect(pcRows[0]).toBe('run_id,run,model.lambda(tuned),ndcg@10');
    expect(pcRows).toHaveLength(4);
    await screenshot(page, 'compare-dark');
    // The lower half: bars, the param table and the parallel coordinates.
    await activeEditor(page).locator('.compare-view').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await screenshot(page, 'compare-dark-bottom');
    await context.close();
    expect(problems).toEqual([]);
  }, 180_000);

  it('shows a spike of a 10,000-step series in the first view and again, point by point, in a zoom', async () => {
    const { context, page } = await openWorkbench(browser, served, 'light');
    watch(page);
    await page.goto(open(served, `reclab:compare/${spiky.id}`));
    const plot = activeEditor(page).locator('.chart-panel[aria-label="train/loss"] .js-plotly-plot');
    await plot.waitFor({ timeout: 60_000 });
    const view = () =>
      plot.evaluate((el) => {
        const t = (el as unknown as PlotDiv).data[0];
        let at = 0;
        t.y.forEach((v, i) => {
          if (v > t.y[at]) at = i;
        });
        return { n: t.x.length, maxY: t.y[at], maxX: t.x[at], x0: t.x[0], x1: t.x[t.x.length - 1] };
      });
    const first = await view();
    // Downsampled (a few thousand points for 10,000 steps), yet the spike is there.
    expect(first.n).toBeLessThan(10_000);
    expect(first).toMatchObject({ maxY: SPIKE_VALUE, maxX: SPIKE_STEP, x0: 0, x1: 9999 });
    // Drag across steps 6,000 to 7,000 as a user zooms; the range is read again from the store.
    const box = await plot.evaluate((el) => {
      const div = el as unknown as PlotDiv;
      const xa = div._fullLayout.xaxis;
      const s = div._fullLayout._size;
      const r = div.getBoundingClientRect();
      return { x0: r.left + s.l + xa.l2p(6000), x1: r.left + s.l + xa.l2p(7000), y: r.top + s.t + s.h / 2 };
    });
    await page.mouse.move(box.x0, box.y);
    await page.mouse.down();
    await page.mouse.move((box.x0 + box.x1) / 2, box.y, { steps: 5 });
    await page.mouse.move(box.x1, box.y, { steps: 5 });
    await page.mouse.up();
    await activeEditor(page).locator('.chart-panel[aria-label="train/loss"]', { hasText: 'zoomed: full resolution' }).waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await view()).x0, { timeout: 30_000 }).toBeGreaterThan(5000);
    const zoomed = await view();
    // Every step of the range, one point each (the range holds fewer than the zoom's budget).
    expect(zoomed.maxY).toBe(SPIKE_VALUE);
    expect(zoomed.maxX).toBe(SPIKE_STEP);
    expect(zoomed.n).toBe(zoomed.x1 - zoomed.x0 + 1);
    expect(zoomed.n).toBeGreaterThan(900);
    await screenshot(page, 'compare-zoom');
    // Double-click autoscales: the whole run again.
    await page.mouse.dblclick((box.x0 + box.x1) / 2, box.y);
    await expect.poll(async () => (await view()).x0, { timeout: 30_000 }).toBe(0);
    await context.close();
    expect(problems).toEqual([]);
  }, 180_000);

  it('compares runs checked in the palette (Runs: Compare Runs…)', async () => {
    const { context, page } = await openWorkbench(browser, served, 'light');
    watch(page);
    await page.locator('.tab').first().waitFor({ timeout: 60_000 });
    await page.keyboard.press('Control+Shift+P');
    await page.keyboard.type('compare runs');
    await expect.poll(() => page.locator('.quick-input-row.active .quick-input-label').textContent()).toBe('Runs: Compare Runs…');
    await page.keyboard.press('Enter');
    const box = page.locator('.quick-input-box');
    await expect.poll(() => page.locator('.quick-input-row').count()).toBeGreaterThan(3);
    await page.keyboard.type('ease-large');
    await expect.poll(() => page.locator('.quick-input-row.active .quick-input-label').textContent()).toBe('ease-large-lambda');
    await page.keyboard.press('Enter');
    await box.fill('spiky');
    await expect.poll(() => page.locator('.quick-input-row.active .quick-input-label').textContent()).toBe('spiky-1');
    await page.keyboard.press('Enter');
    await box.fill('');
    await expect.poll(() => page.locator('.quick-input-row.active .quick-input-label').textContent()).toBe('Compare 2 runs');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.tab.active').textContent()).toContain('Compare 2 runs');
    // The view loads its runs after the tab opens.
    await expect.poll(() => activeEditor(page).locator('.compare-params thead th').allTextContents()).toEqual(['param', 'ease-large-lambda', 'spiky-1']);
    await context.close();
    expect(problems).toEqual([]);
  }, 120_000);

  it('writes the README screenshot of the compare view', async () => {
    const { context, page } = await openWorkbench(browser, served, 'light');
    await page.goto(open(served, `reclab:compare/${spiky.id},${syntheticTrainedRun(2).id}`));
    await activeEditor(page).locator('.chart-panel[aria-label="valid/ndcg@10"] .js-plotly-plot').waitFor({ timeout: 60_000 });
    // Synthetic runs were split with cold items: warm and cold bars.
    await expect.poll(() => activeEditor(page).locator('.chart-panel[aria-label="ndcg · Cold items"] .barlayer .trace').count()).toBe(2);
    // The view alone: side bar and panel closed.
    await page.keyboard.press('Control+B');
    if (await page.locator('.panel').count()) await page.keyboard.press('Control+J');
    await page.waitForTimeout(500);
    // Into the git-ignored screenshots folder: a test run must not rewrite tracked files.
    // docs/workbench-compare.png is copied from here when the view changes.
    await screenshot(page, 'compare-readme');
    await context.close();
  }, 120_000);
});
