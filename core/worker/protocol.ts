import type { ExperimentSpec } from '../spec';
import type { SerializedError } from '../util';

/**
 * The typed messages between a host (CLI, Electron main, server) and a training worker
 * process. One discriminated union each way; errors cross as plain objects and are
 * rebuilt on arrival (core/util deserializeError).
 */

/** Host -> worker. */
export type HostMessage =
  | {
      type: 'start';
      spec: ExperimentSpec;
      /** Folder relative paths of the spec resolve against. */
      baseDir: string;
      storeFile: string;
      artifactsRoot: string;
      datasetsFile?: string;
      /** Run row created by the host before forking. */
      runId: string;
    }
  | { type: 'cancel' };

/** Worker -> host. */
export type WorkerMessage =
  | { type: 'ready'; pid: number }
  | { type: 'backend'; backend: string }
  | { type: 'progress'; runId: string; phase: string; epoch?: number; step?: number; key?: string; value?: number; etaSeconds?: number }
  | { type: 'log'; runId: string; line: string }
  | { type: 'done'; runId: string; metrics: Record<string, number>; artifactDir: string; protocol: string }
  | { type: 'failed'; runId: string; error: SerializedError; cancelled: boolean };

const HOST_TYPES = new Set(['start', 'cancel']);
const WORKER_TYPES = new Set(['ready', 'backend', 'progress', 'log', 'done', 'failed']);

export function isHostMessage(m: unknown): m is HostMessage {
  return !!m && typeof m === 'object' && HOST_TYPES.has((m as { type?: string }).type ?? '');
}

export function isWorkerMessage(m: unknown): m is WorkerMessage {
  return !!m && typeof m === 'object' && WORKER_TYPES.has((m as { type?: string }).type ?? '');
}
