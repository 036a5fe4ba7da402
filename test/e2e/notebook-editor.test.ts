/// <reference lib="dom" />
// page.evaluate callbacks run in the page: DOM types for them.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { haveBuild, haveChromium, launchBrowser, openWorkbench, screenshot, startServe, tempWorkspace, type Served, callApi, watchPage } from './harness';

const NOTEBOOK = 'examples/hybrid-gate-sample.recnb';
const cellSel = (id: string) => `.cell[data-cell-id="${id}"]`;

/** Opens a cell's Monaco editor and replaces its text as a user's paste would (typing would auto-close brackets). */
async function setCellText(page: Page, cellId: string, text: string): Promise<void> {
  const cell = page.locator(cellSel(cellId));
  await cell.locator('.cell-editor').click();
  await cell.locator('.monaco-editor.focused').waitFor({ timeout: 30_000 });
  await page.keyboard.press('ControlOrMeta+A');
  await page.evaluate((t) => {
    const data = new DataTransfer();
    data.setData('text/plain', t);
    document.activeElement!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
  const shown = () => cell.locator('.view-lines').evaluate((el) => (el as HTMLElement).innerText.replace(/\u00a0/g, ' '));
  const deadline = Date.now() + 10_000;
  while ((await shown()) !== text) {
    if (Date.now() > deadline) throw new Error(`cell ${cellId} shows ${JSON.stringify(await shown())}, not the text pasted`);
    await page.waitForTimeout(100);
  }
}

/** Points on a chart of the train cell, read from Plotly's own data on the element. */
function chartPoints(page: Page, chart: 'loss' | 'valid'): Promise<number> {
  return page.evaluate((c) => {
    const el = document.querySelector(`[data-chart="${c}"] .js-plotly-plot`) as (HTMLElement & { data?: { x: unknown[] }[] }) | null;
    return el?.data?.[0]?.x.length ?? 0;
  }, chart);
}

/** An API call from the test, with the session token. */
const api = <T,>(served: Served, name: string, args: unknown) => callApi<T>(served, name, args);

describe.skipIf(!haveBuild || !haveChromium)('the notebook editor in the workbench (reclab serve, headless Chromium)', () => {
  let served: Served;
  let ws: string;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    ws = tempWorkspace();
    served = await startServe(ws);
    browser = await launchBrowser();
    ({ page } = await openWorkbench(browser, served, 'light'));
    watchPage(page, problems);
    await page.goto(`${served.url}#open=${encodeURIComponent(NOTEBOOK)}`);
  });
  afterAll(async () => {
    await browser?.close();
    // No run is left RUNNING: serve ends live runs KILLED as it stops.
    await served?.stop();
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('opens the example workspace and the hybrid notebook: its cells, markdown rendered, JSON coloured', async () => {
    await page.locator('.cell').nth(6).waitFor({ timeout: 60_000 });
    expect(await page.locator('.cell').count()).toBe(7);
    expect(await page.locator(`${cellSel('c1')} .markdown-view h1`).textContent()).toBe('Gated hybrid on the embedded sample');
    expect(await page.locator(`${cellSel('c5')} .tok-key`).first().textContent()).toBe('"type"');
    expect(await page.locator('.notebook-save-state').textContent()).toBe('Saved');
  });

  it('shows a marker on a cell with invalid JSON, and that cell (and Run All) cannot run', async () => {
    await setCellText(page, 'c5', '{\n  "type": "hybrid",\n  "fusion": "gate"\n  "dim": 32\n}');
    await page.locator(`${cellSel('c5')} .monaco-editor .squiggly-error`).first().waitFor({ timeout: 30_000 });
    const diag = page.locator(`${cellSel('c5')} .cell-diagnostics li`);
    await diag.first().waitFor();
    expect(await diag.first().textContent()).toContain("not valid JSON: line 4, column 3: expected ',' between entries");
    const run = page.locator(`${cellSel('c5')} .cell-run`);
    expect(await run.isDisabled()).toBe(true);
    expect(await run.getAttribute('title')).toMatch(/^This cell has an error: not valid JSON/);
    // Another cell cannot run either: a run parses the whole notebook.
    expect(await page.locator(`${cellSel('c2')} .cell-run`).getAttribute('title')).toMatch(/^Cell 5 \(model\) has an error/);
    expect(await page.getByRole('button', { name: 'Run All' }).isDisabled()).toBe(true);
    // Escape: command mode, the static view keeps the underline.
    await page.keyboard.press('Escape');
    await page.locator(`${cellSel('c5')} .static-code .squiggle-error`).first().waitFor();
    // The shell's Problems panel (Ctrl+Shift+M) lists it under the notebook.
    await page.keyboard.press('Control+Shift+M');
    await page.locator('.problem-row .row-label', { hasText: 'cell 5 (model): not valid JSON' }).first().waitFor();
    expect(await page.locator('.problem-file .row-label').first().textContent()).toBe('hybrid-gate-sample.recnb');
  });

  it('names a misspelt model parameter in the cell, as a marker and in the problems list; completion offers the schema\'s parameters', async () => {
    await setCellText(page, 'c5', '{\n  "type": "hybrid",\n  "fusion": "gate",\n  "dimm": 32,\n  "itemIdDropout": 0.1\n}');
    const message = "model.dimm: unknown parameter 'dimm' for model type 'hybrid'; did you mean 'dim'?";
    await page.locator(`${cellSel('c5')} .cell-diagnostics li`, { hasText: message }).waitFor({ timeout: 30_000 });
    await page.locator(`${cellSel('c5')} .monaco-editor .squiggly-error`).first().waitFor();
    await page.locator('.problem-row .row-label', { hasText: `cell 5 (model): ${message}` }).waitFor();
    // Completion from the model type's JSON Schema.
    await setCellText(page, 'c5', '{\n  "type": "hybrid",\n  \n}');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('End');
    await page.keyboard.press('Control+Space');
    const suggest = page.locator(`.suggest-widget.visible`);
    await suggest.waitFor({ timeout: 30_000 });
    // The list is virtual and the hybrid has many parameters: narrow it as a user would.
    await page.keyboard.type('itemId');
    await suggest.locator('.monaco-list-row', { hasText: 'itemIdDropout' }).first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Escape');
    // Back to the notebook's own model cell.
    await setCellText(page, 'c5', '{\n  "type": "hybrid",\n  "fusion": "gate",\n  "dim": 32,\n  "itemIdDropout": 0.1\n}');
    await page.keyboard.press('Escape');
    await page.locator('.panel-message', { hasText: 'No problems have been detected' }).waitFor();
    expect(await page.getByRole('button', { name: 'Run All' }).isDisabled()).toBe(false);
  });

  it('Run All trains live: the loss chart gains points, progress and ETA show, then the evaluation table', async () => {
    // The real hybrid notebook, trained for fewer epochs (this shared machine is slow), its loss
    // logged every 2 steps instead of 50 so the chart has points to count.
    await setCellText(page, 'c6', '{\n  "loss": "bpr",\n  "negatives": 1,\n  "epochs": 3,\n  "batchSize": 1024,\n  "optimizer": {\n    "type": "adam",\n    "lr": 0.005\n  },\n  "l2": 0.01,\n  "patience": 2,\n  "logEvery": 2\n}');
    await page.keyboard.press('Escape');
    await page.locator('.notebook-save-state', { hasText: /^Saved$/ }).waitFor({ timeout: 30_000 });
    expect(fs.readFileSync(`${ws}/${NOTEBOOK}`, 'utf8')).toContain('\\"epochs\\": 3');
    await page.getByRole('button', { name: 'Run All' }).click();

    const train = page.locator(cellSel('c6'));
    await train.locator('.fit-progress').waitFor({ timeout: 300_000 });
    await train.locator('[data-chart="loss"] .js-plotly-plot').waitFor({ timeout: 60_000 });
    await page.waitForFunction(() => ((document.querySelector('[data-chart="loss"] .js-plotly-plot') as unknown as { data?: { x: unknown[] }[] })?.data?.[0]?.x.length ?? 0) > 0, undefined, { timeout: 300_000 });
    const first = await chartPoints(page, 'loss');
    await page.waitForTimeout(3000);
    const second = await chartPoints(page, 'loss');
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(first);
    await train.locator('.fit-eta', { hasText: /ETA \d/ }).waitFor({ timeout: 120_000 });
    expect(await train.locator('.fit-detail').textContent()).toMatch(/epoch \d \/ 3 · step \d+ \/ \d+ · loss \d\.\d{4}/);
    expect(await train.locator('.progress-bar').getAttribute('aria-valuenow')).toMatch(/^\d+(\.\d)?$/);
    // The status bar shows the live run's progress and ETA too, wherever the user is in the app.
    await expect.poll(() => page.locator('[data-status=run]').textContent(), { timeout: 60_000 }).toMatch(/^hybrid-gate-sample: train epoch \d\/3 · \d+% · ETA \d/);
    await train.locator('.cell-status.running').waitFor();
    // The stages before training are done and show their outputs.
    expect(await page.locator(`${cellSel('c2')} .cell-status.succeeded`).count()).toBe(1);
    expect(await page.locator(`${cellSel('c2')} .kv-table`).textContent()).toContain('Users1,500');
    await train.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.waitForTimeout(300);
    await screenshot(page, 'notebook-training');

    const evaluate = page.locator(cellSel('c7'));
    await evaluate.locator('.metrics-table').waitFor({ timeout: 900_000 });
    expect(await evaluate.locator('.metrics-table tbody tr', { hasText: 'ndcg' }).count()).toBe(1);
    expect(await evaluate.locator('.metrics-table thead').textContent()).toBe('Metric@5@10@20');
    expect(await evaluate.locator('.segments-table tbody tr').count()).toBeGreaterThan(3);
    await evaluate.locator('.cell-status.succeeded').waitFor();
    await train.locator('.cell-status.succeeded').waitFor();
    expect(await train.locator('.fit-progress').count()).toBe(0);
    // The model's layer summary (reported once the network is built and trained).
    expect(await page.locator(`${cellSel('c5')} .output-model`).textContent()).toMatch(/hybrid: [\d,]+ parameters/);
    await page.locator('.notebook-run-label', { hasText: 'FINISHED' }).waitFor({ timeout: 120_000 });
    const runs = await api<{ runs: { id: string; status: string }[] }>(served, 'runs.list', {});
    expect(runs.runs.map((r) => r.status)).toEqual(['FINISHED']);
    // A tall window: the charts and the evaluation in one picture (for the README).
    await page.setViewportSize({ width: 1440, height: 1700 });
    await train.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.waitForTimeout(500);
    await screenshot(page, 'notebook-light');
    await page.setViewportSize({ width: 1440, height: 900 });
  }, 1_200_000);

  it('reopens the notebook with its last run\'s outputs from the store, in the dark theme', async () => {
    const dark = await openWorkbench(browser, served, 'dark');
    await dark.page.goto(`${served.url}#open=${encodeURIComponent(NOTEBOOK)}`);
    await dark.page.locator(`${cellSel('c7')} .metrics-table`).waitFor({ timeout: 60_000 });
    await dark.page.locator(`${cellSel('c6')} [data-chart="loss"] .js-plotly-plot`).waitFor({ timeout: 60_000 });
    expect(await chartPoints(dark.page, 'loss')).toBeGreaterThan(10);
    await dark.page.locator(cellSel('c6')).evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await dark.page.waitForTimeout(500);
    await screenshot(dark.page, 'notebook-dark');
    await dark.context.close();
  }, 120_000);

  it('Cancel on a second run ends it KILLED, in the cell and in the store', async () => {
    await page.getByRole('button', { name: 'Run All' }).click();
    const train = page.locator(cellSel('c6'));
    await train.locator('.fit-progress').waitFor({ timeout: 300_000 });
    const runId = await page.evaluate(async () => {
      const r = await fetch('/api/call/runs.live', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      return ((await r.json()) as { value: { runId: string }[] }).value[0].runId;
    });
    await train.getByRole('button', { name: 'Cancel' }).click();
    await train.locator('.cell-status.killed').waitFor({ timeout: 120_000 });
    expect(await train.locator('.cell-status.killed').textContent()).toContain('Cancelled: the run ended KILLED');
    await page.locator('.notebook-run-label', { hasText: 'KILLED' }).waitFor();
    // The evaluate cell never ran this time.
    expect(await page.locator(`${cellSel('c7')} .cell-status`).count()).toBe(0);
    const run = await api<{ status: string }>(served, 'runs.get', { runId });
    expect(run.status).toBe('KILLED');
    expect(await api<unknown[]>(served, 'runs.live', {})).toEqual([]);
  }, 600_000);

  it('stops at a change on disk by another program with a bar: Keep mine writes the editor\'s version, Reload takes the disk\'s', async () => {
    const file = `${ws}/${NOTEBOOK}`;
    const mine = fs.readFileSync(file, 'utf8');
    const theirs = mine.replace('Gated hybrid on the embedded sample', 'Edited elsewhere');
    fs.writeFileSync(file, theirs);
    const bar = page.locator('[data-bar="changed-on-disk"]');
    await bar.waitFor({ timeout: 30_000 });
    expect(await bar.textContent()).toContain('This notebook changed on disk by another program.');
    await bar.getByRole('button', { name: 'Keep mine' }).click();
    await bar.waitFor({ state: 'detached' });
    await page.locator('.notebook-save-state', { hasText: /^Saved$/ }).waitFor();
    expect(fs.readFileSync(file, 'utf8')).toBe(mine);

    fs.writeFileSync(file, theirs);
    await bar.waitFor({ timeout: 30_000 });
    await bar.getByRole('button', { name: 'Reload' }).click();
    await page.locator(`${cellSel('c1')} .markdown-view h1`, { hasText: 'Edited elsewhere' }).waitFor();
    expect(fs.readFileSync(file, 'utf8')).toBe(theirs);
  }, 120_000);

  it('met no page error, CSP violation or console error on the way', () => {
    expect(problems).toEqual([]);
  });
});
