import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadPath } from '../../../app/common/wire';
import { resolveDownload } from '../../../app/server/files';
import { serve, type RunningServer } from '../../../app/server/server';

const RUN = '0123456789abcdef';

describe('browser mode downloads: exports and run artifacts only', () => {
  let ws: string;
  let outside: string;
  let server: RunningServer;
  beforeAll(async () => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-files-'));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-outside-'));
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'TOP-SECRET-CONTENT');
    fs.mkdirSync(path.join(ws, 'exports', 'my run-01234567', 'bundle', 'model'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'exports', 'my run-01234567', 'topk.csv'), 'user,item,rank,score\n1,2,1,0.5\n');
    fs.writeFileSync(path.join(ws, 'exports', 'my run-01234567', 'bundle', 'manifest.json'), '{}');
    fs.writeFileSync(path.join(ws, 'exports', 'my run-01234567', 'bundle', 'model', 'model.json'), '{"m":1}');
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(ws, 'exports', 'link.txt'));
    fs.symlinkSync(outside, path.join(ws, 'exports', 'my run-01234567', 'bundle', 'escape'));
    fs.mkdirSync(path.join(ws, '.reclab', 'artifacts', RUN), { recursive: true });
    fs.writeFileSync(path.join(ws, '.reclab', 'artifacts', RUN, 'metrics.json'), '{"ndcg":1}');
    fs.writeFileSync(path.join(ws, 'notes.recnb'), '{}');
    server = await serve({ workspace: ws, token: 't0k3n', staticDir: outside });
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(ws, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  const get = (p: string, headers: Record<string, string> = { 'x-reclab-token': 't0k3n' }) => fetch(`http://127.0.0.1:${server.port}${p}`, { headers });

  it('serves an exported file as an attachment, with its type and name', async () => {
    const r = await get(downloadPath('exports/my run-01234567/topk.csv'));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(r.headers.get('content-disposition')).toBe(`attachment; filename="topk.csv"; filename*=UTF-8''topk.csv`);
    expect(await r.text()).toBe('user,item,rank,score\n1,2,1,0.5\n');
    const art = await get(downloadPath(`.reclab/artifacts/${RUN}/metrics.json`));
    expect(await art.text()).toBe('{"ndcg":1}');
  });

  it('serves a folder (a bundle) as a zip of its files, leaving out links that leave it', async () => {
    const r = await get(downloadPath('exports/my run-01234567/bundle'));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/zip');
    expect(r.headers.get('content-disposition')).toContain('filename="bundle.zip"');
    const files = unzipSync(new Uint8Array(await r.arrayBuffer()));
    expect(Object.keys(files).sort()).toEqual(['manifest.json', 'model/model.json']);
    expect(Buffer.from(files['model/model.json']).toString()).toBe('{"m":1}');
  });

  it('needs the token', async () => {
    expect((await get(downloadPath('exports/my run-01234567/topk.csv'), {})).status).toBe(401);
    expect((await get(downloadPath('exports/my run-01234567/topk.csv'), { 'x-reclab-token': 'wrong' })).status).toBe(401);
  });

  it('refuses anything outside exports and run artifacts: traversal, the store, notebooks, links out', async () => {
    for (const [p, status] of [
      ['/api/files/exports/..%2Fnotes.recnb', 400],
      ['/api/files/exports%2F..%2F..%2Fetc%2Fpasswd', 400],
      ['/api/files/..%2F..%2Fetc%2Fpasswd', 400],
      ['/api/files/%2Fetc%2Fpasswd', 400],
      ['/api/files/notes.recnb', 403],
      ['/api/files/.reclab/runs.sqlite', 403],
      ['/api/files/.reclab/artifacts', 403],
      ['/api/files/.reclab/artifacts/notarun/x', 403],
      ['/api/files/exports', 403],
      ['/api/files/exports/link.txt', 403],
      ['/api/files/exports/my%20run-01234567/bundle/escape/secret.txt', 403],
      ['/api/files/exports/missing.csv', 404],
      ['/api/files/exports/%E0%A4%A', 400],
    ] as const) {
      const r = await get(p);
      expect({ p, status: r.status }).toEqual({ p, status });
      expect(await r.text()).not.toContain('TOP-SECRET-CONTENT');
    }
    // The URL parser folds dot segments before routing: they never reach the download route.
    expect((await get('/api/files/exports/../../notes.recnb')).status).toBe(404);
  });

  it('resolveDownload names what it refuses and why', () => {
    expect(resolveDownload(ws, 'notes.recnb')).toMatchObject({ ok: false, status: 403, message: expect.stringContaining('Only exports') });
    expect(resolveDownload(ws, 'exports/link.txt')).toMatchObject({ ok: false, status: 403, message: expect.stringContaining('leads outside exports/') });
    expect(resolveDownload(ws, 'exports%2F..%2Fx')).toMatchObject({ ok: false, status: 400 });
    expect(resolveDownload(ws, 'exports/my%20run-01234567/topk.csv')).toMatchObject({ ok: true, isDir: false, name: 'topk.csv' });
  });
});
