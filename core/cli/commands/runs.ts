import type { RunRecord, RunStatus } from '../../runs';
import { InputError } from '../../util';
import { formatNumber, formatTable } from '../table';
import { Workspace } from '../../workspace';

type Out = (s: string) => void;

function when(ms: number | undefined): string {
  return ms === undefined ? '-' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

function duration(r: RunRecord): string {
  const end = r.endTime ?? Date.now();
  const s = (end - r.startTime) / 1000;
  return s < 120 ? `${s.toFixed(1)}s` : `${(s / 60).toFixed(1)}m`;
}

function modelType(r: RunRecord): string {
  return (r.spec as { model?: { type?: string } })?.model?.type ?? '-';
}

/** `reclab runs`: lists runs, newest first, with a chosen metric. */
export function listRunsCommand(
  opts: { workspace?: string; experiment?: string; status?: string; tag?: string; search?: string; limit?: string; metric?: string; sort?: boolean; json?: boolean },
  out: Out,
): void {
  const store = Workspace.open(opts.workspace).store;
  try {
    const metric = opts.metric ?? 'ndcg@10';
    const runs = store.listRuns({
      experiment: opts.experiment,
      status: opts.status?.toUpperCase() as RunStatus | undefined,
      tag: opts.tag,
      search: opts.search,
      limit: opts.limit ? Number(opts.limit) : undefined,
      orderBy: opts.sort ? metric : undefined,
    });
    if (opts.json) {
      out(JSON.stringify(runs.map((r) => ({ id: r.id, experiment: r.experiment, name: r.name, status: r.status, start: r.startTime, end: r.endTime, model: modelType(r), metrics: r.finalMetrics.overall ?? {}, fingerprint: r.fingerprint, error: r.error }))));
      return;
    }
    if (runs.length === 0) {
      out('no runs yet: `reclab run experiments/baselines-sample.recnb` makes one');
      return;
    }
    out(
      formatTable(
        ['id', 'experiment', 'name', 'model', 'status', 'started', 'took', metric],
        runs.map((r) => [r.id.slice(0, 8), r.experiment, r.name, modelType(r), r.status, when(r.startTime), duration(r), r.finalMetrics.overall?.[metric]]),
      ),
    );
  } finally {
    store.close();
  }
}

function requireRun(store: { getRun(id: string): RunRecord | undefined }, id: string): RunRecord {
  const r = store.getRun(id);
  if (!r) throw new InputError(`No run '${id}' in this workspace; \`reclab runs\` lists them.`, 'UNKNOWN_RUN');
  return r;
}

/** `reclab show RUN`: everything recorded for one run. */
export function showRunCommand(id: string, opts: { workspace?: string; json?: boolean }, out: Out): void {
  const store = Workspace.open(opts.workspace).store;
  try {
    const r = requireRun(store, id);
    if (opts.json) {
      out(JSON.stringify(r));
      return;
    }
    out(`run ${r.id}  ${r.name}  (${r.experiment})`);
    out(`status      ${r.status}${r.error ? `: ${r.error}` : ''}`);
    out(`started     ${when(r.startTime)}   ended ${when(r.endTime)}   took ${duration(r)}`);
    out(`model       ${modelType(r)}   seed ${r.seed ?? '-'}   backend ${r.backend ?? '-'}   RecLab ${r.appVersion ?? '-'}`);
    out(`protocol    ${r.fingerprint ?? '-'}`);
    const ds = r.datasetStats as { users?: number; items?: number; interactions?: number } | undefined;
    if (ds) out(`dataset     ${ds.users} users, ${ds.items} items, ${ds.interactions} interactions`);
    if (Object.keys(r.tags).length) out(`tags        ${Object.entries(r.tags).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    if (r.notes) out(`notes       ${r.notes}`);
    out('\nparams');
    out(formatTable(['param', 'value'], Object.entries(r.params).sort()));
    const segs = Object.keys(r.finalMetrics);
    if (segs.length) {
      const keys = [...new Set(segs.flatMap((s) => Object.keys(r.finalMetrics[s])))].sort();
      out('\nfinal metrics');
      out(formatTable(['metric', ...segs], keys.map((k) => [k, ...segs.map((s) => r.finalMetrics[s][k])])));
    }
    const series = store.listMetricKeys(r.id);
    if (series.length) out(`\nseries      ${series.map((k) => `${k} (last ${formatNumber(r.latestMetrics[k]?.value ?? NaN)})`).join(', ')}`);
    if (r.artifacts.length) out(`\nartifacts\n${r.artifacts.map((a) => `  ${a.path} (${a.kind}, ${a.size} B)`).join('\n')}`);
  } finally {
    store.close();
  }
}

/** `reclab compare RUN RUN...`: final metrics side by side; warns when protocols differ. */
export function compareRunsCommand(ids: string[], opts: { workspace?: string; segment?: string; json?: boolean }, out: Out, err: Out): void {
  if (ids.length < 2) throw new InputError('compare needs at least two run ids.', 'USAGE');
  const store = Workspace.open(opts.workspace).store;
  try {
    const runs = ids.map((id) => requireRun(store, id));
    const segment = opts.segment ?? 'overall';
    const fingerprints = new Set(runs.map((r) => r.fingerprint ?? 'none'));
    const sameProtocol = fingerprints.size === 1;
    if (opts.json) {
      out(JSON.stringify({ same_protocol: sameProtocol, segment, runs: runs.map((r) => ({ id: r.id, name: r.name, fingerprint: r.fingerprint, metrics: r.finalMetrics[segment] ?? {} })) }));
      return;
    }
    if (!sameProtocol) {
      err('WARNING: these runs were evaluated under different protocols (dataset, split or evaluation settings differ); their metrics are not comparable.');
      for (const r of runs) err(`  ${r.id.slice(0, 8)} ${r.name}: ${r.fingerprint?.slice(0, 16) ?? 'no fingerprint'}`);
    }
    const keys = [...new Set(runs.flatMap((r) => Object.keys(r.finalMetrics[segment] ?? {})))].sort();
    out(formatTable(['metric', ...runs.map((r) => `${r.id.slice(0, 8)} ${r.name}`)], keys.map((k) => [k, ...runs.map((r) => r.finalMetrics[segment]?.[k])])));
  } finally {
    store.close();
  }
}
