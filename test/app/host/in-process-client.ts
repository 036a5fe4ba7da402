import { ApiCallError, type ApiClient, type ApiEvents, type EventName } from '../../../app/common/api';
import type { Host } from '../../../app/host';

/**
 * The API contract over a host in this process: the same calls and events the transports
 * carry, without a socket, so the renderer's models can be tested against the real host.
 */
export function inProcessClient(host: Host): ApiClient {
  return {
    async call(name, args) {
      const r = await host.handle(name, args);
      if (!r.ok) throw new ApiCallError(r.error.code, r.error.message, r.error.field, r.error.details);
      return r.value as never;
    },
    on<E extends EventName>(event: E, listener: (p: ApiEvents[E]) => void) {
      const sub = host.onEvent((e) => e.name === event && listener(e.payload as ApiEvents[E]));
      return () => sub.dispose();
    },
  };
}

export async function waitFor(what: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
