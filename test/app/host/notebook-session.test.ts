import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Host } from '../../../app/host';
import type { ApiClient } from '../../../app/common/api';
import { NotebookSession, type SessionNotice } from '../../../app/renderer/notebook/notebook-session';
import { CommandModeKeys, type KeyPress } from '../../../app/renderer/notebook/notebook-keys';
import { inProcessClient, waitFor } from './in-process-client';

const key = (k: string, mods: Partial<KeyPress> = {}): KeyPress => ({ key: k, ctrl: false, shift: false, alt: false, meta: false, ...mods });

// The notebook editor's session (document, runs, keys) against the real host and worker processes.
describe('NotebookSession with the host', () => {
  let dir: string;
  let host: Host;
  let api: ApiClient;
  const file = 'examples/hybrid-gate-sample.recnb';
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-session-'));
    host = Host.open({ workspace: dir, mode: 'browser', seedExamples: true });
    api = inProcessClient(host);
  });
  afterAll(async () => {
    await host.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to run a notebook with an error, naming the cell, and starts nothing', async () => {
    const s = await NotebookSession.open(api, file);
    const notices: SessionNotice[] = [];
    s.onNotice((n) => notices.push(n));
    expect(s.diagnostics).toEqual([]);
    expect(s.runs.run).toBeUndefined();
    s.setSource('c5', '{\n  "type": "hybrid",\n  "dimm": 32\n}');
    expect(s.runBlocker('c5')).toBe("This cell has an error: model.dimm: unknown parameter 'dimm' for model type 'hybrid'; did you mean 'dim'?");
    expect(await s.runAll()).toBeUndefined();
    expect(await s.runCell('c2')).toBeUndefined();
    expect(notices.map((n) => n.message)).toEqual([
      "Cell 5 (model) has an error: model.dimm: unknown parameter 'dimm' for model type 'hybrid'; did you mean 'dim'?",
      "Cell 5 (model) has an error: model.dimm: unknown parameter 'dimm' for model type 'hybrid'; did you mean 'dim'?",
    ]);
    s.setSource('c5', '{\n  "type": "hybrid",\n  "dim": 32\n');
    expect(s.runBlocker()).toMatch(/^This cell|^Cell 5 \(model\) has an error: not valid JSON: line 4/);
    expect(await api.call('runs.live', {})).toEqual([]);
    s.dispose();
  });

  it('runs a data cell as a preview: the data stage succeeds with its output, nothing is recorded', async () => {
    const s = await NotebookSession.open(api, file);
    const runId = await s.runCell('c2');
    expect(runId).toMatch(/^preview-/);
    expect(s.runs.running).toBe(true);
    expect(s.runBlocker()).toMatch(/going on/);
    await waitFor(() => !s.runs.running, 120_000);
    expect(s.runs.run).toMatchObject({ runId, status: 'FINISHED', preview: true, until: 'data' });
    expect(s.runs.section('data')).toMatchObject({ status: 'succeeded' });
    expect(s.runs.section('data')!.elapsedMs).toBeGreaterThan(0);
    expect(s.runs.outputs.data?.stats).toMatchObject({ users: 1500, items: 1200, interactions: 80000 });
    expect(s.runs.section('split')).toBeUndefined();
    expect((await api.call('runs.list', {})).total).toBe(0);
    s.dispose();
  });

  it('takes the command-mode keys of VS Code notebooks: dd deletes, z undoes, J/K move, A/B insert, Enter edits', async () => {
    const s = await NotebookSession.open(api, file);
    let t = 0;
    const keys = new CommandModeKeys(s, () => t);
    s.select('c3');
    expect(keys.handle(key('j'))).toBe(true);
    expect(s.selection).toEqual({ cellId: 'c4', editing: false });
    keys.handle(key('k'));
    keys.handle(key('k'));
    expect(s.selection.cellId).toBe('c2');
    keys.handle(key('d'));
    t = 2000;
    // Too slow for a double press: nothing deleted yet.
    keys.handle(key('d'));
    expect(s.model.cells).toHaveLength(7);
    t = 2300;
    keys.handle(key('d'));
    expect(s.model.cells.map((c) => c.id)).toEqual(['c1', 'c3', 'c4', 'c5', 'c6', 'c7']);
    expect(s.selection.cellId).toBe('c3');
    keys.handle(key('z'));
    expect(s.model.cells.map((c) => c.id)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7']);
    // c3 is still selected: B inserts below it, in edit mode.
    keys.handle(key('b'));
    expect(s.model.cells[3]).toMatchObject({ id: 'c8', kind: 'markdown', source: '' });
    expect(s.selection).toEqual({ cellId: 'c8', editing: true });
    s.select('c8', false);
    keys.handle(key('Enter'));
    expect(s.selection.editing).toBe(true);
    // Keys with Ctrl (other than Ctrl+Enter) belong to the shell.
    expect(keys.handle(key('z', { ctrl: true }))).toBe(false);
    s.dispose();
    // Nothing was saved: the session was closed before its autosave delay.
  });
});
