import type { FitProgress, OutputSection, PreviewStage, RunMetricPoint, RunOutputs, RunPhase } from '../experiment';
import type { ExperimentSpec } from '../spec';
import type { SerializedError } from '../util';

/**
 * The typed messages between a host (core/workspace) and a training worker process. One
 * discriminated union each way; errors cross as plain objects and are rebuilt on arrival
 * (core/util deserializeError). A worker runs one job and exits.
 */

/** What a worker is asked to do: a recorded run, or a preview of the stages before training. */
export type WorkerJob =
  | {
      kind: 'run';
      /** The RUNNING run row the host created (createRunRecord) before forking. */
      runId: string;
      storeFile: string;
      artifactsRoot: string;
    }
  | { kind: 'preview'; until: PreviewStage };

/** Host -> worker. */
export type HostMessage =
  | {
      type: 'start';
      spec: ExperimentSpec;
      /** Folder relative paths of the spec resolve against. */
      baseDir: string;
      datasetsFile?: string;
      job: WorkerJob;
    }
  | { type: 'cancel' };

/** Worker -> host. */
export type WorkerMessage =
  | { type: 'ready'; pid: number }
  | { type: 'backend'; backend: string }
  | { type: 'phase'; phase: RunPhase }
  | { type: 'metric'; point: RunMetricPoint }
  | { type: 'progress'; progress: FitProgress }
  | { type: 'output'; section: OutputSection; value: NonNullable<RunOutputs[OutputSection]> }
  | { type: 'log'; line: string }
  | { type: 'done'; metrics?: Record<string, number>; artifactDir?: string; protocol?: string; outputs?: RunOutputs }
  | { type: 'failed'; error: SerializedError; cancelled: boolean };

const HOST_TYPES = new Set(['start', 'cancel']);
const WORKER_TYPES = new Set(['ready', 'backend', 'phase', 'metric', 'progress', 'output', 'log', 'done', 'failed']);

export function isHostMessage(m: unknown): m is HostMessage {
  return !!m && typeof m === 'object' && HOST_TYPES.has((m as { type?: string }).type ?? '');
}

export function isWorkerMessage(m: unknown): m is WorkerMessage {
  return !!m && typeof m === 'object' && WORKER_TYPES.has((m as { type?: string }).type ?? '');
}
