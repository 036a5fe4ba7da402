import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ExperimentSpec } from '../spec';
import { deserializeError, Emitter, RecLabError, type Disposable } from '../util';
import { isWorkerMessage, type HostMessage, type WorkerJob, type WorkerMessage } from './protocol';

/** Starts the worker entry as a process with an IPC channel; default `child_process.fork`. */
export type WorkerLauncher = (entry: string, execArgv: string[]) => ChildProcess;

export interface WorkerStartOptions {
  spec: ExperimentSpec;
  baseDir: string;
  datasetsFile?: string;
  job: WorkerJob;
  launch?: WorkerLauncher;
}

/** How a worker ended, as the host saw it. */
export interface WorkerOutcome {
  status: 'FINISHED' | 'FAILED' | 'KILLED';
  /** The worker's `done` message, when it got that far. */
  done?: Extract<WorkerMessage, { type: 'done' }>;
  error?: Error;
}

/** One worker process running one job. */
export interface WorkerProcess {
  readonly pid: number | undefined;
  /** Every message from the worker, in order. */
  onMessage(listener: (m: WorkerMessage) => void): Disposable;
  /** Kills the worker at once (a run then ends KILLED with what it had logged). */
  cancel(): void;
  /** Settles when the process has exited. Never rejects. */
  readonly exited: Promise<WorkerOutcome>;
}

/** The worker entry: compiled JS next to this file, or the TS source run through tsx (tests, dev). */
function workerEntry(): { entry: string; execArgv: string[] } {
  const js = path.join(__dirname, 'worker-main.js');
  if (fs.existsSync(js)) return { entry: js, execArgv: [] };
  return { entry: path.join(__dirname, 'worker-main.ts'), execArgv: ['--import', 'tsx'] };
}

const defaultLauncher: WorkerLauncher = (entry, execArgv) => fork(entry, [], { execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });

/**
 * Forks a worker for `job`. Whatever happens to it (success, failure, NaN loss, cancel,
 * crash, kill -9), `exited` settles with an outcome and the host keeps running.
 */
export function startWorker(opts: WorkerStartOptions): WorkerProcess {
  const { entry, execArgv } = workerEntry();
  const child = (opts.launch ?? defaultLauncher)(entry, execArgv);
  const messages = new Emitter<WorkerMessage>();
  let outcome: WorkerOutcome | undefined;
  let cancelled = false;
  // The last lines a crashing worker wrote (a native abort, an out-of-memory) explain the crash.
  let stderrTail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-2000);
  });

  child.on('message', (m: unknown) => {
    if (!isWorkerMessage(m)) return;
    if (m.type === 'ready') {
      const start: HostMessage = { type: 'start', spec: opts.spec, baseDir: opts.baseDir, datasetsFile: opts.datasetsFile, job: opts.job };
      child.send(start);
    } else if (m.type === 'done') {
      outcome = { status: 'FINISHED', done: m };
    } else if (m.type === 'failed') {
      outcome = { status: m.cancelled ? 'KILLED' : 'FAILED', error: deserializeError(m.error) };
    }
    messages.fire(m);
  });

  const exited = new Promise<WorkerOutcome>((resolve) => {
    let startError: Error | undefined;
    child.once('error', (e) => {
      startError = new RecLabError(`Could not start the training worker: ${e.message}`, 'WORKER_START');
      // A process that never started emits no 'exit'.
      if (child.pid === undefined) resolve({ status: 'FAILED', error: startError });
    });
    child.once('exit', (code, sig) => {
      if (!outcome) {
        const tail = stderrTail.trim().split('\n').slice(-3).join(' | ');
        const error = cancelled
          ? new RecLabError('Cancelled by the user; the metrics logged before are kept.', 'CANCELLED')
          : (startError ??
            new RecLabError(
              `The training worker exited unexpectedly (${sig ? `signal ${sig}` : `exit code ${code}`})${tail ? `: ${tail}` : ''}; the metrics logged before the crash are kept. Check the log, then run again.`,
              'WORKER_CRASHED',
            ));
        outcome = { status: cancelled ? 'KILLED' : 'FAILED', error };
      }
      messages.dispose();
      resolve(outcome);
    });
  });

  return {
    get pid() {
      return child.pid;
    },
    onMessage: messages.event,
    cancel() {
      if (outcome || child.exitCode !== null || child.signalCode !== null) return;
      cancelled = true;
      child.kill('SIGKILL');
    },
    exited,
  };
}
