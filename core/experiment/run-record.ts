import type { RunStore } from '../runs';
import type { ExperimentSpec } from '../spec';
import { appVersion } from '../util';

/** Tags RecLab sets itself, in MLflow's manner (`mlflow.source.name`): a prefix users do not type. */
export const SYSTEM_TAGS = {
  /** Workspace-relative path of the notebook a run was made from. */
  notebook: 'reclab.notebook',
} as const;

/** Flattens nested params to dotted keys with JSON values, as MLflow params are stored. */
export function flattenParams(obj: Record<string, unknown>, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flattenParams(v as Record<string, unknown>, key));
    else if (v !== undefined) out[key] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return out;
}

/** The params a run of `spec` records (a parsed spec: every default filled), for comparing runs on them. */
export function specParams(spec: ExperimentSpec): Record<string, string> {
  const { tune: _tune, ...model } = spec.model;
  return flattenParams({ model, features: spec.features, train: spec.train, split: spec.split, evaluate: spec.evaluate, data: spec.data });
}

/**
 * Records a RUNNING run for `spec`: the one place a run row is created. Hosts (the
 * workspace, tests) call it before any work, so a failure anywhere after it still ends
 * in a run row with its message.
 */
export function createRunRecord(store: RunStore, spec: ExperimentSpec, extra: { tags?: Record<string, string>; pid?: number } = {}): string {
  return store.createRun({
    experiment: spec.experiment,
    name: spec.name,
    spec,
    seed: spec.seed,
    appVersion: appVersion(),
    backend: 'none',
    params: specParams(spec),
    tags: { ...(spec.tags ?? {}), ...(extra.tags ?? {}) },
    pid: extra.pid,
  }).id;
}
