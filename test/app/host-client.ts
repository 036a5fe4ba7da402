import { ApiCallError, type ApiClient, type ApiEvents, type CallArgs, type CallName, type CallResult, type EventName } from '../../app/common/api';
import type { Host } from '../../app/host';

/**
 * The API over a Host in this process: the transport the renderer's models get in tests
 * that drive them against the real host (replies and events go through JSON, as they do
 * over HTTP, WebSocket or IPC).
 */
export function hostClient(host: Host): ApiClient & { dispose(): void; setConnected(up: boolean): void } {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const connection = new Set<(up: boolean) => void>();
  // While the event channel is down (a dropped socket), events are lost, as they are in browser mode.
  let connected = true;
  const sub = host.onEvent(({ name, payload }) => {
    if (!connected) return;
    const copy = JSON.parse(JSON.stringify(payload)) as unknown;
    for (const l of [...(listeners.get(name) ?? [])]) l(copy);
  });
  return {
    async call<K extends CallName>(name: K, args: CallArgs<K>): Promise<CallResult<K>> {
      const r = await host.handle(name, JSON.parse(JSON.stringify(args ?? {})));
      if (!r.ok) throw new ApiCallError(r.error.code, r.error.message, r.error.field);
      return JSON.parse(JSON.stringify(r.value ?? null)) as CallResult<K>;
    },
    on<E extends EventName>(event: E, listener: (p: ApiEvents[E]) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const entry = (p: unknown) => listener(p as ApiEvents[E]);
      set.add(entry);
      return () => set!.delete(entry);
    },
    onConnection(listener) {
      const entry = (up: boolean) => listener(up);
      connection.add(entry);
      return () => connection.delete(entry);
    },
    setConnected(up: boolean) {
      connected = up;
      for (const l of [...connection]) l(up);
    },
    dispose: () => sub.dispose(),
  };
}
