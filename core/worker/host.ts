import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ExperimentSpec } from '../spec';
import type { RunStore } from '../runs';
import { appVersion, deserializeError, RecLabError } from '../util';
import { isWorkerMessage, type HostMessage, type WorkerMessage } from './protocol';

export interface WorkerRunOptions {
  spec: ExperimentSpec;
  baseDir: string;
  store: RunStore;
  storeFile: string;
  artifactsRoot: string;
  datasetsFile?: string;
  /** Starts the worker process; defaults to `child_process.fork` (Electron passes utilityProcess). */
  launch?: (entry: string, execArgv: string[]) => ChildProcess;
}

export interface WorkerRunResult {
  runId: string;
  status: 'FINISHED' | 'FAILED' | 'KILLED';
  metrics?: Record<string, number>;
  artifactDir?: string;
  error?: Error;
}

/** A training run in its own process. */
export interface WorkerRun {
  readonly runId: string;
  /** Every message from the worker, in order (progress, log, done, failed). */
  onMessage(listener: (m: WorkerMessage) => void): () => void;
  /** Kills the worker; the run ends KILLED with the metrics it had logged. */
  cancel(): void;
  /** Settles when the process has exited and the run row is final. Never rejects. */
  readonly finished: Promise<WorkerRunResult>;
}

/** The worker entry: compiled JS next to this file, or the TS source run through tsx (tests, dev). */
function workerEntry(): { entry: string; execArgv: string[] } {
  const js = path.join(__dirname, 'worker-main.js');
  if (fs.existsSync(js)) return { entry: js, execArgv: [] };
  return { entry: path.join(__dirname, 'worker-main.ts'), execArgv: ['--import', 'tsx'] };
}

/**
 * Creates the run row (RUNNING) and forks a worker to execute it. Whatever happens to the
 * worker (success, failure, NaN loss, cancel, crash, kill -9), the run row ends in a
 * final state and the host keeps running.
 */
export function startWorkerRun(opts: WorkerRunOptions): WorkerRun {
  const { spec, store } = opts;
  const run = store.createRun({ experiment: spec.experiment, name: spec.name, spec, seed: spec.seed, appVersion: appVersion() });
  const runId = run.id;
  const { entry, execArgv } = workerEntry();
  const child = (opts.launch ?? ((e, a) => fork(e, [], { execArgv: a, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })))(entry, execArgv);
  const listeners = new Set<(m: WorkerMessage) => void>();
  let outcome: WorkerRunResult | undefined;
  let cancelled = false;

  child.on('message', (m: unknown) => {
    if (!isWorkerMessage(m)) return;
    if (m.type === 'ready') {
      const start: HostMessage = { type: 'start', spec, baseDir: opts.baseDir, storeFile: opts.storeFile, artifactsRoot: opts.artifactsRoot, datasetsFile: opts.datasetsFile, runId };
      child.send(start);
    } else if (m.type === 'done') {
      outcome = { runId, status: 'FINISHED', metrics: m.metrics, artifactDir: m.artifactDir };
    } else if (m.type === 'failed') {
      outcome = { runId, status: m.cancelled ? 'KILLED' : 'FAILED', error: deserializeError(m.error) };
    }
    for (const l of listeners) l(m);
  });

  const finished = new Promise<WorkerRunResult>((resolve) => {
    const settle = (code: number | null, sig: NodeJS.Signals | null) => {
      if (!outcome) {
        const error = cancelled
          ? new RecLabError('Cancelled by the user; the metrics logged before are kept.', 'CANCELLED')
          : new RecLabError(`The training worker exited unexpectedly (${sig ? `signal ${sig}` : `exit code ${code}`}); the metrics logged before the crash are kept. Check the log, then run again.`, 'WORKER_CRASHED');
        outcome = { runId, status: cancelled ? 'KILLED' : 'FAILED', error };
      }
      // The worker finishes its own run row when it can; this covers crashes and kills.
      const row = store.getRun(runId);
      if (row && row.status === 'RUNNING') store.finishRun(runId, outcome.status, outcome.error?.message);
      resolve(outcome);
    };
    child.once('exit', settle);
    child.once('error', (e) => {
      outcome = outcome ?? { runId, status: 'FAILED', error: new RecLabError(`Could not start the training worker: ${e.message}`, 'WORKER_START') };
    });
  });

  return {
    runId,
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    cancel() {
      if (outcome || child.exitCode !== null) return;
      cancelled = true;
      child.kill('SIGKILL');
    },
    finished,
  };
}
