import fs from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { haveBuild, startServe, tempWorkspace, type Served } from './harness';

/** Opens a socket to the events endpoint; resolves with the HTTP status of a refused upgrade, or 101. */
function socketStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(0));
  });
}

/** A GET with a chosen Host header (fetch may not set it): the status. */
function getWithHost(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/', headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(!haveBuild)('reclab serve: token, Host and Origin on every request and socket', () => {
  let served: Served;
  let ws: string;
  beforeAll(async () => {
    ws = tempWorkspace();
    served = await startServe(ws);
  });
  afterAll(async () => {
    await served?.stop();
    fs.rmSync(ws, { recursive: true, force: true });
  });
  const call = (name: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${served.origin}/api/call/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-reclab-token': served.token, ...headers }, body: JSON.stringify(body) });

  it('prints one URL on 127.0.0.1 with a token, and seeds a new workspace with the example notebooks', async () => {
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/);
    const r = await call('notebooks.list', {});
    expect(r.status).toBe(200);
    const list = (await r.json()) as { ok: true; value: { path: string }[] };
    expect(list.value.map((n) => n.path)).toContain('examples/hybrid-gate-sample.recnb');
  });

  it('refuses a wrong or missing token, a foreign Origin and a foreign Host on HTTP', async () => {
    expect((await call('app.info', {}, { 'x-reclab-token': 'nope' })).status).toBe(401);
    const none = await fetch(`${served.origin}/api/call/app.info`, { method: 'POST', body: '{}' });
    expect(none.status).toBe(401);
    expect((await none.json()) as object).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect((await call('app.info', {}, { origin: 'http://evil.example' })).status).toBe(403);
    // DNS rebinding: a page of another site whose name now points at 127.0.0.1.
    expect(await getWithHost(served.port, `evil.example:${served.port}`)).toBe(403);
    // The page itself needs the token too.
    expect((await fetch(`${served.origin}/`)).status).toBe(401);
  });

  it('refuses a wrong token and a foreign Origin on the WebSocket, and accepts the right ones', async () => {
    const base = `ws://127.0.0.1:${served.port}/api/events`;
    expect(await socketStatus(`${base}?token=${served.token}`, { origin: served.origin })).toBe(101);
    expect(await socketStatus(`${base}?token=wrong`, { origin: served.origin })).toBe(401);
    expect(await socketStatus(`${base}?token=${served.token}`, { origin: 'http://evil.example' })).toBe(403);
  });

  it('answers arguments that fail their schema with a 400 naming the field, never a stack', async () => {
    const r = await call('notebooks.read', { path: 42 });
    expect(r.status).toBe(400);
    const body = (await r.json()) as { ok: false; error: { code: string; message: string; field: string } };
    expect(body.error).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'path' });
    expect(body.error.message).not.toMatch(/\n\s+at /);
    const extra = (await (await call('runs.live', { bogus: 1 })).json()) as { error: { field: string; message: string } };
    expect(extra.error.field).toBe('bogus');
    expect((await call('no.such.call', {})).status).toBe(404);
    const escape = await call('notebooks.read', { path: '../../etc/passwd.recnb' });
    expect(escape.status).toBe(400);
  });

  it('serves the page with the CSP of the desktop window and moves the token from the URL into a cookie', async () => {
    const first = await fetch(served.url, { redirect: 'manual' });
    expect(first.status).toBe(302);
    const cookie = first.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await fetch(`${served.origin}/`, { headers: { cookie: cookie.split(';')[0] } });
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
  });
});
