import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Host } from '../../../app/host';
import { FIRST_NOTEBOOK, Workbench, type WorkbenchEnvironment } from '../../../app/renderer/workbench/workbench';
import { hostClient } from '../host-client';

/** A notebook that trains for a few seconds: a small sample, MF, three epochs. */
export function smallNotebook(name: string): string {
  const cell = (id: string, kind: string, source: unknown) => ({ id, kind, source: JSON.stringify(source, null, 2) });
  return JSON.stringify({
    format: 1,
    metadata: { name, experiment: 'shell-tests', seed: 7 },
    cells: [
      cell('d', 'data', { source: 'sample', sample: { users: 120, items: 100, interactions: 3000 } }),
      cell('s', 'split', { kind: 'random', ratios: [0.8, 0.1, 0.1] }),
      cell('m', 'model', { type: 'mf', dim: 8 }),
      cell('t', 'train', { epochs: 3, batchSize: 128, logEvery: 1, evalEvery: 1 }),
      cell('e', 'evaluate', { ks: [10], metric: 'ndcg@10' }),
    ],
  });
}

const env: WorkbenchEnvironment = { isMac: false, systemDark: false, reload: () => {}, saveDelayMs: 20 };

async function until(what: string, cond: () => boolean, ms = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

// The workbench's models against the real host (no DOM): what a page does, without the page.
describe('Workbench over the real host', () => {
  let dir: string;
  let host: Host;
  let client: ReturnType<typeof hostClient>;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-workbench-'));
    host = Host.open({ workspace: dir, mode: 'browser', seedExamples: true });
    client = hostClient(host);
  });
  afterAll(async () => {
    client.dispose();
    await host.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('on a first launch lists the seeded examples and opens the hybrid notebook', async () => {
    const wb = new Workbench(client, env);
    await wb.ready;
    expect(wb.notebooks.value!.map((n) => n.path)).toEqual(expect.arrayContaining(['examples/baselines-sample.recnb', FIRST_NOTEBOOK]));
    expect(wb.tabs.tabs.map((t) => t.path)).toEqual([FIRST_NOTEBOOK]);
    expect(wb.tabs.active).toBe(FIRST_NOTEBOOK);
    await until('app.info', () => !!wb.info.value);
    expect(wb.info.value!.workspaceName).toBe(path.basename(dir));
    wb.dispose();
  });

  it('keeps a tab the user opened before the saved layout arrived, in front (a slow start)', async () => {
    const wb = new Workbench(client, env);
    // Clicked at once: the saved state (ui.getState) is still on its way.
    wb.openEditor('reclab:runs');
    await wb.ready;
    expect(wb.tabs.tabs.map((t) => t.path)).toEqual(expect.arrayContaining(['reclab:runs']));
    expect(wb.tabs.active).toBe('reclab:runs');
    wb.dispose();
  });

  it('saves the layout per workspace and restores it: tabs, active tab, side bar, panel, theme, folders', async () => {
    const wb = new Workbench(client, env);
    await wb.ready;
    wb.openEditor('examples/baselines-sample.recnb');
    wb.openEditor('examples/itemknn-sample.recnb');
    wb.tabs.activate('examples/baselines-sample.recnb');
    wb.layout.resizeSidebar(333);
    wb.layout.showView('runs');
    wb.layout.togglePanelTab('problems');
    wb.layout.resizePanel(310);
    wb.theme.choose('dark');
    wb.tree.toggle('examples');
    await wb.flushState();
    wb.dispose();

    // A tab whose file went away meanwhile is not reopened.
    fs.rmSync(path.join(dir, 'examples', 'itemknn-sample.recnb'));
    const again = new Workbench(client, env);
    await again.ready;
    expect(again.tabs.tabs.map((t) => t.path)).toEqual([FIRST_NOTEBOOK, 'examples/baselines-sample.recnb']);
    expect(again.tabs.active).toBe('examples/baselines-sample.recnb');
    expect(again.layout.state).toEqual({ sidebar: { visible: true, view: 'runs', width: 333 }, panel: { visible: true, tab: 'problems', height: 310 } });
    expect(again.theme.choice).toBe('dark');
    expect(again.tree.toJSON()).toEqual(['examples']);

    // Closing every tab is remembered too: the first notebook is not forced open again.
    again.tabs.closeAll();
    await again.flushState();
    again.dispose();
    const third = new Workbench(client, env);
    await third.ready;
    expect(third.tabs.tabs).toEqual([]);
    third.dispose();
  });

  it('creates a notebook from a template through the quick input, refusing a name that is taken', async () => {
    const wb = new Workbench(client, env);
    await wb.ready;
    const done = wb.newNotebook();
    await until('the template pick', () => wb.quickInput.mode === 'pick');
    wb.quickInput.setValue('gate');
    expect(wb.quickInput.items[0].label).toMatch(/gate/i);
    const template = wb.quickInput.items[0].id;
    wb.quickInput.accept();
    await until('the name box', () => wb.quickInput.mode === 'input');
    expect(wb.quickInput.value).not.toBe('');
    fs.writeFileSync(path.join(dir, 'taken.recnb'), '{}');
    await wb.notebooks.refresh();
    // The box was opened before the file existed; the list it checks is the one it had.
    wb.quickInput.setValue('bad/name');
    expect(wb.quickInput.validation).toMatch(/cannot contain/);
    expect(wb.quickInput.accept()).toBe(false);
    wb.quickInput.setValue('my experiment');
    expect(wb.quickInput.accept()).toBe(true);
    await done;
    expect(fs.existsSync(path.join(dir, 'my experiment.recnb'))).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'my experiment.recnb'), 'utf8')).metadata.name).toBe('my experiment');
    expect(wb.tabs.active).toBe('my experiment.recnb');
    expect(wb.notebooks.value!.some((n) => n.path === 'my experiment.recnb')).toBe(true);
    expect(template).toBeTruthy();

    // A name the workspace has: the box says so and stays open.
    const again = wb.newNotebook();
    await until('the template pick', () => wb.quickInput.mode === 'pick');
    wb.quickInput.accept();
    await until('the name box', () => wb.quickInput.mode === 'input');
    wb.quickInput.setValue('taken');
    expect(wb.quickInput.validation).toBe('taken.recnb exists already; choose another name.');
    wb.quickInput.dismiss();
    await again;
    wb.dispose();
  });

  it('follows a run: live in the status bar model with progress, its log without a line twice, then in the recent runs', async () => {
    const wb = new Workbench(client, env);
    await wb.ready;
    const progress: string[] = [];
    wb.liveRuns.onDidChange(() => {
      const r = wb.liveRuns.runs[0];
      if (r) progress.push(`${r.progress.phase}:${r.progress.fit?.epoch ?? ''}/${r.progress.fit?.epochs ?? ''}`);
    });
    const { runId } = await client.call('runs.start', { notebook: smallNotebook('shell-live'), path: FIRST_NOTEBOOK });
    await until('the run to show as live', () => wb.liveRuns.get(runId) !== undefined);
    expect(wb.liveRuns.get(runId)).toMatchObject({ name: 'shell-live', notebook: FIRST_NOTEBOOK, preview: false });
    // The panel follows the new run.
    expect(wb.runLog.runId).toBe(runId);
    expect(wb.runLog.pinned).toBe(false);
    await until('the run to end', () => wb.liveRuns.get(runId) === undefined);
    expect(progress).toEqual(expect.arrayContaining(['train:3/3']));
    await until('the recent runs to list it finished', () => wb.recentRuns.value?.runs.find((r) => r.id === runId)?.status === 'FINISHED');
    const row = wb.recentRuns.value!.runs.find((r) => r.id === runId)!;
    expect(row).toMatchObject({ status: 'FINISHED', notebook: FIRST_NOTEBOOK });
    expect(row.metrics['ndcg@10']).toBeGreaterThan(0);
    // Every line of the worker's log, once, in order.
    expect([...wb.runLog.lines]).toEqual(await client.call('runs.log', { runId }));
    expect(wb.runLog.lines.some((l) => /epoch 3\/3/.test(l))).toBe(true);
    expect(wb.notifications.toasts.map((t) => t.message)).toContainEqual(expect.stringMatching(/^shell-live finished: ndcg@10 0\.\d{4}$/));
    // Its notebook is in the workspace: opening the run opens the notebook.
    wb.tabs.closeAll();
    wb.openRun({ runId, notebook: row.notebook });
    expect(wb.tabs.active).toBe(FIRST_NOTEBOOK);
    // A run whose notebook is gone shows its log instead.
    wb.layout.togglePanel();
    wb.openRun({ runId, notebook: 'gone.recnb' });
    expect(wb.layout.state.panel).toMatchObject({ visible: true, tab: 'log' });
    expect(wb.runLog.pinned).toBe(true);
    wb.dispose();
  });

  it('shows a dropped event channel, and on its return reads again what it missed (runs that started and ended meanwhile)', async () => {
    const wb = new Workbench(client, env);
    await wb.ready;
    client.setConnected(true);
    expect(wb.connection.connected).toBe(true);
    client.setConnected(false);
    expect(wb.connection.connected).toBe(false);
    const { runId } = await client.call('runs.start', { notebook: smallNotebook('shell-offline'), path: FIRST_NOTEBOOK });
    const deadline = Date.now() + 60_000;
    while ((await client.call('runs.live', {})).some((r) => r.runId === runId) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    // Nothing arrived while the channel was down.
    expect(wb.liveRuns.get(runId)).toBeUndefined();
    expect(wb.recentRuns.value?.runs.some((r) => r.id === runId)).toBe(false);
    client.setConnected(true);
    expect(wb.connection.connected).toBe(true);
    await until('the missed run to be listed', () => wb.recentRuns.value?.runs.find((r) => r.id === runId)?.status === 'FINISHED');
    expect(wb.notifications.toasts.map((t) => t.message)).toContain('Connection to RecLab restored.');
    wb.dispose();
  });

  it('reads a finished run log chosen in the picker, and keeps it chosen across a restart', async () => {
    const wb = new Workbench(client, env);
    await wb.ready;
    const runs = (await client.call('runs.list', {})).runs;
    expect(runs.length).toBeGreaterThan(0);
    await wb.runLog.select(runs[0].id, { pinned: true });
    expect([...wb.runLog.lines]).toEqual(await client.call('runs.log', { runId: runs[0].id }));
    await wb.flushState();
    wb.dispose();
    const again = new Workbench(client, env);
    await again.ready;
    expect(again.runLog.runId).toBe(runs[0].id);
    again.dispose();
  });
});
