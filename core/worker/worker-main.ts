/**
 * Entry of the training worker process. It receives one `start` message, runs the job
 * (a recorded run with its own connection to the run store, metrics written from here in
 * batches; or a preview that records nothing), streams phases, metric points, progress,
 * cell outputs and log lines to the host, and exits.
 */
import { previewExperiment, runExperiment, type ExperimentHooks } from '../experiment';
import { openRunStore } from '../runs';
import { serializeError } from '../util';
import { isHostMessage, type HostMessage, type WorkerMessage } from './protocol';

const signal = { aborted: false };

function send(m: WorkerMessage): void {
  process.send?.(m);
}

const hooks: ExperimentHooks = {
  signal,
  log: (line) => send({ type: 'log', line }),
  onPhase: (phase) => send({ type: 'phase', phase }),
  onMetric: (point) => send({ type: 'metric', point }),
  onProgress: (progress) => send({ type: 'progress', progress }),
  onOutput: (section, value) => send({ type: 'output', section, value }),
  onBackend: (backend) => send({ type: 'backend', backend }),
};

async function run(m: Extract<HostMessage, { type: 'start' }>): Promise<void> {
  const { job } = m;
  if (job.kind === 'preview') {
    const outputs = await previewExperiment(m.spec, job.until, { baseDir: m.baseDir, datasetsFile: m.datasetsFile, hooks });
    send({ type: 'done', outputs });
    return;
  }
  const store = openRunStore(job.storeFile);
  try {
    const r = await runExperiment(m.spec, { store, runId: job.runId, baseDir: m.baseDir, artifactsRoot: job.artifactsRoot, datasetsFile: m.datasetsFile, hooks });
    send({ type: 'done', metrics: r.metrics, artifactDir: r.artifactDir, protocol: r.protocol });
  } finally {
    store.close();
  }
}

process.on('message', (m: unknown) => {
  if (!isHostMessage(m)) return;
  if (m.type === 'cancel') {
    signal.aborted = true;
    return;
  }
  run(m)
    .catch((e) => send({ type: 'failed', error: serializeError(e), cancelled: signal.aborted }))
    .finally(() => {
      // Let the last message flush before leaving.
      process.disconnect?.();
    });
});

send({ type: 'ready', pid: process.pid });
