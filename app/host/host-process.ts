/**
 * Entry of the host as a process of its own: Electron's main starts it in a utility
 * process (messages on `process.parentPort`), and tests fork it with Node (messages on
 * `process.send`). Argument: the workspace folder. SQLite and the workers' supervision
 * live here, never on Electron's main thread.
 */
import { isToHostMessage, type FromHostMessage } from '../common/host-protocol';
import { Host } from './host';

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(m: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
const send = (m: FromHostMessage) => (parentPort ? parentPort.postMessage(m) : process.send?.(m));
const onMessage = (listener: (m: unknown) => void) => (parentPort ? parentPort.on('message', (e) => listener(e.data)) : process.on('message', listener));

function main(): void {
  const workspace = process.argv[2];
  if (!workspace) {
    send({ type: 'fatal', message: 'The host was started without a workspace folder.' });
    process.exit(2);
  }
  let host: Host;
  try {
    host = Host.open({ workspace, mode: 'desktop', seedExamples: true });
  } catch (e) {
    send({ type: 'fatal', message: (e as Error).message });
    process.exit(1);
  }
  host.onEvent(({ name, payload }) => send({ type: 'event', name, payload }));
  onMessage((m) => {
    if (!isToHostMessage(m)) return;
    if (m.type === 'call') {
      void host.handle(m.name, m.args).then((result) => send({ type: 'result', id: m.id, result }));
    } else {
      void host.close().then(() => process.exit(0));
    }
  });
  send({ type: 'ready', workspace: host.workspace.root });
}

main();
