import fs from 'node:fs';
import path from 'node:path';
import { zipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallResult } from '../../app/common/api';
import { callApi, expectRefusedCall, haveBuild, haveChromium, launchBrowser, openWorkbench, ROOT, screenshot, startServe, tempWorkspace, watchPage, type Served } from './harness';

// Code run in the page goes as strings: this file is type-checked without the DOM's types.

/** MovieLens 100K as the other tests read it; copied into the test's workspace, never into the repository. */
const ML100K = path.join(ROOT, '..', 'shared', 'datasets', 'ml-100k');
const haveMl100k = fs.existsSync(path.join(ML100K, 'u.data'));
if (haveBuild && haveChromium && !haveMl100k) console.warn(`MovieLens 100K is not at ${ML100K}: the e2e test of its import through the Datasets view is skipped.`);

/**
 * MovieLens 100K imported through the dataset import view (`reclab:datasets`) in headless
 * Chromium against the built `reclab serve`: from a folder and from a zip, each previewed,
 * imported with progress and listed in the Datasets side bar; a broken copy names file, line
 * and column and registers nothing.
 */
describe.skipIf(!haveBuild || !haveChromium)('MovieLens 100K import through the Datasets view (browser mode)', () => {
  let served: Served;
  let ws: string;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  const call = <T,>(name: string, body: unknown) => callApi<T>(served, name, body);

  const theme = async (title: string) => {
    await page.keyboard.press('Control+Shift+P');
    await page.keyboard.type(title);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate('document.documentElement.dataset.theme')).toBe(/dark/.test(title) ? 'dark' : 'light');
  };

  /** Types a path into the MovieLens form and previews it (Enter), as a user would. */
  const previewPath = async (p: string) => {
    const input = page.locator('.dataset-import input[aria-label="Folder or zip"]');
    await input.fill(p);
    await input.press('Enter');
  };

  /** Records the progress bar's values while an import runs: the import of 100,000 lines takes a second or two. */
  const recordProgress = () =>
    page.evaluate(`(() => {
      window.__progress = [];
      new MutationObserver(() => {
        const bar = document.querySelector('.import-progress');
        if (bar) window.__progress.push(Number(bar.getAttribute('aria-valuenow')));
      }).observe(document.querySelector('.dataset-import'), { subtree: true, childList: true, attributes: true });
    })()`);

  /** Names the dataset, imports it and checks what the view, the API and the Datasets side bar then say. */
  const importAndCheck = async (name: string) => {
    const view = page.locator('.dataset-import');
    await view.locator('input[aria-label="Dataset name"]').fill(name);
    await recordProgress();
    await view.locator('button.import-button').click();
    const done = view.locator('.import-status.done');
    await done.waitFor({ timeout: 90_000 });
    const seen = (await page.evaluate('window.__progress')) as number[];
    expect(seen.length).toBeGreaterThan(0);
    expect(Math.max(...seen)).toBeGreaterThan(0);
    const listed = (await call<CallResult<'datasets.list'>>('datasets.list', {})).find((d) => d.name === name);
    expect(listed).toMatchObject({ source: 'movielens-100k', stats: { users: 943, items: 1682, interactions: 100_000 } });
    expect(await done.textContent()).toContain(`Imported ${name}: 943 users, 1,682 items, 100,000 interactions.`);
    // "Show in Datasets" opens the side bar, which lists it with the same figures.
    await done.locator('button', { hasText: 'Show in Datasets' }).click();
    const row = page.locator(`.dataset-row[data-dataset="${name}"]`);
    await row.waitFor({ timeout: 30_000 });
    expect(await row.locator('.dataset-stats dd').allTextContents()).toEqual(['943', '1,682', '100,000', '6.3%']);
  };

  beforeAll(async () => {
    ws = tempWorkspace();
    served = await startServe(ws);
    browser = await launchBrowser();
    ({ page } = await openWorkbench(browser, served, 'light'));
    watchPage(page, problems);
    await page.locator('.tab').first().waitFor();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    if (ws) fs.rmSync(ws, { recursive: true, force: true });
  });

  it.skipIf(!haveMl100k)(
    'imports MovieLens 100K from a folder and from a zip with a preview and progress; a broken u.data names file, line and column and registers nothing',
    async () => {
      const data = path.join(ws, 'data');
      fs.cpSync(ML100K, path.join(data, 'ml-100k'), { recursive: true });
      // The official zip's layout: the files inside ml-100k/.
      const files = fs.readdirSync(ML100K).filter((f) => fs.statSync(path.join(ML100K, f)).isFile());
      fs.writeFileSync(path.join(data, 'ml-100k.zip'), zipSync(Object.fromEntries(files.map((f) => [`ml-100k/${f}`, new Uint8Array(fs.readFileSync(path.join(ML100K, f)))]))));
      // A broken copy: line 3 of u.data has a rating that is not a number.
      fs.cpSync(ML100K, path.join(data, 'ml-broken'), { recursive: true });
      const udata = fs.readFileSync(path.join(ML100K, 'u.data'), 'utf8').split('\n');
      const [user, item, , time] = udata[2].split('\t');
      udata[2] = [user, item, 'three', time].join('\t');
      fs.writeFileSync(path.join(data, 'ml-broken', 'u.data'), udata.join('\n'));

      // The notebook restored at start-up takes the focus once drawn: after that the keys are ours.
      await page.locator('.cell').first().waitFor();
      await expect.poll(() => page.evaluate("!!document.activeElement?.closest('.cell')")).toBe(true);
      await page.keyboard.press('Control+Shift+P');
      await page.keyboard.type('import dataset');
      await expect.poll(() => page.locator('.quick-input-row.active .quick-input-label').textContent()).toBe('Datasets: Import Dataset…');
      await page.keyboard.press('Enter');
      const view = page.locator('.dataset-import');
      await view.waitFor();
      await view.locator('label.import-kind-option', { hasText: 'MovieLens 100K' }).locator('input').check();

      // From the folder: the preview shows its size and first movies before anything is imported.
      await previewPath('data/ml-100k');
      const summary = view.locator('.inspect-summary');
      await summary.waitFor({ timeout: 60_000 });
      expect(await summary.locator('dd').allTextContents()).toEqual(['943', '1,682', '100,000', '6.3%']);
      expect(await view.locator('.preview-table tbody tr').first().locator('td').allTextContents()).toEqual(['1', 'Toy Story', '1995', "Animation, Children's, Comedy"]);
      await screenshot(page, 'datasets-movielens-light');
      await importAndCheck('ml-100k-folder');

      // From the zip.
      await page.locator('.tab', { hasText: 'Import' }).click();
      await previewPath('data/ml-100k.zip');
      await expect.poll(() => view.locator('.inspect-summary dd').allTextContents(), { timeout: 60_000 }).toEqual(['943', '1,682', '100,000', '6.3%']);
      await importAndCheck('ml-100k-zip');
      await screenshot(page, 'datasets-movielens-done-light');
      await theme('color theme dark');
      await screenshot(page, 'datasets-movielens-done-dark');
      await theme('color theme light');

      // The broken copy: the error names file, line and column, and nothing is registered.
      await page.locator('.tab', { hasText: 'Import' }).click();
      await previewPath('data/ml-broken');
      await view.locator('input[aria-label="Dataset name"]').fill('ml-broken');
      const failed = view.locator('[role=alert]');
      await failed.first().waitFor({ timeout: 60_000 });
      const udataPath = path.join(fs.realpathSync(ws), 'data', 'ml-broken', 'u.data');
      expect(await failed.locator('[data-where=file]').textContent()).toBe(udataPath);
      expect(await failed.locator('[data-where=line]').textContent()).toBe('3');
      expect(await failed.locator('[data-where=column]').textContent()).toBe('rating');
      expect(await failed.textContent()).toContain('three');
      expect(await view.locator('button.import-button').isDisabled()).toBe(true);
      expect(await view.locator('.import-missing').textContent()).toBe('The folder or zip could not be read (see above): fix it and preview again.');
      expect((await call<CallResult<'datasets.list'>>('datasets.list', {})).map((d) => d.name)).not.toContain('ml-broken');
      // Chromium logs the refused call's HTTP status (422): that one is expected, nothing else.
      await expectRefusedCall(problems);
      await screenshot(page, 'datasets-movielens-error-light');
      await theme('color theme dark');
      await screenshot(page, 'datasets-movielens-error-dark');
      await theme('color theme light');
    },
    240_000,
  );

  it('logged no page error and no console error (CSP violations included)', () => {
    expect(problems).toEqual([]);
  });
});
