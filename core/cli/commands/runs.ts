import fs from 'node:fs';
import path from 'node:path';
import { RunStoreError, writeRunFiles, type RunRecord, type RunStatus, type SqliteRunStore } from '../../runs';
import { InputError } from '../../util';
import { compareMetricKeys, compareSegments, metricDirection } from '../metric-order';
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
  opts: { workspace?: string; experiment?: string; status?: string; tag?: string; search?: string; filter?: string; limit?: string; metric?: string; sort?: boolean; json?: boolean },
  out: Out,
): void {
  const store = Workspace.open(opts.workspace).store;
  try {
    const metric = opts.metric ?? 'ndcg@10';
    const runs = withQueryCaret(opts.filter, () => store.listRuns({
      experiment: opts.experiment,
      status: opts.status?.toUpperCase() as RunStatus | undefined,
      tag: opts.tag,
      search: opts.search,
      query: opts.filter,
      limit: opts.limit ? Number(opts.limit) : undefined,
      orderBy: opts.sort ? metric : undefined,
    }));
    if (opts.json) {
      out(JSON.stringify(runs.map((r) => ({ id: r.id, experiment: r.experiment, name: r.name, status: r.status, start: r.startTime, end: r.endTime, model: modelType(r), metrics: r.finalMetrics.overall ?? {}, fingerprint: r.fingerprint, error: r.error }))));
      return;
    }
    if (runs.length === 0) {
      const total = store.listRunSummaries({ limit: 0 }).total;
      if (total === 0) out('no runs yet: `reclab run experiments/baselines-sample.recnb` makes one');
      else out(`no run matches the filter (${describeFilter(opts)}); the workspace has ${total} run${total === 1 ? '' : 's'}: \`reclab runs\` lists them all`);
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

/** A filter that does not parse: the message, then the query with a caret under the place. */
function withQueryCaret<T>(query: string | undefined, read: () => T): T {
  try {
    return read();
  } catch (e) {
    const details = (e as { code?: string; details?: { position?: number; length?: number } }).details;
    if (query === undefined || (e as { code?: string }).code !== 'QUERY' || details?.position === undefined) throw e;
    const caret = ' '.repeat(details.position) + '^'.repeat(Math.max(1, details.length ?? 1));
    throw new RunStoreError(`${(e as Error).message}\n  ${query}\n  ${caret}`, 'QUERY', details);
  }
}

function describeFilter(opts: { experiment?: string; status?: string; tag?: string; search?: string; filter?: string }): string {
  const parts = [
    opts.experiment !== undefined && `--experiment ${opts.experiment}`,
    opts.status !== undefined && `--status ${opts.status}`,
    opts.tag !== undefined && `--tag ${opts.tag}`,
    opts.search !== undefined && `--search ${opts.search}`,
    opts.filter !== undefined && `--filter '${opts.filter}'`,
  ];
  return parts.filter(Boolean).join(' ') || 'none';
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
    if (Object.keys(r.tags).length) out(`tags        ${formatTags(r.tags)}`);
    if (r.notes) out(`notes       ${r.notes}`);
    out('\nparams');
    out(formatTable(['param', 'value'], Object.entries(r.params).sort(([a], [b]) => compareMetricKeys(a, b))));
    const segs = Object.keys(r.finalMetrics).sort(compareSegments);
    if (segs.length) {
      const keys = [...new Set(segs.flatMap((s) => Object.keys(r.finalMetrics[s])))].sort(compareMetricKeys);
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

/** `reclab compare RUN RUN...`: final metrics side by side, the difference to the first run, the best marked; warns when protocols differ. */
export function compareRunsCommand(ids: string[], opts: { workspace?: string; segment?: string; json?: boolean }, out: Out, err: Out): void {
  if (ids.length < 2) throw new InputError('compare needs at least two run ids.', 'USAGE');
  const store = Workspace.open(opts.workspace).store;
  try {
    const runs = ids.map((id) => requireRun(store, id));
    const segment = opts.segment ?? 'overall';
    const missing = runs.filter((r) => !r.finalMetrics[segment]);
    if (missing.length === runs.length) {
      const present = [...new Set(runs.flatMap((r) => Object.keys(r.finalMetrics)))].sort(compareSegments);
      throw new InputError(
        present.length
          ? `No run here has segment '${segment}'. These runs have: ${present.join(', ')}.${segment.endsWith(':cold') ? ' Cold segments come from a cold-item or cold-user split.' : ''}`
          : `None of these runs has final metrics (they did not finish); \`reclab show RUN\` says why.`,
        'UNKNOWN_SEGMENT',
      );
    }
    const fingerprints = new Set(runs.map((r) => r.fingerprint ?? 'none'));
    const sameProtocol = fingerprints.size === 1;
    const keys = [...new Set(runs.flatMap((r) => Object.keys(r.finalMetrics[segment] ?? {})))].sort(compareMetricKeys);
    const rows = keys.map((k) => compareRow(k, runs.map((r) => r.finalMetrics[segment]?.[k])));
    if (opts.json) {
      out(
        JSON.stringify({
          same_protocol: sameProtocol,
          segment,
          runs: runs.map((r, j) => ({
            id: r.id,
            name: r.name,
            fingerprint: r.fingerprint,
            metrics: r.finalMetrics[segment] ?? {},
            ...(j > 0 ? { diff_vs_first: Object.fromEntries(rows.filter((row) => row.diffs[j] !== undefined).map((row) => [row.key, row.diffs[j]])) } : {}),
          })),
          best: Object.fromEntries(rows.filter((row) => row.best.length).map((row) => [row.key, row.best.map((j) => runs[j].id)])),
        }),
      );
      return;
    }
    if (!sameProtocol) {
      err('WARNING: these runs were evaluated under different protocols (dataset, split or evaluation settings differ); their metrics are not comparable.');
      for (const r of runs) err(`  ${r.id.slice(0, 8)} ${r.name}: ${r.fingerprint?.slice(0, 16) ?? 'no fingerprint'}`);
    }
    for (const r of missing) err(`note: ${r.id.slice(0, 8)} ${r.name} has no segment '${segment}'.`);
    const header = ['metric'];
    const aligned = [false];
    runs.forEach((r, j) => {
      header.push(`${r.id.slice(0, 8)} ${r.name}`);
      aligned.push(true);
      if (j > 0) {
        header.push(`diff vs ${runs[0].id.slice(0, 8)}`);
        aligned.push(true);
      }
    });
    const table = rows.map((row) => [
      row.key,
      ...row.values.flatMap((v, j) => {
        const cell = v === undefined ? '-' : `${formatNumber(v)}${row.best.includes(j) ? '*' : ' '}`;
        return j === 0 ? [cell] : [cell, formatDiff(row.diffs[j], row.values[0])];
      }),
    ]);
    out(formatTable(header, table, aligned));
    out(`\nsegment ${segment}; * best of the row (higher is better; fit_s: lower; no mark where neither or all equal)`);
  } finally {
    store.close();
  }
}

interface CompareRow {
  key: string;
  values: (number | undefined)[];
  /** Value minus the first run's, by run (undefined for the first run or a missing value). */
  diffs: (number | undefined)[];
  /** Runs holding the best value (several on a tie); empty when the metric has no direction or all are equal. */
  best: number[];
}

function compareRow(key: string, values: (number | undefined)[]): CompareRow {
  const first = values[0];
  const diffs = values.map((v, j) => (j === 0 || v === undefined || first === undefined ? undefined : v - first));
  const direction = metricDirection(key);
  const finite = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  let best: number[] = [];
  if (direction && finite.length > 1 && new Set(finite).size > 1) {
    const target = direction === 'higher' ? Math.max(...finite) : Math.min(...finite);
    best = values.flatMap((v, j) => (v === target ? [j] : []));
  }
  return { key, values, diffs, best };
}

function formatDiff(diff: number | undefined, base: number | undefined): string {
  if (diff === undefined || Number.isNaN(diff)) return '-';
  const sign = diff > 0 ? '+' : diff < 0 ? '-' : '±';
  const relative = base !== undefined && base !== 0 && Number.isFinite(base) ? ` (${sign}${Math.abs((100 * diff) / base).toFixed(1)}%)` : '';
  return `${sign}${formatNumber(Math.abs(diff))}${relative}`;
}

/** `reclab runs tag RUN key=value...`: sets (or overwrites) tags. */
export function tagRunCommand(id: string, pairs: string[], opts: { workspace?: string }, out: Out): void {
  const tags: Record<string, string> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new InputError(`Tags are key=value, got '${p}'.`, 'USAGE');
    tags[p.slice(0, eq)] = p.slice(eq + 1);
  }
  withRun(id, opts, (store, r) => {
    store.setTags(r.id, tags);
    out(`run ${r.id.slice(0, 8)} ${r.name}: ${formatTags({ ...r.tags, ...tags })}`);
  });
}

/** `reclab runs untag RUN key...`: removes tags. */
export function untagRunCommand(id: string, keys: string[], opts: { workspace?: string }, out: Out): void {
  withRun(id, opts, (store, r) => {
    const unknown = keys.filter((k) => !(k in r.tags));
    if (unknown.length) throw new InputError(`Run ${r.id.slice(0, 8)} has no tag ${unknown.map((k) => `'${k}'`).join(', ')}; its tags: ${formatTags(r.tags)}.`, 'UNKNOWN_TAG');
    for (const k of keys) store.deleteTag(r.id, k);
    const left = Object.fromEntries(Object.entries(r.tags).filter(([k]) => !keys.includes(k)));
    out(`run ${r.id.slice(0, 8)} ${r.name}: ${formatTags(left)}`);
  });
}

/** Changes a run, then refreshes its run.json, so that `reclab runs recover` would bring the change back too. */
function withRun(id: string, opts: { workspace?: string }, fn: (store: SqliteRunStore, r: RunRecord) => void): void {
  const ws = Workspace.open(opts.workspace);
  const store = ws.store;
  try {
    const r = requireRun(store, id);
    fn(store, r);
    const dir = path.join(ws.layout.artifactsRoot, r.id);
    if (fs.existsSync(dir)) writeRunFiles(store, r.id, dir);
  } finally {
    store.close();
  }
}

function formatTags(tags: Record<string, string>): string {
  const entries = Object.entries(tags);
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(' ') : 'no tags';
}
