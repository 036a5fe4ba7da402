import type { ApiResult } from '../common/api';
import { isFromHostMessage, type FromHostMessage, type ToHostMessage } from '../common/host-protocol';

/** A message channel to the host process: Electron's UtilityProcess, or a forked child in tests. */
export interface HostPort {
  postMessage(m: ToHostMessage): void;
  onMessage(listener: (m: unknown) => void): void;
  onExit(listener: (code: number | null) => void): void;
}

/**
 * Calls into the host with replies matched by id, its events, and what happens when it
 * dies: pending calls get an error result that says so (never a hang).
 */
export class HostChannel {
  private nextId = 1;
  private readonly pending = new Map<number, (r: ApiResult<unknown>) => void>();
  private exited = false;
  readonly ready: Promise<string>;

  constructor(
    private readonly port: HostPort,
    private readonly onEvent: (name: string, payload: unknown) => void,
    onFatal: (message: string) => void,
  ) {
    let resolveReady!: (ws: string) => void;
    let rejectReady!: (e: Error) => void;
    this.ready = new Promise((res, rej) => {
      resolveReady = res;
      rejectReady = rej;
    });
    port.onMessage((raw) => {
      if (!isFromHostMessage(raw)) return;
      const m: FromHostMessage = raw;
      if (m.type === 'ready') resolveReady(m.workspace);
      else if (m.type === 'result') {
        this.pending.get(m.id)?.(m.result);
        this.pending.delete(m.id);
      } else if (m.type === 'event') this.onEvent(m.name, m.payload);
      else {
        onFatal(m.message);
        rejectReady(new Error(m.message));
      }
    });
    port.onExit((code) => {
      this.exited = true;
      for (const done of this.pending.values()) done({ ok: false, error: { code: 'HOST_EXITED', message: `RecLab's host process ended (exit code ${code}); reopen the workspace (File > Open Recent).` } });
      this.pending.clear();
      rejectReady(new Error(`The host process ended (exit code ${code}) before it was ready.`));
    });
  }

  call(name: string, args: unknown): Promise<ApiResult<unknown>> {
    if (this.exited) return Promise.resolve({ ok: false, error: { code: 'HOST_EXITED', message: "RecLab's host process is not running; reopen the workspace." } });
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.port.postMessage({ type: 'call', id, name, args });
    });
  }

  shutdown(): void {
    if (!this.exited) this.port.postMessage({ type: 'shutdown' });
  }
}
