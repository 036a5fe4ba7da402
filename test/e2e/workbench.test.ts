import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveBuild, haveChromium, launchBrowser, openWorkbench, ROOT, screenshot, startServe, tempWorkspace, type Served, callApi, watchPage } from './harness';

// Code run in the page goes as strings: this file is type-checked without the DOM's types.

/**
 * The workbench shell in headless Chromium against the built `reclab serve`: first
 * launch, the command palette, the layout kept across a reload, a run followed in the
 * status bar, the Runs view and the worker log; no console error (CSP included).
 */
describe.skipIf(!haveBuild || !haveChromium)('workbench shell (browser mode)', () => {
  let served: Served;
  let ws: string;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  const call = <T,>(name: string, body: unknown) => callApi<T>(served, name, body);

  const watch = (p: Page) => watchPage(p, problems);

  beforeAll(async () => {
    ws = tempWorkspace();
    served = await startServe(ws);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('opens on a new workspace with the example notebooks listed and the hybrid notebook open', async () => {
    ({ page } = await openWorkbench(browser, served, 'light'));
    watch(page);
    const tree = page.locator('[role=tree][aria-label=Notebooks]');
    await tree.locator('[data-path="examples/hybrid-gate-sample.recnb"]').waitFor();
    const listed = await tree.locator('[role=treeitem]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-path')));
    expect(listed).toEqual(expect.arrayContaining(['examples', 'examples/baselines-sample.recnb', 'examples/hybrid-gate-sample.recnb', 'examples/itemknn-sample.recnb']));
    await expect.poll(() => page.locator('.tab.active').getAttribute('data-path')).toBe('examples/hybrid-gate-sample.recnb');
    await expect.poll(() => page.locator('[data-status=workspace]').textContent()).toBe(path.basename(ws));
    await expect.poll(() => page.locator('[data-status=backend]').textContent()).toMatch(/tfjs: (wasm|tensorflow|cpu)/);
    // The codicon font loaded (from the bundle, under the CSP).
    // Loading asks for every codicon face (Monaco's chunk brings its own, loaded only when used).
    expect(await page.evaluate(async () => (await document.fonts.load('16px codicon')).length)).toBeGreaterThan(0);
    expect(await page.evaluate("document.fonts.check('16px codicon')")).toBe(true);
    await screenshot(page, 'workbench-light');
  });

  it('opens the command palette with Ctrl+Shift+P and runs a command from it', async () => {
    await page.keyboard.press('Control+Shift+P');
    const box = page.locator('.quick-input-box');
    await box.waitFor();
    expect(await box.inputValue()).toBe('>');
    await page.keyboard.type('color theme dark');
    await expect.poll(() => page.locator('.quick-input-row.active .quick-input-label').textContent()).toBe('Preferences: Color Theme: Dark');
    await screenshot(page, 'workbench-palette');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate('document.documentElement.dataset.theme')).toBe('dark');
    expect(await page.locator('.quick-input').count()).toBe(0);
    expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe('rgb(31, 31, 31)');
    await screenshot(page, 'workbench-dark');
    // The key of a command is shown in the palette, and Escape leaves it.
    await page.keyboard.press('Control+Shift+P');
    await page.keyboard.type('toggle panel');
    await expect.poll(() => page.locator('.quick-input-row.active kbd').allTextContents()).toEqual(['Ctrl', 'J']);
    await page.keyboard.press('Escape');
    expect(await page.locator('.quick-input').count()).toBe(0);
    // Back to the system's scheme (light in this context) through Quick Open's command mode.
    await page.keyboard.press('Control+P');
    await page.keyboard.type('>follow system');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate("document.documentElement.dataset.theme ?? 'system'")).toBe('system');
  });

  it('finds a notebook with Quick Open (Ctrl+P), opens it in a tab and closes it with Ctrl+W', async () => {
    await page.keyboard.press('Control+P');
    await page.keyboard.type('knn');
    const labels = await page.locator('.quick-input-row .quick-input-label').allTextContents();
    expect([...labels].sort()).toEqual(['content-knn-sample-cold.recnb', 'itemknn-sample.recnb']);
    const first = await page.locator('.quick-input-row.active').getAttribute('data-id');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.tab.active').getAttribute('data-path')).toBe(first);
    expect(await page.locator('.tab').count()).toBe(2);
    await page.keyboard.press('Control+W');
    await expect.poll(() => page.locator('.tab').count()).toBe(1);
    expect(await page.locator('.tab.active').getAttribute('data-path')).toBe('examples/hybrid-gate-sample.recnb');
    // A middle click closes a tab too.
    await page.keyboard.press('Control+P');
    await page.keyboard.type('itemknn');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.tab').count()).toBe(2);
    await page.locator('.tab[data-path="examples/itemknn-sample.recnb"]').click({ button: 'middle' });
    await expect.poll(() => page.locator('.tab').count()).toBe(1);
  });

  it('restores the layout after a reload: a second tab, the panel hidden, the side bar width', async () => {
    // The tree by keyboard: Home goes to the folder, Down to its first notebook, Enter opens it.
    await page.locator('[role=tree][aria-label=Notebooks]').focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.tab').count()).toBe(2);
    expect(await page.locator('.tab.active').getAttribute('data-path')).toBe('examples/baselines-sample.recnb');
    await page.keyboard.press('Control+J');
    expect(await page.locator('.panel').count()).toBe(0);
    const sash = page.locator('.sash-vertical');
    const box = (await sash.boundingBox())!;
    const before = (await page.locator('.sidebar-container').boundingBox())!.width;
    await page.mouse.move(box.x + box.width / 2, box.y + 300);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 60, box.y + 300, { steps: 5 });
    await page.mouse.up();
    const width = (await page.locator('.sidebar-container').boundingBox())!.width;
    expect(width).toBeCloseTo(before + 60, -1);
    // Saved a moment after the last change.
    await expect
      .poll(async () => {
        const s = await call<{ layout?: { panel?: { visible?: boolean }; sidebar?: { width?: number } }; editors?: { open?: string[] } }>('ui.getState', {});
        return [s.layout?.panel?.visible, s.layout?.sidebar?.width, s.editors?.open?.length];
      })
      .toEqual([false, Math.round(width), 2]);
    // A change just before the page goes is saved as it goes.
    await page.keyboard.press('Control+Shift+P');
    await page.keyboard.type('color theme dark');
    await page.keyboard.press('Enter');
    await page.reload();
    await page.locator('.tab').nth(1).waitFor();
    expect(await page.locator('.tab').evaluateAll((tabs) => tabs.map((t) => t.getAttribute('data-path')))).toEqual(['examples/hybrid-gate-sample.recnb', 'examples/baselines-sample.recnb']);
    expect(await page.locator('.tab.active').getAttribute('data-path')).toBe('examples/baselines-sample.recnb');
    expect(await page.locator('.panel').count()).toBe(0);
    expect((await page.locator('.sidebar-container').boundingBox())!.width).toBe(Math.round(width));
    await expect.poll(() => page.evaluate('document.documentElement.dataset.theme')).toBe('dark');
    await page.keyboard.press('Control+Shift+P');
    await page.keyboard.type('follow system');
    await page.keyboard.press('Enter');
    // Keys move between tabs: by position, and back to the one used before (Ctrl+Tab).
    await page.keyboard.press('Control+PageDown');
    expect(await page.locator('.tab.active').getAttribute('data-path')).toBe('examples/hybrid-gate-sample.recnb');
    await page.keyboard.press('Control+Tab');
    expect(await page.locator('.tab.active').getAttribute('data-path')).toBe('examples/baselines-sample.recnb');
    await page.keyboard.press('Control+Tab');
    expect(await page.locator('.tab.active').getAttribute('data-path')).toBe('examples/hybrid-gate-sample.recnb');
    await page.keyboard.press('Control+B');
    expect(await page.locator('.sidebar').count()).toBe(0);
    await page.keyboard.press('Control+B');
    await page.keyboard.press('Control+J');
    expect(await page.locator('.panel').count()).toBe(1);
  });

  it('shows a run started through the API in the status bar with progress, in the Runs view and in the worker log', async () => {
    // The example notebook as it is, trained for two epochs so the test stays short.
    const text = fs.readFileSync(path.join(ROOT, 'experiments', 'hybrid-gate-sample.recnb'), 'utf8');
    const nb = JSON.parse(text) as { cells: { kind: string; source: string }[] };
    const train = nb.cells.find((c) => c.kind === 'train')!;
    train.source = JSON.stringify({ ...JSON.parse(train.source), epochs: 2 }, null, 2);
    const { runId } = await call<{ runId: string }>('runs.start', { notebook: JSON.stringify(nb), path: 'examples/hybrid-gate-sample.recnb' });

    const item = page.locator(`[data-status=run][data-run="${runId}"]`);
    await item.waitFor({ timeout: 30_000 });
    await expect.poll(() => item.textContent(), { timeout: 240_000, interval: 100 }).toMatch(/^hybrid-gate-sample: train epoch [12]\/2 · \d+% · ETA \d+/);
    const fill = await item.locator('.status-progress-fill').getAttribute('style');
    expect(fill).toMatch(/^width: \d+%;$/);

    await page.locator('.activity-item[data-view=runs]').click();
    const live = page.locator(`.live-run[data-run="${runId}"]`);
    await live.waitFor();
    expect(await live.locator('.row-label').textContent()).toBe('hybrid-gate-sample');
    expect(await page.locator('.activity-badge').textContent()).toBe('1');

    await page.locator('.panel-tab[data-tab=log]').click();
    await expect.poll(() => page.locator('.run-picker').inputValue()).toBe(runId);
    await expect.poll(() => page.locator(`.log-scroll[data-run="${runId}"] .log-line`).count()).toBeGreaterThan(0);
    await screenshot(page, 'workbench-training');

    await expect.poll(() => page.locator(`[data-status=run][data-run="${runId}"]`).count(), { timeout: 300_000, interval: 500 }).toBe(0);
    const row = page.locator(`.run-row[data-run="${runId}"]`);
    await row.waitFor({ timeout: 10_000 });
    await expect.poll(() => row.locator('.run-metric').textContent()).toMatch(/^0\.\d{4}$/);
    expect(await row.locator('.codicon').first().getAttribute('class')).toContain('codicon-pass');
    const logged = await call<string[]>('runs.log', { runId });
    expect(logged.length).toBeGreaterThan(0);
    // The panel kept up: its last line is the log's last line.
    await expect.poll(() => page.locator('.log-line').last().textContent()).toBe(logged[logged.length - 1]);
    await screenshot(page, 'workbench-runs');
  }, 600_000);

  it('logged no page error and no console error (CSP violations included)', () => {
    expect(problems).toEqual([]);
  });

  // Last: the refused socket and calls of this test are console errors of their own.
  it('shows the lost connection, and says what to do when the server comes back with a new token', async () => {
    const port = served.port;
    await served.stop();
    await page.locator('[data-status=connection]').waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-status=connection]').textContent()).toMatch(/Disconnected: reconnecting/);
    served = await startServe(ws, {}, port);
    await expect
      .poll(() => page.locator('.toast').allTextContents(), { timeout: 20_000 })
      .toContainEqual(expect.stringMatching(/server was restarted .*open the URL that `reclab serve` printed/));
    expect(await page.locator('[data-status=connection]').textContent()).toMatch(/Disconnected: server restarted/);
    await screenshot(page, 'workbench-disconnected');
    // Opening the new URL lets the page back in.
    await page.goto(served.url);
    await page.locator('.tab').first().waitFor();
    expect(await page.locator('[data-status=connection]').count()).toBe(0);
  });
});
