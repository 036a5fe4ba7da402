import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallResult } from '../../app/common/api';
import { expectRefusedCall, haveBuild, haveChromium, launchBrowser, openWorkbench, ROOT, screenshot, startServe, tempWorkspace, type Served, callApi, watchPage } from './harness';

// Code run in the page goes as strings: this file is type-checked without the DOM's types.

/**
 * The recommendations inspector, the gate and embedding views and the dataset import in
 * headless Chromium against the built `reclab serve`: reached from the command palette, with
 * a gated hybrid trained on a cold-item split (so cold items exist) and an EASE run beside it.
 */
describe.skipIf(!haveBuild || !haveChromium)('inspector, gate and embedding views, dataset import (browser mode)', () => {
  let served: Served;
  let ws: string;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const runs: Record<'hybrid' | 'ease', string> = { hybrid: '', ease: '' };

  const call = <T,>(name: string, body: unknown) => callApi<T>(served, name, body);

  /** An example notebook with some cells replaced, started through the API. */
  const start = async (file: string, name: string, cells: Record<string, unknown>) => {
    const nb = JSON.parse(fs.readFileSync(path.join(ROOT, 'experiments', file), 'utf8')) as { metadata: { name: string }; cells: { kind: string; source: string }[] };
    nb.metadata.name = name;
    for (const [kind, source] of Object.entries(cells)) nb.cells.find((c) => c.kind === kind)!.source = JSON.stringify(source, null, 2);
    return (await call<{ runId: string }>('runs.start', { notebook: JSON.stringify(nb) })).runId;
  };

  const palette = async (command: string, pick: string) => {
    await page.keyboard.press('Control+Shift+P');
    // Filled rather than typed: the notebook restored at start-up may still be taking the focus.
    await page.locator('.quick-input-box').fill(`>${command}`);
    await expect.poll(() => page.locator('.quick-input-row.active .quick-input-label').textContent()).toMatch(/^Runs: /);
    await page.keyboard.press('Enter');
    // The run picker replaces the palette (its box starts empty).
    await expect.poll(() => page.locator('.quick-input-box').getAttribute('placeholder')).toMatch(/^Select a/);
    await page.locator('.quick-input-row').first().waitFor();
    await page.locator('.quick-input-box').fill(pick);
    await expect.poll(() => page.locator('.quick-input-row.active .quick-input-label').textContent()).toBe(pick);
    await page.locator('.quick-input-box').press('Enter');
  };

  const theme = async (title: string) => {
    await page.keyboard.press('Control+Shift+P');
    await page.keyboard.type(title);
    await page.keyboard.press('Enter');
  };

  beforeAll(async () => {
    ws = tempWorkspace();
    served = await startServe(ws);
    browser = await launchBrowser();
    // A gated hybrid on a cold-item split, trained two epochs so the test stays short; EASE beside it.
    const hybridTrain = JSON.parse(JSON.parse(fs.readFileSync(path.join(ROOT, 'experiments', 'hybrid-gate-sample.recnb'), 'utf8')).cells.find((c: { kind: string }) => c.kind === 'train').source);
    runs.hybrid = await start('hybrid-gate-sample.recnb', 'gated-cold', { split: { kind: 'cold-item', holdout: 0.2 }, train: { ...hybridTrain, epochs: 2 } });
    runs.ease = await start('baselines-sample.recnb', 'ease-cold', { split: { kind: 'cold-item', holdout: 0.2 }, model: { type: 'ease', lambda: 200 } });
    for (const runId of Object.values(runs)) {
      let status = 'RUNNING';
      while (status === 'RUNNING') {
        await new Promise((r) => setTimeout(r, 1000));
        status = (await call<{ status: string }>('runs.get', { runId })).status;
      }
      expect(status, `run ${runId}: ${(await call<string[]>('runs.log', { runId })).join('\n')}`).toBe('FINISHED');
    }
    ({ page } = await openWorkbench(browser, served, 'light'));
    watchPage(page, problems);
    await page.locator('.tab').first().waitFor();
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('inspects a user of the gated hybrid: history with titles, top-K with scores and the gate, cold items marked; EASE beside it with the overlap marked', async () => {
    // The notebook restored at start-up focuses its selected cell when it has drawn: after that the keys are ours.
    await page.locator('.cell').first().waitFor();
    await expect.poll(() => page.evaluate("!!document.activeElement?.closest('.cell')")).toBe(true);
    // The views get the whole height (the panel opened for the runs' logs).
    if (await page.locator('.panel').count()) await page.keyboard.press('Control+J');
    await expect.poll(() => page.locator('.panel').count()).toBe(0);
    await palette('inspect recommendations', 'gated-cold');
    const view = page.locator(`.inspector[data-run="${runs.hybrid}"]`);
    await view.waitFor();
    // Keyboard first: the search box has the focus; an id typed and Enter shows that user.
    await expect.poll(() => page.evaluate("document.activeElement?.getAttribute('aria-label')")).toBe('Search users by id');
    await page.keyboard.type('u12');
    await expect.poll(() => view.locator('.inspector-user.cursor').getAttribute('data-user')).toBe('u12');
    await page.keyboard.press('Enter');
    await expect.poll(() => view.locator('.inspector-user.selected').getAttribute('data-user')).toBe('u12');

    const expected = await call<CallResult<'inspect.user'>>('inspect.user', { runId: runs.hybrid, user: 'u12', k: 10 });
    const recs = view.locator(`.inspector-recs[data-side-run="${runs.hybrid}"] tbody tr`);
    await expect.poll(() => recs.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-item')))).toEqual(expected.recommendations.map((r) => r.item));
    expect(await recs.locator('td.mono').allTextContents()).toEqual(expected.recommendations.map((r) => r.score.toFixed(3)));
    expect(await recs.locator('.gate-value').allTextContents()).toEqual(expected.recommendations.map((r) => r.gate!.toFixed(2)));
    expect(expected.recommendations.every((r) => r.gate! > 0 && r.gate! < 1)).toBe(true);
    expect(await recs.locator('.inspect-badge.cold').count()).toBe(expected.recommendations.filter((r) => r.cold).length);
    expect(await recs.locator('.inspect-badge.hit').count()).toBe(expected.recommendations.filter((r) => r.hit).length);
    const history = view.locator('.history-table tbody tr');
    expect(await history.count()).toBe(expected.history.length);
    expect(expected.history.length).toBeGreaterThan(0);
    expect(await history.first().locator('.inspect-item-title').textContent()).toBe(expected.history[0].title);
    expect(await view.locator('.history-table th').allTextContents()).toEqual(expect.arrayContaining(['category', 'tags']));

    // Arrows move through the users and show the one under the cursor.
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await expect.poll(() => view.locator('.inspector-user').first().getAttribute('data-user')).toBe('u1');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => view.locator('.inspector-user.selected').getAttribute('data-user')).toBe('u2');
    // Enter right after typing picks from the list of what was typed.
    await page.keyboard.type('u12');
    await page.keyboard.press('Enter');
    await expect.poll(() => view.locator('.inspector-user.selected').getAttribute('data-user')).toBe('u12');

    // A second run for the same user: the items both recommend are marked in both lists.
    await view.locator('.inspector-second').selectOption(runs.ease);
    const other = await call<CallResult<'inspect.user'>>('inspect.user', { runId: runs.ease, user: 'u12', k: 10 });
    const both = expected.recommendations.map((r) => r.item).filter((i) => other.recommendations.some((o) => o.item === i));
    const easeRows = view.locator(`.inspector-recs[data-side-run="${runs.ease}"] tbody tr`);
    await expect.poll(() => easeRows.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-item')))).toEqual(other.recommendations.map((r) => r.item));
    expect(await recs.evaluateAll((rows) => rows.filter((r) => r.classList.contains('overlap')).map((r) => r.getAttribute('data-item')))).toEqual(both);
    expect((await easeRows.evaluateAll((rows) => rows.filter((r) => r.classList.contains('overlap')).map((r) => r.getAttribute('data-item')))).sort()).toEqual([...both].sort());
    expect(await view.locator(`.inspector-recs[data-side-run="${runs.ease}"] .gate-value`).count()).toBe(0);
    await screenshot(page, 'inspector-light');
    await theme('color theme dark');
    await expect.poll(() => page.evaluate('document.documentElement.dataset.theme')).toBe('dark');
    await screenshot(page, 'inspector-dark');
    await theme('color theme light');
  }, 120_000);

  it('draws the gate against popularity with the cold items highlighted, and follows the theme', async () => {
    await palette('show gate', 'gated-cold');
    const view = page.locator(`.gate-view[data-run="${runs.hybrid}"]`);
    await view.locator('.scatter-chart[data-drawn]').waitFor({ timeout: 60_000 });
    const gate = await call<CallResult<'inspect.gate'>>('inspect.gate', { runId: runs.hybrid, sampleUsers: 200, seed: 0 });
    const cold = gate.cold.filter(Boolean).length;
    expect(cold).toBeGreaterThan(0);
    // One SVG point per item: warm in the first trace, cold in the second; then the trend line.
    const points = await view.locator('.scatterlayer .trace').evaluateAll((traces) => traces.map((t) => t.querySelectorAll('.point').length));
    expect(points).toEqual([gate.items.length - cold, cold, 0]);
    expect(await view.locator('.legendtext').allTextContents()).toEqual([`warm items (${gate.items.length - cold})`, `cold items (${cold})`, 'mean gate by popularity']);
    expect(await view.locator('[data-mean=cold]').textContent()).toBe(gate.meanCold!.toFixed(3));
    expect(await view.locator('.xtitle').textContent()).toContain('log scale');
    // The chart saves as SVG (a download of the drawn chart).
    const [download] = await Promise.all([page.waitForEvent('download'), view.locator('button[title="Save as SVG"]').click()]);
    expect(download.suggestedFilename()).toBe(`gate-${runs.hybrid.slice(0, 8)}.svg`);
    const svg = fs.readFileSync((await download.path())!, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('cold items (');
    // On the editor's background, not transparent (an image viewer would show the dark theme's text on nothing).
    // The paper is the first rect: the light theme's --editor-bg, #ffffff.
    expect(/<rect[^>]*>/.exec(svg)?.[0]).toMatch(/^<rect x="0" y="0" width="\d+" height="\d+" style="fill: rgb\(255, 255, 255\); fill-opacity: 1;"/);
    await screenshot(page, 'gate-light');
    await theme('color theme dark');
    // The axis text takes the dark theme's colour without a reload.
    await expect.poll(() => view.locator('.xtitle').evaluate((el) => getComputedStyle(el).fill)).toBe('rgb(157, 157, 157)');
    await screenshot(page, 'gate-dark');
    await theme('color theme light');
  }, 120_000);

  it('projects the item embeddings to 2-D, coloured by popularity or by category, titles on hover', async () => {
    await palette('show item embeddings', 'gated-cold');
    const view = page.locator(`.embeddings-view[data-run="${runs.hybrid}"]`);
    await view.locator('.scatter-chart[data-drawn]').waitFor({ timeout: 60_000 });
    const emb = await call<CallResult<'inspect.embeddings'>>('inspect.embeddings', { runId: runs.hybrid, method: 'pca' });
    expect(await view.locator('.scatterlayer .trace').first().locator('.point').count()).toBe(emb.items.length);
    await screenshot(page, 'embeddings-light');
    await view.locator('select[aria-label="Colour by"]').selectOption('category');
    // The categories replace the popularity scale's legend (items, cold items).
    await expect.poll(() => view.locator('.legendtext').count(), { timeout: 30_000 }).toBeGreaterThan(2);
    const legend = await view.locator('.legendtext').allTextContents();
    expect(legend.every((t) => /^.+ \(\d+\)$/.test(t))).toBe(true);
    expect(legend.reduce((n, t) => n + Number(/\((\d+)\)$/.exec(t)![1]), 0)).toBe(emb.items.length);
    // Hover over a point shows its title.
    const point = view.locator('.scatterlayer .point').first();
    const box = (await point.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => view.locator('.hovertext').count()).toBeGreaterThan(0);
    await theme('color theme dark');
    await expect.poll(() => page.evaluate('document.documentElement.dataset.theme')).toBe('dark');
    await screenshot(page, 'embeddings-dark');
    await theme('color theme light');
  }, 120_000);

  it('switches the projection to UMAP: one finite point per item, placed otherwise than by PCA, busy while it computes, titles on hover', async () => {
    await palette('show item embeddings', 'gated-cold');
    const view = page.locator(`.embeddings-view[data-run="${runs.hybrid}"]`);
    await view.locator('.scatter-chart[data-drawn]').waitFor({ timeout: 60_000 });
    // Coloured by popularity, the first trace holds every item in the projection's order (the cold items' rings follow).
    await view.locator('select[aria-label="Colour by"]').selectOption({ label: 'popularity' });
    const firstTrace = () =>
      view.locator('.js-plotly-plot').evaluate((el) => {
        const t = (el as unknown as { data: { name: string; x: number[]; y: number[]; text: string[] }[] }).data[0];
        return { name: t.name, x: Array.from(t.x), y: Array.from(t.y), text: Array.from(t.text) };
      });
    const args = { runId: runs.hybrid, seed: 0, maxPoints: 20_000 };
    const pca = await call<CallResult<'inspect.embeddings'>>('inspect.embeddings', { ...args, method: 'pca' });
    await expect.poll(async () => (await firstTrace()).x, { timeout: 30_000 }).toEqual(pca.x);
    expect(await view.locator('.xtitle').textContent()).toBe('PCA 1');

    // The busy state, recorded as it comes and goes (UMAP of 1,200 items takes seconds): a status naming the
    // projection, and the PCA chart still drawn marked busy (dimmed), since its axes name the old method.
    await page.evaluate(`(() => {
      const view = document.querySelector('.embeddings-view[data-run="${runs.hybrid}"]');
      window.__busy = [];
      new MutationObserver(() => {
        const status = view.querySelector('.embeddings-busy[role=status]');
        window.__busy.push({ status: status ? status.textContent.trim() : null, spinner: !!status?.querySelector('.codicon-loading'), stale: !!view.querySelector('.embeddings-plot[aria-busy=true]') });
      }).observe(view, { subtree: true, childList: true, attributes: true });
    })()`);
    await view.locator('select[aria-label="Projection"]').selectOption('umap');
    await expect.poll(() => view.locator('.xtitle').textContent(), { timeout: 90_000 }).toBe('UMAP 1');
    expect(await view.locator('.ytitle').textContent()).toBe('UMAP 2');
    await expect.poll(() => view.locator('.embeddings-busy').count()).toBe(0);
    expect(await view.locator('.embeddings-plot[aria-busy]').count()).toBe(0);
    expect(await page.evaluate('window.__busy')).toContainEqual({ status: 'Projecting with UMAP…', spinner: true, stale: true });

    // The points drawn are the host's seeded UMAP layout (cached: the same call answers at once), one per item.
    const umap = await call<CallResult<'inspect.embeddings'>>('inspect.embeddings', { ...args, method: 'umap' });
    expect(umap.method).toBe('umap');
    const drawn = await firstTrace();
    expect(drawn.name).toBe(`items (${pca.items.length})`);
    expect(drawn.x).toEqual(umap.x);
    expect(drawn.y).toEqual(umap.y);
    expect(umap.items).toEqual(pca.items);
    expect([...drawn.x, ...drawn.y].every(Number.isFinite)).toBe(true);
    // Not PCA's layout again: (nearly) every item has moved.
    const moved = drawn.x.filter((x, i) => Math.hypot(x - pca.x[i], drawn.y[i] - pca.y[i]) > 1e-6).length;
    expect(moved).toBeGreaterThan(0.99 * pca.items.length);
    expect(await view.locator('.scatterlayer .trace').first().locator('.point').count()).toBe(pca.items.length);
    expect(drawn.text.every((t, i) => t.startsWith(`${umap.titles[i] ?? `item ${umap.items[i]}`}<br>`))).toBe(true);

    // Hover over the point farthest from any other shows that item's title.
    const points = await view.locator('.scatterlayer .trace').first().locator('.point').evaluateAll((els) =>
      els.map((e) => {
        const r = e.getBoundingClientRect();
        return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
      }),
    );
    let lonely = 0;
    let farthest = -1;
    points.forEach((p, i) => {
      let near = Infinity;
      points.forEach((q, j) => j !== i && (near = Math.min(near, Math.hypot(p.x - q.x, p.y - q.y))));
      if (near > farthest) [lonely, farthest] = [i, near];
    });
    expect(farthest).toBeGreaterThan(4);
    await page.mouse.move(points[lonely].x, points[lonely].y);
    await expect.poll(() => view.locator('.hovertext').first().textContent()).toContain(umap.titles[lonely] ?? `item ${umap.items[lonely]}`);
    await screenshot(page, 'embeddings-umap-light');
    await theme('color theme dark');
    await expect.poll(() => page.evaluate('document.documentElement.dataset.theme')).toBe('dark');
    await screenshot(page, 'embeddings-umap-dark');
    await theme('color theme light');
  }, 180_000);

  it('imports CSV files through the mapping form with a preview and progress; a broken file shows its file, line and column and registers nothing', async () => {
    fs.cpSync(path.join(ROOT, 'test', 'fixtures', 'csv', 'ml-latest'), path.join(ws, 'data', 'ml-latest'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'data', 'bad.csv'), 'u,i,t\n1,2,100\n1,3,yesterday\n');
    await page.keyboard.press('Control+Shift+P');
    await page.keyboard.type('import dataset');
    await expect.poll(() => page.locator('.quick-input-row.active .quick-input-label').textContent()).toBe('Datasets: Import Dataset…');
    await page.keyboard.press('Enter');
    const view = page.locator('.dataset-import');
    await view.waitFor();

    const interactions = view.locator('[data-file=interactions]');
    await interactions.locator('input[aria-label="CSV file"]').fill('data/ml-latest/ratings.csv');
    await interactions.locator('input[aria-label="CSV file"]').press('Enter');
    const preview = await call<CallResult<'datasets.preview'>>('datasets.preview', { path: 'data/ml-latest/ratings.csv', rows: 8 });
    if (preview.kind !== 'csv') throw new Error('not a CSV preview');
    await expect.poll(() => interactions.locator('.preview-table tbody tr').count()).toBe(preview.rows.length);
    expect(await interactions.locator('.preview-table tbody tr').first().locator('td').allTextContents()).toEqual(preview.rows[0]);
    expect(await interactions.locator('select[aria-label="User column"]').inputValue()).toBe('userId');
    expect(await interactions.locator('select[aria-label="Item column"]').inputValue()).toBe('movieId');
    expect(await interactions.locator('select[aria-label="Time column"]').inputValue()).toBe('timestamp');
    const items = view.locator('[data-file=items]');
    await items.locator('input[aria-label="CSV file"]').fill('data/ml-latest/movies.csv');
    await items.locator('button', { hasText: 'Preview' }).click();
    await expect.poll(() => items.locator('select[aria-label="items id column"]').inputValue()).toBe('movieId');
    await items.locator('select[aria-label="items column genres"]').selectOption('multi');
    await items.locator('select[aria-label="items column title"]').selectOption('text');
    await view.locator('input[aria-label="Dataset name"]').fill('ml-latest');
    await screenshot(page, 'datasets-import-light');
    // The progress bar shows while the import runs (recorded as it appears: the import is quick).
    await page.evaluate(`(() => {
      window.__progress = [];
      new MutationObserver(() => {
        const bar = document.querySelector('.import-progress');
        if (bar) window.__progress.push(Number(bar.getAttribute('aria-valuenow')));
      }).observe(document.querySelector('.dataset-import'), { subtree: true, childList: true, attributes: true });
    })()`);
    await view.locator('button.import-button').click();
    await view.locator('.import-status.done').waitFor({ timeout: 60_000 });
    const seen = (await page.evaluate('window.__progress')) as number[];
    expect(seen.length).toBeGreaterThan(0);
    expect(Math.max(...seen)).toBeGreaterThan(0);
    const listed = (await call<CallResult<'datasets.list'>>('datasets.list', {})).find((d) => d.name === 'ml-latest');
    expect(listed).toMatchObject({ source: 'csv' });
    expect(await view.locator('.import-status.done').textContent()).toContain(`${listed!.stats!.interactions} interactions`);

    // A broken file: its error names file, line and column, and nothing is registered.
    await interactions.locator('input[aria-label="CSV file"]').fill('data/bad.csv');
    await interactions.locator('input[aria-label="CSV file"]').press('Enter');
    await expect.poll(() => interactions.locator('.preview-table tbody tr').count()).toBe(2);
    await interactions.locator('select[aria-label="Time column"]').selectOption('t');
    await items.locator('input[aria-label="CSV file"]').fill('');
    await view.locator('input[aria-label="Dataset name"]').fill('bad');
    await view.locator('button.import-button').click();
    const failed = view.locator('.import-status.failed');
    await failed.waitFor({ timeout: 60_000 });
    expect(await failed.locator('[data-where=file]').textContent()).toBe(path.join(fs.realpathSync(ws), 'data', 'bad.csv'));
    expect(await failed.locator('[data-where=line]').textContent()).toBe('3');
    expect(await failed.locator('[data-where=column]').textContent()).toBe('t');
    expect(await failed.textContent()).toContain('Nothing was registered');
    // The preview marks the cell the error names (line 3 is the second data row).
    expect(await interactions.locator('td.failed-cell').textContent()).toBe('yesterday');
    expect((await call<CallResult<'datasets.list'>>('datasets.list', {})).map((d) => d.name)).not.toContain('bad');
    // Chromium logs the refused call's HTTP status (422): that one is expected, nothing else.
    await expectRefusedCall(problems);
    await screenshot(page, 'datasets-error-light');
    await theme('color theme dark');
    await expect.poll(() => page.evaluate('document.documentElement.dataset.theme')).toBe('dark');
    await screenshot(page, 'datasets-error-dark');
    await theme('color theme light');
  }, 120_000);

  it('logged no page error and no console error (CSP violations included)', () => {
    expect(problems).toEqual([]);
  });
});
