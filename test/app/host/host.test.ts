import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Host } from '../../../app/host';

const small = { source: 'sample', sample: { users: 120, items: 100, interactions: 3000 } };
const notebook = (model: unknown, train?: unknown) =>
  JSON.stringify({
    format: 1,
    metadata: { name: 'h' },
    cells: [
      { id: 'd', kind: 'data', source: JSON.stringify(small) },
      { id: 'm', kind: 'model', source: JSON.stringify(model) },
      ...(train ? [{ id: 't', kind: 'train', source: JSON.stringify(train) }] : []),
    ],
  });

describe('the host: the API contract over a workspace', () => {
  let dir: string;
  let host: Host;
  const events: { name: string; payload: unknown }[] = [];
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-host-'));
    host = Host.open({ workspace: dir, mode: 'browser', seedExamples: true });
    host.onEvent((e) => events.push(e));
  });
  afterAll(async () => {
    await host.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers every call with a result: unknown calls and bad arguments name what is wrong', async () => {
    expect(await host.handle('nope', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CALL' } });
    expect(await host.handle('runs.list', { limit: 5000 })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', field: 'limit' } });
    expect(await host.handle('runs.get', { runId: '0123456789abcdef' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await host.handle('notebooks.read', { path: '../x.recnb' })).toMatchObject({ ok: false, error: { code: 'BAD_PATH' } });
  });

  it('creates a notebook from a template, saves with the etag it read, and refuses to overwrite a change on disk', async () => {
    const created = (await host.handle('notebooks.create', { name: 'mine', template: 'hybrid-gate' })) as { ok: true; value: { path: string; etag: string; text: string } };
    expect(created.ok).toBe(true);
    expect(created.value.path).toBe('mine.recnb');
    expect(JSON.parse(created.value.text).cells.map((c: { kind: string }) => c.kind)).toEqual(['markdown', 'data', 'split', 'features', 'model', 'train', 'evaluate']);
    expect(await host.handle('notebooks.create', { name: 'mine', template: 'baseline' })).toMatchObject({ ok: false, error: { code: 'EXISTS' } });
    const saved = (await host.handle('notebooks.save', { path: 'mine.recnb', text: created.value.text.replace('mine', 'renamed'), baseEtag: created.value.etag })) as { ok: true; value: { etag: string } };
    expect(saved.ok).toBe(true);
    fs.writeFileSync(path.join(dir, 'mine.recnb'), '{"changed": "by another program"}');
    expect(await host.handle('notebooks.save', { path: 'mine.recnb', text: 'x', baseEtag: saved.value.etag })).toMatchObject({ ok: false, error: { code: 'CHANGED_ON_DISK' } });
    expect(fs.readFileSync(path.join(dir, 'mine.recnb'), 'utf8')).toBe('{"changed": "by another program"}');
    expect((await host.handle('notebooks.templates', {})) as { value: { id: string }[] }).toMatchObject({ ok: true, value: [{ id: 'baseline' }, { id: 'hybrid-gate' }, { id: 'cold-start' }] });
  });

  it("runs a notebook, lists it, reads its series incrementally, and gives the notebook's last run back", async () => {
    fs.writeFileSync(path.join(dir, 'mf.recnb'), notebook({ type: 'mf', dim: 8 }, { epochs: 2, batchSize: 256, logEvery: 1 }));
    const started = (await host.handle('runs.start', { notebook: fs.readFileSync(path.join(dir, 'mf.recnb'), 'utf8'), path: 'mf.recnb' })) as { ok: true; value: { runId: string } };
    expect(started.ok).toBe(true);
    const runId = started.value.runId;
    await new Promise<void>((resolve) => {
      const sub = host.onEvent((e) => {
        if (e.name === 'run.finished' && (e.payload as { runId: string }).runId === runId) {
          sub.dispose();
          resolve();
        }
      });
    });
    expect(events.some((e) => e.name === 'run.progress')).toBe(true);
    expect(events.some((e) => e.name === 'run.output')).toBe(true);
    const list = (await host.handle('runs.list', { limit: 10 })) as { ok: true; value: { total: number; runs: { id: string; notebook?: string; metrics: Record<string, number> }[] } };
    expect(list.value.total).toBe(1);
    expect(list.value.runs[0]).toMatchObject({ id: runId, notebook: 'mf.recnb' });
    expect(list.value.runs[0].metrics['ndcg@10']).toBeGreaterThan(0);
    const all = (await host.handle('runs.series', { runIds: [runId], keys: ['train/loss'] })) as { ok: true; value: { series: Record<string, Record<string, { step: number }[]>>; lastStep: Record<string, Record<string, number>> } };
    const steps = all.value.series[runId]['train/loss'].map((p) => p.step);
    expect(steps.length).toBeGreaterThan(2);
    expect(all.value.lastStep[runId]['train/loss']).toBe(steps[steps.length - 1]);
    const after = (await host.handle('runs.series', { runIds: [runId], keys: ['train/loss'], afterStep: steps[1] })) as typeof all;
    expect(after.value.series[runId]['train/loss'].map((p) => p.step)).toEqual(steps.slice(2));
    const last = (await host.handle('notebooks.lastRun', { path: 'mf.recnb' })) as { ok: true; value: { runId: string; status: string; outputs: { evaluate?: unknown }; series: Record<string, unknown[]> } };
    expect(last.value).toMatchObject({ runId, status: 'FINISHED' });
    expect(last.value.outputs.evaluate).toBeDefined();
    expect(Object.keys(last.value.series)).toContain('train/loss');
    expect(await host.handle('notebooks.lastRun', { path: 'never-run.recnb' })).toEqual({ ok: true, value: null });
  });

  it('refuses a notebook with a bad cell before anything runs, with the message', async () => {
    const r = await host.handle('runs.start', { notebook: notebook({ type: 'mf', dimm: 8 }), path: 'bad.recnb' });
    expect(r).toMatchObject({ ok: false, error: { code: 'SPEC' } });
    expect((r as { error: { message: string } }).error.message).toMatch(/dimm.*did you mean 'dim'/);
  });

  it('renames, tags and annotates runs, filters them by a query, and moves them to a trash that loses nothing', async () => {
    const list = async (args: Record<string, unknown> = {}) => ((await host.handle('runs.list', args)) as { ok: true; value: { total: number; runs: { id: string; name: string; tags: Record<string, string>; params: Record<string, string> }[] } }).value;
    const [run] = (await list()).runs;
    expect(await host.handle('runs.rename', { runId: run.id, name: 'mf-small' })).toEqual({ ok: true, value: {} });
    await host.handle('runs.setTags', { runId: run.id, tags: { stage: 'tuned' } });
    await host.handle('runs.setNotes', { runId: run.id, notes: 'first try' });
    expect(events.filter((e) => e.name === 'runs.changed').length).toBeGreaterThanOrEqual(3);
    const found = await list({ query: 'tags.stage = "tuned" and params.model.dim = 8 and metrics.ndcg@10 > 0', params: ['model.dim'] });
    expect(found.runs.map((r) => [r.name, r.params['model.dim']])).toEqual([['mf-small', '8']]);
    // Edits reach the copy `reclab runs recover` reads.
    const runJson = JSON.parse(fs.readFileSync(path.join(dir, '.reclab', 'artifacts', run.id, 'run.json'), 'utf8'));
    expect(runJson).toMatchObject({ name: 'mf-small', tags: { stage: 'tuned' }, notes: 'first try' });
    const bad = await host.handle('runs.list', { query: 'metrics.ndcg@10 >> 1' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'QUERY', details: { position: 17 } } });

    expect(await host.handle('runs.trash', { runIds: [run.id] })).toEqual({ ok: true, value: { trashed: 1 } });
    expect((await list()).total).toBe(0);
    expect((await list({ trashed: true })).runs.map((r) => r.id)).toEqual([run.id]);
    expect(await host.handle('runs.restore', { runIds: [run.id] })).toEqual({ ok: true, value: { restored: 1 } });
    expect((await list()).runs[0]).toMatchObject({ id: run.id, name: 'mf-small', tags: { stage: 'tuned' } });
    // Emptying the trash must be confirmed; then the run and its artifacts are gone.
    expect(await host.handle('runs.emptyTrash', {})).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', field: 'confirm' } });
    await host.handle('runs.trash', { runIds: [run.id] });
    expect(await host.handle('runs.emptyTrash', { confirm: true })).toEqual({ ok: true, value: { deleted: 1 } });
    expect(fs.existsSync(path.join(dir, '.reclab', 'artifacts', run.id))).toBe(false);
    expect((await list({ trashed: true })).total).toBe(0);
  });

  it('keeps the UI state of the workspace', async () => {
    expect(await host.handle('ui.getState', {})).toEqual({ ok: true, value: {} });
    await host.handle('ui.setState', { state: { tabs: ['a.recnb'], panel: { visible: false } } });
    expect(await host.handle('ui.getState', {})).toEqual({ ok: true, value: { tabs: ['a.recnb'], panel: { visible: false } } });
  });
  it('reads several runs in one call, listing the ids it cannot find without failing the others', async () => {
    const a = host.workspace.store.createRun({ name: 'many-a', spec: {} });
    const b = host.workspace.store.createRun({ name: 'many-b', spec: {} });
    const got = (await host.handle('runs.getMany', { runIds: [b.id, 'ffffffffffffffff', a.id] })) as { ok: true; value: { runs: { id: string; name: string }[]; missing: { id: string; message: string }[] } };
    expect(got.ok).toBe(true);
    expect(got.value.runs.map((r) => [r.id, r.name])).toEqual([
      [b.id, 'many-b'],
      [a.id, 'many-a'],
    ]);
    expect(got.value.missing).toEqual([{ id: 'ffffffffffffffff', message: 'No run ffffffffffffffff in this workspace.' }]);
    expect(await host.handle('runs.getMany', { runIds: [] })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });
});
