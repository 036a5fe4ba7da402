import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBundle } from '../../core/export';
import { parseRunQuery, QuerySyntaxError } from '../../core/spec';
import { haveBuild, haveChromium, launchBrowser, openWorkbench, screenshot, startServe, tempWorkspace, type Served, callApi, watchPage } from './harness';

// Code run in the page goes as strings or plain functions: this file is type-checked without the DOM's types.

/**
 * The runs explorer, a run's page and export in headless Chromium against the built
 * `reclab serve`, on three small runs (a gated hybrid with a model bundle, EASE, MostPop)
 * trained on a small embedded sample: filter and sort, a bad query's position, grouping,
 * compare, export (a bundle that loads, top-K rows equal to the run's), trash and restore
 * losing nothing, emptying the trash after asking, rename, tags and notes.
 */

const small = { source: 'sample', sample: { users: 120, items: 100, interactions: 3000 } };
const split = { kind: 'random', ratios: [0.8, 0.1, 0.1] };
const features = { item: [{ type: 'categorical', column: 'category' }, { type: 'multi-hot', column: 'tags' }], user: [{ type: 'categorical', column: 'country' }] };
const notebook = (name: string, experiment: string, cells: [string, unknown][]) =>
  JSON.stringify({ format: 1, metadata: { name, experiment, seed: 9 }, cells: [['data', small], ['split', split], ...cells].map(([kind, source], i) => ({ id: `c${i}`, kind, source: JSON.stringify(source) })) });
const evaluate: [string, unknown] = ['evaluate', { ks: [5, 10], metric: 'ndcg@10', segments: true }];

interface Summary {
  id: string;
  name: string;
  status: string;
  metrics: Record<string, number>;
}

describe.skipIf(!haveBuild || !haveChromium)('runs explorer, run page and export (browser mode)', () => {
  let served: Served;
  let ws: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  const ids: Record<string, string> = {};

  const call = <T,>(name: string, body: unknown) => callApi<T>(served, name, body);
  const watch = (p: Page) => watchPage(p, problems);
  const explorer = () => page.locator('.runs-explorer');
  const rowIds = () => page.locator('.runs-explorer .runs-row[data-run]').evaluateAll((rows) => rows.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top).map((r) => r.getAttribute('data-run')));
  const filter = async (text: string) => {
    const input = page.getByRole('textbox', { name: 'Filter runs' });
    await input.fill(text);
  };

  beforeAll(async () => {
    ws = tempWorkspace('reclab-e2e-explorer-');
    served = await startServe(ws);
    browser = await launchBrowser();
    const start = async (key: string, text: string) => {
      ids[key] = (await call<{ runId: string }>('runs.start', { notebook: text })).runId;
    };
    await start('hybrid', notebook('gated hybrid', 'hybrids', [['features', features], ['model', { type: 'hybrid', fusion: 'gate', dim: 8 }], ['train', { epochs: 2, batchSize: 256, evalEvery: 0, loss: 'bpr', negatives: 1 }], evaluate]));
    await start('ease', notebook('ease', 'baselines', [['model', { type: 'ease', lambda: 50 }], evaluate]));
    await start('mostpop', notebook('mostpop', 'baselines', [['model', { type: 'mostpop' }], evaluate]));
    // Every run ended (a failure would show in the first test's count of finished runs).
    for (const t0 = Date.now(); Date.now() - t0 < 240_000; await new Promise((r) => setTimeout(r, 500))) {
      const runs = (await call<{ runs: Summary[] }>('runs.list', {})).runs;
      if (runs.length === 3 && runs.every((r) => r.status !== 'RUNNING')) break;
    }
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    if (ws) fs.rmSync(ws, { recursive: true, force: true });
  });

  it('opens from the activity bar and lists every run with its metrics', async () => {
    ({ context, page } = await openWorkbench(browser, served, 'light'));
    watch(page);
    await page.locator('.activity-item[data-view=runs]').click();
    await expect.poll(() => page.locator('.tab.active').getAttribute('data-path')).toBe('reclab:runs');
    await expect.poll(() => explorer().getAttribute('data-total')).toBe('3');
    await expect.poll(() => page.locator('.runs-explorer .runs-row[data-run]').count()).toBe(3);
    const runs = (await call<{ runs: Summary[] }>('runs.list', {})).runs;
    expect(runs.map((r) => `${r.name}: ${r.status}`).sort()).toEqual(['ease: FINISHED', 'gated hybrid: FINISHED', 'mostpop: FINISHED']);
    const ease = runs.find((r) => r.id === ids.ease)!;
    const cells = page.locator(`.runs-row[data-run="${ids.ease}"] .runs-cell`);
    expect(await cells.allTextContents()).toEqual(expect.arrayContaining(['ease', 'baselines', 'ease', ease.metrics['ndcg@10'].toFixed(4), 'sample']));
  });

  it('filters by a query and sorts by a metric, both ways', async () => {
    await filter('params.model.type = "ease" or params.model.type = "hybrid"');
    await expect.poll(() => explorer().getAttribute('data-total')).toBe('2');
    expect((await rowIds()).sort()).toEqual([ids.ease, ids.hybrid].sort());

    await filter('metrics.ndcg@10 > 0 and status = "FINISHED"');
    await expect.poll(() => explorer().getAttribute('data-total')).toBe('3');
    const all = (await call<{ runs: Summary[] }>('runs.list', {})).runs;
    const byNdcg = [...all].sort((a, b) => b.metrics['ndcg@10'] - a.metrics['ndcg@10']).map((r) => r.id);
    const header = page.locator('.runs-table-head [data-column="metric:ndcg@10"]');
    await header.click();
    await expect.poll(() => header.getAttribute('aria-sort')).toBe('descending');
    await expect.poll(rowIds).toEqual(byNdcg);
    await header.click();
    await expect.poll(() => header.getAttribute('aria-sort')).toBe('ascending');
    await expect.poll(rowIds).toEqual([...byNdcg].reverse());
    await screenshot(page, 'runs-explorer-light');
  });

  it('shows a bad query\'s error at its position while typing, and keeps the last good rows', async () => {
    const bad = 'metrics.ndcg@10 > and status = "FINISHED"';
    let expected: QuerySyntaxError | undefined;
    try {
      parseRunQuery(bad);
    } catch (e) {
      expected = e as QuerySyntaxError;
    }
    expect(expected).toBeInstanceOf(QuerySyntaxError);
    await filter(bad);
    const mark = page.locator('.query-error-mark');
    await mark.waitFor();
    expect(Number(await mark.getAttribute('data-position'))).toBe(expected!.position);
    expect(await mark.textContent()).toBe(bad.slice(expected!.position, expected!.position + Math.max(1, expected!.length)));
    expect(await page.locator('.query-error').textContent()).toContain(expected!.message);
    expect(await page.getByRole('textbox', { name: 'Filter runs' }).getAttribute('aria-invalid')).toBe('true');
    // The rows stay those of the last query that parsed.
    expect(await explorer().getAttribute('data-total')).toBe('3');
    await screenshot(page, 'runs-explorer-query-error');
    await filter('');
    await expect.poll(() => page.locator('.query-error').count()).toBe(0);
  });

  it('groups runs by experiment and opens Compare on the selected runs', async () => {
    await page.getByLabel('Group by experiment').check();
    await expect.poll(() => page.locator('.runs-group').evaluateAll((g) => g.map((x) => x.getAttribute('data-experiment')).sort())).toEqual(['baselines', 'hybrids']);
    await page.locator('.runs-group[data-experiment=baselines]').click();
    await expect.poll(() => page.locator('.runs-explorer .runs-row[data-run]').count()).toBe(1);
    await page.locator('.runs-group[data-experiment=baselines]').click();
    await page.getByLabel('Group by experiment').uncheck();
    await expect.poll(() => page.locator('.runs-explorer .runs-row[data-run]').count()).toBe(3);

    await page.locator(`.runs-row[data-run="${ids.ease}"] .runs-cell.status`).click();
    await page.locator(`.runs-row[data-run="${ids.hybrid}"] .runs-cell.status`).click({ modifiers: ['Control'] });
    const compare = page.locator('[data-action=compare]');
    await expect.poll(() => compare.textContent()).toContain('Compare (2)');
    const order = (await rowIds()).filter((id) => id === ids.ease || id === ids.hybrid);
    await compare.click();
    await expect.poll(() => page.locator('.tab.active').getAttribute('data-path')).toBe(`reclab:compare/${order.join(',')}`);
    await page.locator('.tab[data-path="reclab:runs"]').click();
  });

  it('adds a param column chosen from the keys the runs have, sorts by it, and removes it', async () => {
    await page.locator('[data-action=columns]').click();
    const option = page.locator('.column-chooser input[data-param="model.type"]');
    await option.waitFor();
    await option.check();
    const header = page.locator('.runs-table-head [data-column="param:model.type"]');
    await header.waitFor();
    await header.click();
    await expect.poll(() => header.getAttribute('aria-sort')).toBe('ascending');
    const cells = () => page.locator('.runs-row[data-run]').evaluateAll((rows) => rows.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top).map((r) => r.querySelector('[data-param-value]')?.textContent));
    await expect.poll(cells).toEqual(['ease', 'hybrid', 'mostpop']);
    // The columns and the sort are the workspace's: another window (a reload here) opens the explorer as it was left.
    const other = await openWorkbench(browser, served, 'light');
    watch(other.page);
    await expect
      .poll(async () => ((await call<{ views?: { runsExplorer?: { params?: string[] } } }>('ui.getState', {})).views?.runsExplorer?.params ?? []).join(','), { timeout: 15_000 })
      .toBe('model.type');
    await other.page.goto(`${served.url}#open=${encodeURIComponent('reclab:runs')}`);
    const otherHeader = other.page.locator('.runs-table-head [data-column="param:model.type"]');
    await otherHeader.waitFor({ timeout: 30_000 });
    expect(await otherHeader.getAttribute('aria-sort')).toBe('ascending');
    await other.context.close();
    await option.uncheck();
    await expect.poll(() => header.count()).toBe(0);
    await page.locator('.column-chooser [aria-label=Close]').click();
  });

  it('exports a run from the explorer: a bundle that loadBundle reads and a top-K CSV whose rows match the run\'s topk.csv, downloadable', async () => {
    await page.locator(`.runs-row[data-run="${ids.hybrid}"] .runs-cell.status`).click();
    await page.locator('[data-action=export-open]').click();
    await page.locator('.export-panel [data-action=export]').click();
    const result = page.locator('.export-result');
    await result.waitFor({ timeout: 120_000 });
    const dir = (await result.getAttribute('data-export-dir'))!;
    expect(dir).toBe(`exports/gated-hybrid-${ids.hybrid.slice(0, 8)}`);
    const files = await page.locator('.export-files [data-file]').evaluateAll((li) => li.map((l) => l.getAttribute('data-file')));
    expect(files.sort()).toEqual(['bundle', 'item_embeddings.tsv', 'item_metadata.tsv', 'metrics.csv', 'metrics.json', 'topk.csv'].map((f) => `${dir}/${f}`).sort());
    const bundle = await loadBundle(path.join(ws, dir, 'bundle'));
    expect(bundle.spec.model.type).toBe('hybrid');
    bundle.dispose();
    const rows = (text: string) => text.trimEnd().split('\n').slice(1);
    const exported = rows(fs.readFileSync(path.join(ws, dir, 'topk.csv'), 'utf8'));
    const evaluated = rows(fs.readFileSync(path.join(ws, '.reclab', 'artifacts', ids.hybrid, 'topk.csv'), 'utf8'));
    expect(evaluated.length).toBeGreaterThan(0);
    const set = new Set(exported);
    expect(evaluated.every((l) => set.has(l))).toBe(true);
    // The page's download link serves the same file (browser mode).
    const href = (await page.locator(`.export-files [data-file="${dir}/topk.csv"] a`).getAttribute('href'))!;
    const download = await page.request.get(new URL(href, served.origin).toString());
    expect(download.status()).toBe(200);
    expect(await download.text()).toBe(fs.readFileSync(path.join(ws, dir, 'topk.csv'), 'utf8'));
    await page.locator('.export-panel [aria-label=Close]').click();
  }, 180_000);

  it('moves runs to the trash and restores them, losing nothing; emptying the trash asks first', async () => {
    const before = await Promise.all([ids.ease, ids.mostpop].map((runId) => call<Record<string, unknown>>('runs.get', { runId })));
    await page.locator(`.runs-row[data-run="${ids.ease}"] .runs-cell.status`).click();
    await page.locator(`.runs-row[data-run="${ids.mostpop}"] .runs-cell.status`).click({ modifiers: ['Control'] });
    await page.locator('[data-action=trash]').click();
    await expect.poll(() => explorer().getAttribute('data-total')).toBe('1');
    await page.locator('[data-action=show-trash]').click();
    await expect.poll(() => explorer().getAttribute('data-trash')).toBe('true');
    await expect.poll(() => explorer().getAttribute('data-total')).toBe('2');
    await page.locator(`.runs-row[data-run="${ids.ease}"] .runs-cell.status`).click();
    await page.locator(`.runs-row[data-run="${ids.mostpop}"] .runs-cell.status`).click({ modifiers: ['Shift'] });
    await page.locator('[data-action=restore]').click();
    await expect.poll(() => explorer().getAttribute('data-total')).toBe('0');
    const after = await Promise.all([ids.ease, ids.mostpop].map((runId) => call<Record<string, unknown>>('runs.get', { runId })));
    expect(after).toEqual(before);
    await page.locator('[data-action=show-trash]').click();
    await expect.poll(() => explorer().getAttribute('data-total')).toBe('3');

    // Emptying: asked first; Cancel keeps the run, the confirmation deletes it for good.
    await page.locator(`.runs-row[data-run="${ids.mostpop}"] .runs-cell.status`).click();
    await page.keyboard.press('Delete');
    await expect.poll(() => explorer().getAttribute('data-total')).toBe('2');
    await page.locator('[data-action=show-trash]').click();
    await expect.poll(() => explorer().getAttribute('data-total')).toBe('1');
    await page.locator('[data-action=empty-trash]').click();
    const confirm = page.getByRole('alertdialog', { name: 'Empty Trash' });
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain('Delete the 1 run in the trash for good');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await call<{ total: number }>('runs.list', { trashed: true })).toMatchObject({ total: 1 });
    await page.locator('[data-action=empty-trash]').click();
    await page.locator('[data-action=confirm-empty]').click();
    await expect.poll(() => explorer().getAttribute('data-total')).toBe('0');
    expect(fs.existsSync(path.join(ws, '.reclab', 'artifacts', ids.mostpop))).toBe(false);
    await page.locator('[data-action=show-trash]').click();
    await expect.poll(() => explorer().getAttribute('data-total')).toBe('2');
  });

  it('opens a run\'s page: metrics by segment, a series chart, params, log; rename, tags and notes are kept', async () => {
    await page.locator(`.runs-row[data-run="${ids.hybrid}"] .runs-cell.name a`).click();
    await expect.poll(() => page.locator('.tab.active').getAttribute('data-path')).toBe(`reclab:run/${ids.hybrid}`);
    const runPage = page.locator(`.run-page[data-run="${ids.hybrid}"]`);
    await runPage.waitFor();
    const run = await call<{ finalMetrics: Record<string, Record<string, number>>; params: Record<string, string> }>('runs.get', { runId: ids.hybrid });
    expect(await runPage.locator('[data-segment=overall][data-metric="ndcg@10"]').textContent()).toBe(run.finalMetrics.overall['ndcg@10'].toFixed(4));
    expect(Object.keys(run.finalMetrics).length).toBeGreaterThan(1);
    expect(await runPage.locator('.run-metrics thead th').count()).toBe(Object.keys(run.finalMetrics).length + 1);
    await runPage.locator('.series-chart .main-svg').first().waitFor({ timeout: 30_000 });
    expect(await runPage.locator('[aria-label=Params] th', { hasText: /^model\.type$/ }).count()).toBe(1);
    expect((await runPage.locator('.run-log').textContent())!.length).toBeGreaterThan(0);

    await runPage.getByRole('button', { name: 'Rename (F2)' }).click();
    const name = runPage.getByRole('textbox', { name: 'Run name' });
    await name.fill('gated hybrid, tuned');
    await name.press('Enter');
    await expect.poll(async () => (await call<{ name: string }>('runs.get', { runId: ids.hybrid })).name).toBe('gated hybrid, tuned');
    await expect.poll(() => runPage.locator('.run-name').textContent()).toBe('gated hybrid, tuned');
    const tag = runPage.getByRole('textbox', { name: 'Add a tag' });
    await tag.fill('stage=tuned');
    await tag.press('Enter');
    await runPage.locator('.runs-tag[data-tag=stage]').waitFor();
    const notes = runPage.getByRole('textbox', { name: 'Notes' });
    await notes.fill('Gate on item features; 2 epochs only.');
    await tag.focus();
    await expect.poll(async () => (await call<{ tags: Record<string, string>; notes?: string }>('runs.get', { runId: ids.hybrid })).notes).toBe('Gate on item features; 2 epochs only.');
    expect((await call<{ tags: Record<string, string> }>('runs.get', { runId: ids.hybrid })).tags.stage).toBe('tuned');
    // As a user comes to it: the top of the page, no toasts over it.
    const clear = page.locator('.toast [aria-label="Clear Notification"]');
    while ((await clear.count()) > 0) await clear.first().click();
    await runPage.evaluate((el) => el.closest('.editor-slot')?.scrollTo(0, 0));
    await screenshot(page, 'run-page-light');

    // The explorer heard of the changes, and filters by the new tag.
    await page.locator('.tab[data-path="reclab:runs"]').click();
    await filter('tags.stage = "tuned"');
    await expect.poll(() => explorer().getAttribute('data-total')).toBe('1');
    expect(await page.locator(`.runs-row[data-run="${ids.hybrid}"] .runs-cell.name`).textContent()).toBe('gated hybrid, tuned');
    await filter('');

    // F2 renames the focused row in place, as in VS Code's explorer; Escape keeps the name.
    const easeRow = page.locator(`.runs-row[data-run="${ids.ease}"]`);
    await easeRow.click();
    await page.keyboard.press('F2');
    const box = easeRow.getByRole('textbox', { name: 'Run name' });
    await box.fill('ease, lambda 50');
    await page.keyboard.press('Escape');
    await expect.poll(() => box.count()).toBe(0);
    expect((await call<{ name: string }>('runs.get', { runId: ids.ease })).name).toBe('ease');
    // The keyboard is back on the rows: F2 again, and Enter saves.
    await page.keyboard.press('F2');
    await box.fill('ease, lambda 50');
    await screenshot(page, 'runs-explorer-rename');
    await box.press('Enter');
    await expect.poll(async () => (await call<{ name: string }>('runs.get', { runId: ids.ease })).name).toBe('ease, lambda 50');
    await expect.poll(() => easeRow.locator('.runs-cell.name').textContent()).toBe('ease, lambda 50');
  });

  it('"Open as Notebook" restores the notebook the run was made from into a new workspace file', async () => {
    await page.locator(`.tab[data-path="reclab:run/${ids.hybrid}"]`).click();
    await page.locator('.run-page [data-action=open-notebook]').click();
    const file = `gated hybrid, tuned-${ids.hybrid.slice(0, 8)}.recnb`;
    await expect.poll(() => page.locator('.tab.active').getAttribute('data-path')).toBe(file);
    expect(JSON.parse(fs.readFileSync(path.join(ws, file), 'utf8')).metadata.name).toBe('gated hybrid');
  });

  it('follows a run started elsewhere live: it appears, then shows FINISHED with its metric, without a refresh', async () => {
    await page.locator('.tab[data-path="reclab:runs"]').click();
    await expect.poll(() => explorer().getAttribute('data-total')).toBe('2');
    const { runId } = await call<{ runId: string }>('runs.start', { notebook: notebook('mostpop again', 'baselines', [['model', { type: 'mostpop' }], evaluate]) });
    const status = page.locator(`.runs-row[data-run="${runId}"] [data-status]`);
    await expect.poll(() => explorer().getAttribute('data-total'), { timeout: 30_000 }).toBe('3');
    await expect.poll(() => status.getAttribute('data-status'), { timeout: 120_000 }).toBe('FINISHED');
    const run = await call<{ finalMetrics: Record<string, Record<string, number>> }>('runs.get', { runId });
    await expect.poll(() => page.locator(`.runs-row[data-run="${runId}"] .runs-cell.numeric`).first().textContent()).toBe(run.finalMetrics.overall['ndcg@10'].toFixed(4));
    ids.again = runId;
  }, 180_000);

  it('draws the explorer and the run page in the dark theme', async () => {
    const dark = await openWorkbench(browser, served, 'dark');
    watch(dark.page);
    await dark.page.goto(`${served.url}#open=${encodeURIComponent('reclab:runs')}`);
    await expect.poll(() => dark.page.locator('.runs-explorer').getAttribute('data-total')).toBe('3');
    await dark.page.locator('.runs-table-head [data-column="metric:ndcg@10"]').click();
    await screenshot(dark.page, 'runs-explorer-dark');
    await dark.page.locator(`.runs-row[data-run="${ids.hybrid}"]`).dblclick();
    await dark.page.locator(`.run-page[data-run="${ids.hybrid}"] .series-chart .main-svg`).first().waitFor({ timeout: 30_000 });
    await screenshot(dark.page, 'run-page-dark');
    await dark.context.close();
  });

  it('follows a training run on its page and in a compare: both curves grow while it runs, and end when it is cancelled', async () => {
    const { runId } = await call<{ runId: string }>('runs.start', { notebook: notebook('live mf', 'live', [['model', { type: 'mf', dim: 8 }], ['train', { epochs: 2000, batchSize: 32, evalEvery: 0, logEvery: 10 }], evaluate]) });
    const live = await openWorkbench(browser, served, 'light');
    watch(live.page);
    await live.page.goto(`${served.url}#open=${encodeURIComponent(`reclab:run/${runId}`)}`);
    const runPage = live.page.locator(`.run-page[data-run="${runId}"]`);
    // The first trace's points; 0 while the chart is (re)drawn.
    const plotPoints = async (plot: ReturnType<Page['locator']>) => ((await plot.count()) ? await plot.first().evaluate((el) => (el as unknown as { data?: { x: number[] }[] }).data?.[0]?.x.length ?? 0) : 0);
    const chart = runPage.locator('.series-chart .js-plotly-plot');
    // The page opened before the first loss: it finds the series when it comes, then grows without a reload.
    await expect.poll(() => plotPoints(chart), { timeout: 120_000 }).toBeGreaterThan(0);
    const first = await plotPoints(chart);
    await expect.poll(() => plotPoints(chart), { timeout: 60_000 }).toBeGreaterThan(first);
    expect(await runPage.getAttribute('data-status')).toBe('RUNNING');
    await screenshot(live.page, 'run-page-live');

    await live.page.evaluate((hash) => (location.hash = hash), `#open=${encodeURIComponent(`reclab:compare/${runId},${ids.ease}`)}`);
    // The workspace's saved tabs reopen earlier compares too (kept mounted while hidden): this one is the compare of the live run.
    const compare = live.page.locator('.compare-view').filter({ hasText: 'live mf' });
    await compare.locator('.compare-live').waitFor({ timeout: 60_000 });
    const curve = compare.locator('.chart-panel[aria-label="train/loss"] .js-plotly-plot');
    await curve.waitFor({ timeout: 60_000 });
    await expect.poll(() => plotPoints(curve), { timeout: 60_000 }).toBeGreaterThan(0);
    const before = await plotPoints(curve);
    await expect.poll(() => plotPoints(curve), { timeout: 60_000 }).toBeGreaterThan(before);
    await screenshot(live.page, 'compare-live');

    await call('runs.cancel', { runId });
    await compare.locator('.compare-live').waitFor({ state: 'detached', timeout: 60_000 });
    expect((await call<{ status: string }>('runs.get', { runId })).status).toBe('KILLED');
    await live.context.close();
  }, 300_000);

  it('logged no page error and no console error (CSP violations included)', async () => {
    await context.close();
    expect(problems).toEqual([]);
  });
});
