import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Host } from '../../../app/host';
import type { ApiClient } from '../../../app/common/api';
import { NotebookModel } from '../../../app/renderer/notebook/notebook-model';
import { NotebookSaver, type SaveState } from '../../../app/renderer/notebook/notebook-saver';
import { inProcessClient, waitFor as until } from './in-process-client';

// The notebook editor's autosave against the real host on a temporary workspace.
describe('NotebookSaver with the host', () => {
  let dir: string;
  let host: Host;
  let api: ApiClient;
  const file = 'examples/hybrid-gate-sample.recnb';
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-saver-'));
    host = Host.open({ workspace: dir, mode: 'browser', seedExamples: true });
    api = inProcessClient(host);
    await host.watchingNotebooks;
  });
  afterEach(async () => {
    await host.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const open = async () => {
    const read = await api.call('notebooks.read', { path: file });
    const model = NotebookModel.fromText(read.text, file);
    const saver = new NotebookSaver(api, file, model, read.etag, { delayMs: 50 });
    const states: SaveState['kind'][] = [];
    saver.onDidChangeState((s) => states.push(s.kind));
    return { model, saver, states, original: read.text };
  };

  it('saves a moment after the edits stop, as clean notebook JSON, and is clean afterwards', async () => {
    const { model, saver, states } = await open();
    model.applyEdits([{ type: 'source', cellId: 'c6', source: '{\n  "epochs": 2\n}' }], { mergeText: true });
    model.applyEdits([{ type: 'source', cellId: 'c6', source: '{\n  "epochs": 3\n}' }], { mergeText: true });
    expect(saver.state.kind).toBe('pending');
    await until(() => saver.state.kind === 'saved');
    const disk = fs.readFileSync(path.join(dir, file), 'utf8');
    expect(disk).toBe(model.serialize());
    expect(JSON.parse(disk).cells[5]).toEqual({ id: 'c6', kind: 'train', source: '{\n  "epochs": 3\n}' });
    expect(model.dirty).toBe(false);
    // One save for both edits; the host kept the previous version as a backup.
    expect(states).toEqual(['pending', 'pending', 'saving', 'saved']);
    expect(fs.readdirSync(path.join(dir, '.reclab'), { recursive: true }).some((f) => String(f).endsWith('hybrid-gate-sample.recnb.bak'))).toBe(true);
    saver.dispose();
  });

  it('stops at a change on disk by another program: nothing is overwritten until Keep mine, and Reload takes the disk version', async () => {
    const { model, saver, original } = await open();
    const theirs = original.replace('"epochs\\": 8', '"epochs\\": 99');
    expect(theirs).not.toBe(original);
    fs.writeFileSync(path.join(dir, file), theirs);
    await until(() => saver.state.kind === 'conflict');
    expect(saver.state).toEqual({ kind: 'conflict', deleted: false });
    model.applyEdits([{ type: 'delete', cellId: 'c1' }]);
    await new Promise((r) => setTimeout(r, 200));
    expect(fs.readFileSync(path.join(dir, file), 'utf8')).toBe(theirs);
    expect(saver.state.kind).toBe('conflict');

    await saver.keepMine();
    expect(saver.state.kind).toBe('saved');
    expect(fs.readFileSync(path.join(dir, file), 'utf8')).toBe(model.serialize());

    fs.writeFileSync(path.join(dir, file), theirs);
    await until(() => saver.state.kind === 'conflict');
    await saver.reload();
    expect(saver.state.kind).toBe('saved');
    expect(model.cells.map((c) => c.id)[0]).toBe('c1');
    expect(model.cell('c6')?.source).toContain('"epochs": 99');
    expect(model.dirty).toBe(false);
    // And saving goes on from the version it reloaded.
    model.applyEdits([{ type: 'source', cellId: 'c1', source: '# mine' }]);
    await until(() => saver.state.kind === 'saved');
    expect(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')).cells[0].source).toBe('# mine');
    saver.dispose();
  });

  it('turns CHANGED_ON_DISK on save into the same stop, when the change is not yet reported', async () => {
    const { model, saver } = await open();
    model.applyEdits([{ type: 'source', cellId: 'c1', source: '# mine' }]);
    fs.writeFileSync(path.join(dir, file), '{"format": 1, "cells": []}\n');
    await saver.flush();
    expect(saver.state).toEqual({ kind: 'conflict', deleted: false });
    expect(fs.readFileSync(path.join(dir, file), 'utf8')).toBe('{"format": 1, "cells": []}\n');
    saver.dispose();
  });
});
