import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TOKEN_HEADER, TOKEN_QUERY } from '../common/wire';

/** The session cookie the page gets once it has shown the token in its URL (as Jupyter does). */
export const TOKEN_COOKIE = 'reclab_token';

/** A random token: whoever holds it may use this server. */
export function newToken(): string {
  return crypto.randomBytes(24).toString('hex');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** The token a request presents: header, `?token=`, or the session cookie. */
export function presentedToken(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers[TOKEN_HEADER];
  if (typeof header === 'string') return header;
  return url.searchParams.get(TOKEN_QUERY) ?? cookieValue(req.headers.cookie, TOKEN_COOKIE);
}

/**
 * Checks every request and socket: the Host header names this server (a page on another
 * site that rebinds its DNS name to 127.0.0.1 is refused), an Origin, when the browser
 * sends one, is this server's own, and the token is right. Returns why not, or undefined.
 */
export function refusal(req: IncomingMessage, url: URL, token: string, port: number): { status: number; message: string } | undefined {
  const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  const host = req.headers.host ?? '';
  if (!allowedHosts.includes(host)) return { status: 403, message: `Host '${host}' is not this server; open http://127.0.0.1:${port}/ instead.` };
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedHosts.some((h) => origin === `http://${h}`)) return { status: 403, message: `Origin '${origin}' may not use this server.` };
  const given = presentedToken(req, url);
  if (!given || !safeEqual(given, token)) return { status: 401, message: 'Missing or wrong token: open the URL that `reclab serve` printed (it ends in ?token=...).' };
  return undefined;
}
