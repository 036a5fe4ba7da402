import { isCallName, parseCallArgs, type ApiResult } from '../common/api';
import { isAppUrl } from './window-options';

/**
 * The main process's side of an API call from a window: the sender must be one of the
 * app's own pages, and the payload must pass the call's schema, before the call goes to
 * the host. Refusals are results, as every reply is.
 */
export async function bridgeApiCall(senderUrl: string | undefined, name: unknown, args: unknown, forward: (name: string, args: unknown) => Promise<ApiResult<unknown>>): Promise<ApiResult<unknown>> {
  if (!isAppUrl(senderUrl)) return { ok: false, error: { code: 'FORBIDDEN', message: `Calls are accepted only from RecLab's own pages, not from ${senderUrl ?? 'an unknown frame'}.` } };
  if (!isCallName(name)) return { ok: false, error: { code: 'UNKNOWN_CALL', message: `There is no call ${JSON.stringify(name)} in the API.` } };
  const parsed = parseCallArgs(name, args);
  if (!parsed.ok) return parsed;
  return forward(name, args);
}
