import type { ApiError } from './api';

/**
 * How the contract travels. Browser mode: a call is `POST /api/call/<name>` with the
 * arguments as a JSON body and the result as the JSON reply; events arrive on the
 * WebSocket at `/api/events`, one `{event, payload}` JSON message each. Both carry the
 * session token. Electron: `ipcRenderer.invoke(IPC_CALL, name, args)` and events on
 * `IPC_EVENT`. The host's replies are the same objects on every transport.
 */
export const HTTP_CALL_PREFIX = '/api/call/';
export const WS_EVENTS_PATH = '/api/events';
/**
 * Browser mode's downloads: `GET /api/files/<workspace-relative path>` serves a file under
 * `exports/` or a run's artifact folder (`.reclab/artifacts/<run id>/`) as an attachment, a
 * folder there as a zip; anything else is refused. The session cookie carries the token.
 */
export const HTTP_FILES_PREFIX = '/api/files/';

/** The download URL path of a workspace-relative path (each segment encoded). */
export function downloadPath(relPath: string): string {
  return HTTP_FILES_PREFIX + relPath.split('/').map(encodeURIComponent).join('/');
}
/** The token travels in this header on calls, and as `?token=` on the page URL and the socket. */
export const TOKEN_HEADER = 'x-reclab-token';
export const TOKEN_QUERY = 'token';

export const IPC_CALL = 'reclab:api';
export const IPC_EVENT = 'reclab:event';

/** One event message on the socket or the IPC channel. */
export interface EventMessage {
  event: string;
  payload: unknown;
}

/** The HTTP status of an `{ok: false}` reply, by its code. */
export function httpStatusOf(error: ApiError): number {
  switch (error.code) {
    case 'INVALID_ARGUMENT':
    case 'BAD_PATH':
      return 400;
    case 'UNAUTHORIZED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'NOT_FOUND':
    case 'RUN_NOT_FOUND':
    case 'UNKNOWN_CALL':
      return 404;
    case 'CHANGED_ON_DISK':
    case 'EXISTS':
      return 409;
    case 'INTERNAL':
      return 500;
    default:
      // The call was understood; what it asked for is wrong (a bad spec, a run that is not live).
      return 422;
  }
}
