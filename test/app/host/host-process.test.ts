import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HostChannel } from '../../../app/main/host-channel';

const entry = path.resolve(__dirname, '..', '..', '..', 'dist', 'app', 'host', 'host-process.js');

// The host as main starts it, a process of its own (here forked by Node instead of Electron's utilityProcess).
describe('the host process and main’s channel to it', () => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-hostproc-'));
  afterAll(() => fs.rmSync(ws, { recursive: true, force: true }));

  function start() {
    if (!fs.existsSync(entry)) throw new Error('dist/ is missing: run `npm run build` (npm test does it first).');
    const child = fork(entry, [ws], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const events: string[] = [];
    const fatal: string[] = [];
    const channel = new HostChannel(
      { postMessage: (m) => child.send(m), onMessage: (l) => child.on('message', l), onExit: (l) => child.once('exit', l) },
      (name) => events.push(name),
      (m) => fatal.push(m),
    );
    return { child, channel, events, fatal };
  }

  it('opens the workspace (seeding the examples), answers calls, and shuts down on request', async () => {
    const { child, channel } = start();
    expect(await channel.ready).toBe(ws);
    const info = await channel.call('app.info', {});
    expect(info).toMatchObject({ ok: true, value: { mode: 'desktop', workspace: ws } });
    const list = (await channel.call('notebooks.list', {})) as { ok: true; value: { path: string }[] };
    expect(list.value.map((n) => n.path)).toContain('examples/hybrid-gate-sample.recnb');
    expect(await channel.call('runs.get', { runId: 'zz' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    channel.shutdown();
    expect(await exited).toBe(0);
  });

  it('a host that dies answers every pending call with an error instead of leaving it hanging', async () => {
    const { child, channel } = start();
    await channel.ready;
    const pending = channel.call('datasets.list', {});
    child.kill('SIGKILL');
    const r = await pending;
    // The reply may have won the race; if not, the call ends with HOST_EXITED.
    if (!r.ok) expect(r.error.code).toBe('HOST_EXITED');
    expect(await channel.call('app.info', {})).toMatchObject({ ok: false, error: { code: 'HOST_EXITED' } });
  });
});
