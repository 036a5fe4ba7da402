/**
 * The inspector's views in browser mode, as users reach them: `reclab serve` from the built
 * package, Debian's headless Chromium (test/e2e/harness.ts), a gated hybrid trained on the
 * embedded sample (1,500 users, 1,200 items; two epochs, quality is not the point).
 *
 * - inspector open: from Enter on the run in the palette's picker to the first user's top-K
 *   and history drawn (tab, lazy chunk, inspect.run, inspect.users, inspect.user);
 * - user switch: from Enter on a typed user id to that user's top-K drawn;
 * - gate view: from Enter in the picker to the gate chart drawn (inspect.gate over 200
 *   sampled users, Plotly);
 * - embedding view: from Enter to the PCA projection drawn.
 * Medians over several opens (each in a new tab after the previous one is closed).
 *
 * Run: npm run bench -- ui-inspect   (npm run build first). On a shared machine: nice -n 10,
 * and read the figures as pessimistic.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { haveBuild, haveChromium, launchBrowser, ROOT, startServe, tempWorkspace, type Served } from '../test/e2e/harness';

const OPENS = 5;
const USERS = ['u7', 'u123', 'u1400', 'u42', 'u999', 'u5', 'u77', 'u1234'];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x: number) => Math.round(x * 10) / 10;

async function call<T>(served: Served, name: string, body: unknown): Promise<T> {
  const r = await fetch(`${served.origin}/api/call/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-reclab-token': served.token }, body: JSON.stringify(body) });
  const json = (await r.json()) as { ok: boolean; value: T; error?: { message: string } };
  if (!json.ok) throw new Error(`${name}: ${json.error?.message}`);
  return json.value;
}

/** The example gated hybrid, two epochs, recorded as `name`. */
async function trainHybrid(served: Served): Promise<string> {
  const nb = JSON.parse(fs.readFileSync(path.join(ROOT, 'experiments', 'hybrid-gate-sample.recnb'), 'utf8')) as { metadata: { name: string }; cells: { kind: string; source: string }[] };
  nb.metadata.name = 'bench-gated';
  const train = nb.cells.find((c) => c.kind === 'train')!;
  train.source = JSON.stringify({ ...JSON.parse(train.source), epochs: 2 });
  const { runId } = await call<{ runId: string }>(served, 'runs.start', { notebook: JSON.stringify(nb) });
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    const { status } = await call<{ status: string }>(served, 'runs.get', { runId });
    if (status === 'FINISHED') return runId;
    if (status !== 'RUNNING') throw new Error(`The gated hybrid ended ${status}`);
  }
}

/** Palette -> command -> run picker; returns the ms from Enter on the run to `drawn` visible. */
async function openTimed(page: Page, command: string, drawn: string): Promise<number> {
  await page.keyboard.press('Control+Shift+P');
  await page.locator('.quick-input-box').fill(`>${command}`);
  await page.locator('.quick-input-row.active', { hasText: command }).waitFor();
  await page.locator('.quick-input-box').press('Enter');
  await page.locator('.quick-input-box[placeholder^="Select a"]').waitFor();
  await page.locator('.quick-input-box').fill('bench-gated');
  await page.locator('.quick-input-row.active', { hasText: 'bench-gated' }).waitFor();
  const t0 = performance.now();
  await page.locator('.quick-input-box').press('Enter');
  await page.locator(drawn).first().waitFor({ timeout: 120_000 });
  const ms = performance.now() - t0;
  await page.keyboard.press('Control+Shift+P');
  await page.locator('.quick-input-box').fill('>close all editors');
  await page.locator('.quick-input-row.active', { hasText: 'Close All Editors' }).waitFor();
  await page.locator('.quick-input-box').press('Enter');
  await page.locator('.tab').first().waitFor({ state: 'detached' });
  return ms;
}

export interface UiInspectFigures {
  inspector_open_ms: number;
  inspector_user_switch_ms: number;
  gate_view_ms: number;
  embeddings_view_ms: number;
}

export async function benchUiInspect(log: (line: string) => void = console.log): Promise<UiInspectFigures> {
  if (!haveBuild) throw new Error('The workbench is not built: run `npm run build` first.');
  if (!haveChromium) throw new Error('No Chromium at /usr/bin/chromium (apt-get install chromium), or set RECLAB_CHROMIUM.');
  log(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const ws = tempWorkspace('reclab-bench-ui-inspect-');
  const served = await startServe(ws);
  const browser = await launchBrowser();
  try {
    const runId = await trainHybrid(served);
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await page.goto(served.url);
    // The restored notebook takes the focus when drawn; close it so the keys are ours.
    await page.locator('.cell').first().waitFor({ timeout: 120_000 });
    await page.waitForLoadState('networkidle');
    await page.keyboard.press('Control+Shift+P');
    await page.locator('.quick-input-box').fill('>close all editors');
    await page.locator('.quick-input-box').press('Enter');
    await page.locator('.tab').first().waitFor({ state: 'detached' });

    const recs = `.inspector[data-run="${runId}"] .recs-table tbody tr`;
    const opens: number[] = [];
    for (let i = 0; i < OPENS; i++) opens.push(await openTimed(page, 'Runs: Inspect Recommendations', recs));
    log(`inspector open (Enter on the run to the first user's top-K, ${OPENS} opens): median ${round(median(opens))} ms  [${opens.map(round).join(', ')}]`);

    await page.keyboard.press('Control+Shift+P');
    await page.locator('.quick-input-box').fill('>Runs: Inspect Recommendations');
    await page.locator('.quick-input-box').press('Enter');
    await page.locator('.quick-input-box[placeholder^="Select a"]').waitFor();
    await page.locator('.quick-input-box').fill('bench-gated');
    await page.locator('.quick-input-row.active', { hasText: 'bench-gated' }).waitFor();
    await page.locator('.quick-input-box').press('Enter');
    await page.locator(recs).first().waitFor();
    const search = page.locator('.inspector-search');
    const switches: number[] = [];
    for (const user of USERS) {
      await search.fill(user);
      await page.locator(`.inspector-user.cursor[data-user="${user}"]`).waitFor();
      const t0 = performance.now();
      await search.press('Enter');
      await page.locator(`.inspector-user.selected[data-user="${user}"]`).waitFor();
      await page.locator(`.inspector-recs[aria-busy=false] .recs-table`).waitFor();
      switches.push(performance.now() - t0);
    }
    log(`user switch (Enter on an id to their top-K, ${USERS.length} users): median ${round(median(switches))} ms  [${switches.map(round).join(', ')}]`);
    await page.keyboard.press('Control+Shift+P');
    await page.locator('.quick-input-box').fill('>close all editors');
    await page.locator('.quick-input-box').press('Enter');

    const gates: number[] = [];
    for (let i = 0; i < OPENS; i++) gates.push(await openTimed(page, 'Runs: Show Gate', `.gate-view[data-run="${runId}"] .scatter-chart[data-drawn]`));
    log(`gate view (Enter to the chart drawn, 1,200 items, 200 sampled users, ${OPENS} opens): median ${round(median(gates))} ms  [${gates.map(round).join(', ')}]`);
    const embs: number[] = [];
    for (let i = 0; i < OPENS; i++) embs.push(await openTimed(page, 'Runs: Show Item Embeddings', `.embeddings-view[data-run="${runId}"] .scatter-chart[data-drawn]`));
    log(`embedding view (Enter to the PCA chart drawn, ${OPENS} opens): median ${round(median(embs))} ms  [${embs.map(round).join(', ')}]`);
    await context.close();
    return { inspector_open_ms: round(median(opens)), inspector_user_switch_ms: round(median(switches)), gate_view_ms: round(median(gates)), embeddings_view_ms: round(median(embs)) };
  } finally {
    await browser.close();
    await served.stop();
    fs.rmSync(ws, { recursive: true, force: true });
  }
}

export async function main(): Promise<void> {
  console.log(JSON.stringify(await benchUiInspect()));
}
