import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Disposable } from '../../core/util';
import { Host, type HostOptions } from '../host';
import { HTTP_CALL_PREFIX, HTTP_FILES_PREFIX, httpStatusOf, TOKEN_QUERY, WS_EVENTS_PATH, type EventMessage } from '../common/wire';
import { contentSecurityPolicy } from '../common/csp';
import { serveDownload } from './files';
import { newToken, refusal, TOKEN_COOKIE } from './security';

export interface ServeOptions {
  workspace: string;
  /** 0 picks a free port. */
  port?: number;
  /** The built renderer (index.html and its assets); default dist/app/renderer next to this file. */
  staticDir?: string;
  /** Fixed token (tests); default a random one. */
  token?: string;
  launch?: HostOptions['launch'];
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  host: Host;
  close(): Promise<void>;
}

const MAX_BODY = 20 * 1024 * 1024;
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
};

function defaultStaticDir(): string {
  // Compiled: dist/app/server -> dist/app/renderer. From the sources (tests): the built copy in dist.
  const near = path.join(__dirname, '..', 'renderer');
  if (fs.existsSync(path.join(near, 'index.html'))) return near;
  return path.join(__dirname, '..', '..', 'dist', 'app', 'renderer');
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(text);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error(`The request body is over ${MAX_BODY} bytes.`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Browser mode: serves the workbench and the host's API on 127.0.0.1 only. Calls are
 * `POST /api/call/<name>`, events a WebSocket at `/api/events`; the token (from the
 * printed URL, then a same-site cookie), the Host and the Origin are checked on every
 * request and socket, and pages carry the desktop window's CSP.
 */
export async function serve(options: ServeOptions): Promise<RunningServer> {
  const token = options.token ?? newToken();
  const staticDir = path.resolve(options.staticDir ?? defaultStaticDir());
  const host = Host.open({ workspace: options.workspace, mode: 'browser', launch: options.launch, seedExamples: true });
  let port = 0;

  const server = http.createServer((req, res) => {
    void handleRequest(req, res).catch((e) => {
      console.error('reclab serve:', e);
      if (!res.headersSent) send(res, 500, { ok: false, error: { code: 'INTERNAL', message: 'Internal error; see the server log.' } });
      else res.end();
    });
  });

  async function handleRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const why = refusal(req, url, token, port);
    if (why) {
      send(res, why.status, { ok: false, error: { code: why.status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN', message: why.message } });
      return;
    }
    if (url.pathname.startsWith(HTTP_CALL_PREFIX)) {
      if (req.method !== 'POST') {
        send(res, 405, { ok: false, error: { code: 'METHOD', message: 'API calls are POST requests with a JSON body.' } }, { allow: 'POST' });
        return;
      }
      const name = decodeURIComponent(url.pathname.slice(HTTP_CALL_PREFIX.length));
      let args: unknown;
      try {
        const body = await readBody(req);
        args = body.trim() === '' ? {} : JSON.parse(body);
      } catch (e) {
        send(res, 400, { ok: false, error: { code: 'INVALID_ARGUMENT', message: `The body is not JSON: ${(e as Error).message}` } });
        return;
      }
      const result = await host.handle(name, args);
      send(res, result.ok ? 200 : httpStatusOf(result.error), result);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, { ok: false, error: { code: 'METHOD', message: `${req.method} is not served here.` } });
      return;
    }
    if (url.pathname.startsWith(HTTP_FILES_PREFIX)) {
      serveDownload(host.workspace.root, url.pathname.slice(HTTP_FILES_PREFIX.length), req, res);
      return;
    }
    // The token came in the URL: keep it in a cookie for the page's assets and calls, and drop it from the address bar.
    if (url.searchParams.has(TOKEN_QUERY)) {
      url.searchParams.delete(TOKEN_QUERY);
      res.writeHead(302, {
        location: url.pathname + (url.search || ''),
        'set-cookie': `${TOKEN_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict`,
        'cache-control': 'no-store',
      });
      res.end();
      return;
    }
    serveStatic(url.pathname, res);
  }

  function serveStatic(pathname: string, res: http.ServerResponse): void {
    const rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
    const file = path.resolve(staticDir, rel);
    if (!file.startsWith(staticDir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      if (rel === 'index.html') {
        send(res, 503, { ok: false, error: { code: 'NOT_BUILT', message: `The workbench is not built (${staticDir} has no index.html): run \`npm run build\`.` } });
        return;
      }
      send(res, 404, { ok: false, error: { code: 'NOT_FOUND', message: `${pathname} is not part of the workbench.` } });
      return;
    }
    const ext = path.extname(file);
    const headers: Record<string, string> = {
      'content-type': MIME[ext] ?? 'application/octet-stream',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': ext === '.html' ? 'no-store' : 'no-cache',
    };
    if (ext === '.html') {
      headers['content-security-policy'] = contentSecurityPolicy([`ws://127.0.0.1:${port}`, `ws://localhost:${port}`]);
      headers['x-frame-options'] = 'DENY';
    }
    res.writeHead(200, headers);
    fs.createReadStream(file).pipe(res);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const sockets = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const why = url.pathname === WS_EVENTS_PATH ? refusal(req, url, token, port) : { status: 404, message: 'No socket here.' };
    if (why) {
      socket.end(`HTTP/1.1 ${why.status} ${why.status === 401 ? 'Unauthorized' : why.status === 403 ? 'Forbidden' : 'Not Found'}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${why.message}\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      // The events carry no request from the page: anything it sends is ignored.
      ws.on('message', () => {});
    });
  });
  const forward: Disposable = host.onEvent(({ name, payload }) => {
    if (sockets.size === 0) return;
    const text = JSON.stringify({ event: name, payload } satisfies EventMessage);
    for (const s of sockets) if (s.readyState === s.OPEN) s.send(text);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/?${TOKEN_QUERY}=${token}`;

  let closed = false;
  return {
    url,
    port,
    token,
    host,
    async close() {
      if (closed) return;
      closed = true;
      forward.dispose();
      for (const s of sockets) s.terminate();
      wss.close();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await stopped;
      await host.close();
    },
  };
}
