import type { ApiResult } from './api';

/**
 * Messages between Electron's main process and the host running in a utility process
 * (or any parent and a forked host). Main forwards the renderer's validated calls and
 * relays the host's events to the window; replies match requests by `id`.
 */
export type ToHostMessage =
  | { type: 'call'; id: number; name: string; args: unknown }
  /** Ends live runs (KILLED), closes the store, then the host exits. */
  | { type: 'shutdown' };

export type FromHostMessage =
  | { type: 'ready'; workspace: string }
  | { type: 'result'; id: number; result: ApiResult<unknown> }
  | { type: 'event'; name: string; payload: unknown }
  /** The workspace could not be opened (a damaged store): the message says what to do. */
  | { type: 'fatal'; message: string };

export function isFromHostMessage(m: unknown): m is FromHostMessage {
  const t = (m as { type?: unknown } | null)?.type;
  return t === 'ready' || t === 'result' || t === 'event' || t === 'fatal';
}

export function isToHostMessage(m: unknown): m is ToHostMessage {
  const t = (m as { type?: unknown } | null)?.type;
  return t === 'call' || t === 'shutdown';
}
