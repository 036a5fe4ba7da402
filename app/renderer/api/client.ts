import type { ApiClient, ApiEvents, ApiResult, CallArgs, CallName, CallResult, EventName } from '../../common/api';
import { ApiCallError } from '../../common/api-error';
import { HTTP_CALL_PREFIX, WS_EVENTS_PATH, type EventMessage } from '../../common/wire';

/** What the Electron preload exposes on `window.reclabApi` (and nothing else). */
export interface PreloadApi {
  call(name: string, args: unknown): Promise<ApiResult<unknown>>;
  on(listener: (event: string, payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    reclabApi?: PreloadApi;
  }
}

type Listener = (payload: unknown) => void;

/** The hub's name for the socket's state; not an API event. */
const CONNECTION = '#connection';

/** Fans events out to subscribers by name. */
class EventHub {
  private readonly listeners = new Map<string, Set<Listener>>();

  on(event: string, listener: Listener): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    const entry: Listener = (p) => listener(p);
    set.add(entry);
    return () => set!.delete(entry);
  }

  fire(event: string, payload: unknown): void {
    for (const l of [...(this.listeners.get(event) ?? [])]) {
      try {
        l(payload);
      } catch (e) {
        console.error(`reclab: a listener of ${event} failed`, e);
      }
    }
  }
}

function unwrap<T>(r: ApiResult<T>): T {
  if (r.ok) return r.value;
  throw new ApiCallError(r.error.code, r.error.message, r.error.field, r.error.details);
}

/** The desktop transport: Electron IPC through the preload. */
function preloadClient(bridge: PreloadApi): ApiClient {
  const hub = new EventHub();
  bridge.on((event, payload) => hub.fire(event, payload));
  return {
    call: async <K extends CallName>(name: K, args: CallArgs<K>) => unwrap((await bridge.call(name, args)) as ApiResult<CallResult<K>>),
    on: <E extends EventName>(event: E, listener: (p: ApiEvents[E]) => void) => hub.on(event, listener as Listener),
  };
}

/**
 * Browser mode: calls are `POST /api/call/<name>` (the session cookie carries the token),
 * events come over one WebSocket, reopened with a growing delay when it drops.
 */
function browserClient(): ApiClient {
  const hub = new EventHub();
  let delay = 250;
  const connect = () => {
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${WS_EVENTS_PATH}`);
    ws.onopen = () => {
      delay = 250;
      hub.fire(CONNECTION, true);
    };
    ws.onmessage = (m) => {
      const msg = JSON.parse(String(m.data)) as EventMessage;
      hub.fire(msg.event, msg.payload);
    };
    ws.onclose = () => {
      hub.fire(CONNECTION, false);
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 5000);
    };
  };
  connect();
  return {
    async call<K extends CallName>(name: K, args: CallArgs<K>): Promise<CallResult<K>> {
      let res: Response;
      try {
        res = await fetch(HTTP_CALL_PREFIX + encodeURIComponent(name), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          credentials: 'same-origin',
          body: JSON.stringify(args ?? {}),
          // The layout saved as the page closes must outlive the page (the body is small).
          keepalive: name === 'ui.setState',
        });
      } catch (e) {
        throw new ApiCallError('OFFLINE', `RecLab's server does not answer (${(e as Error).message}). Is \`reclab serve\` still running?`);
      }
      let body: ApiResult<CallResult<K>>;
      try {
        body = (await res.json()) as ApiResult<CallResult<K>>;
      } catch {
        throw new ApiCallError('BAD_REPLY', `The server replied ${res.status} without a JSON body.`);
      }
      return unwrap(body);
    },
    on: <E extends EventName>(event: E, listener: (p: ApiEvents[E]) => void) => hub.on(event, listener as Listener),
    onConnection: (listener) => hub.on(CONNECTION, listener as Listener),
  };
}

/** The API over whichever transport this page has: the renderer cannot tell the difference. */
export function createApiClient(): ApiClient {
  return window.reclabApi ? preloadClient(window.reclabApi) : browserClient();
}
