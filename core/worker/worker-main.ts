/**
 * Entry of the training worker process. It receives one `start` message, runs the
 * experiment with its own connection to the run store (metrics are written from here,
 * in batches), streams progress and log lines to the host, and exits.
 */
import { openRunStore } from '../runs';
import { runExperiment } from '../experiment';
import { serializeError } from '../util';
import { isHostMessage, type WorkerMessage } from './protocol';

const signal = { aborted: false };

function send(m: WorkerMessage): void {
  process.send?.(m);
}

process.on('message', (m: unknown) => {
  if (!isHostMessage(m)) return;
  if (m.type === 'cancel') {
    signal.aborted = true;
    return;
  }
  const store = openRunStore(m.storeFile);
  const { runId } = m;
  runExperiment(m.spec, {
    store,
    runId,
    baseDir: m.baseDir,
    artifactsRoot: m.artifactsRoot,
    datasetsFile: m.datasetsFile,
    hooks: {
      signal,
      log: (line) => send({ type: 'log', runId, line }),
      onProgress: (p) => send({ type: 'progress', runId, ...p }),
      onBackend: (backend) => send({ type: 'backend', backend }),
    },
  })
    .then((r) => send({ type: 'done', runId, metrics: r.metrics, artifactDir: r.artifactDir, protocol: r.protocol }))
    .catch((e) => send({ type: 'failed', runId, error: serializeError(e), cancelled: signal.aborted }))
    .finally(() => {
      store.close();
      // Let the last message flush before leaving.
      process.disconnect?.();
    });
});

send({ type: 'ready', pid: process.pid });
