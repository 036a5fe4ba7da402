import { RunStoreError } from './errors';
import { runFilterSql } from './filters';
import type { MetricColumn, RunStatus, RunSummary, RunSummaryQuery, SegmentMetrics } from './types';

const DEFAULT_LIMIT = 100;

function invalid(message: string): RunStoreError {
  return new RunStoreError(message, 'INVALID_ARGUMENT');
}

const FIELD_SQL = {
  startTime: 'r.start_time',
  endTime: 'r.end_time',
  name: 'r.name COLLATE NOCASE',
  experiment: 'e.name COLLATE NOCASE',
  status: 'r.status',
  modelType: "json_extract(r.spec, '$.model.type')",
} as const;

/**
 * A final metric's value for the run `r`: NULL when the run lacks it, the text 'NaN' when
 * it is NaN (SQLite stores a NaN as NULL, and the two must not be confused).
 */
const METRIC_SQL = "(SELECT coalesce(fm.value, 'NaN') FROM final_metrics fm WHERE fm.run_id = r.id AND fm.segment = ? AND fm.key = ?)";
const PARAM_SQL = '(SELECT p.value FROM params p WHERE p.run_id = r.id AND p.key = ?)';

function metricColumns(query: RunSummaryQuery): Required<MetricColumn>[] {
  return (query.metrics ?? []).map((m) => (typeof m === 'string' ? { key: m, segment: 'overall' } : { key: m.key, segment: m.segment ?? 'overall' }));
}

function count(v: number | undefined, what: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || v < 0) throw invalid(`${what} must be a non-negative integer, got ${v}.`);
  return v;
}

/**
 * Whether the text `v` is a JSON number. A CASE, not AND: SQLite does not promise to skip
 * json_type when json_valid is false, and json_type of text such as `ease` is an error.
 */
const isNumber = (v: string) => `coalesce(CASE WHEN json_valid(${v}) THEN json_type(${v}) IN ('integer', 'real') END, 0)`;

/** The ORDER BY terms over a sort value `v` (NULLs last either way), then newest first. */
function orderTerms(query: RunSummaryQuery): { sortSql: string; sortJoin: string; sortArgs: unknown[]; terms: (v: string) => string; tieDirection: string } {
  const o = query.orderBy ?? { field: 'startTime' };
  let sortSql: string;
  // A join, not a subquery: the sort value is named several times in ORDER BY, and SQLite
  // would run a correlated subquery once per mention.
  let sortJoin = '';
  let sortArgs: unknown[] = [];
  let descending: boolean;
  let numericText = false;
  if ('field' in o) {
    sortSql = FIELD_SQL[o.field];
    if (!sortSql) throw invalid(`Cannot sort runs by ${JSON.stringify(o.field)}; sort by one of ${Object.keys(FIELD_SQL).join(', ')}, a metric or a param.`);
    descending = o.field === 'startTime' || o.field === 'endTime';
  } else if ('metric' in o) {
    // NaN (stored as NULL) sorts with the missing values: it is no better or worse than any number.
    sortJoin = 'LEFT JOIN final_metrics sort_fm ON sort_fm.run_id = r.id AND sort_fm.segment = ? AND sort_fm.key = ?';
    sortSql = 'sort_fm.value';
    sortArgs = [o.segment ?? 'overall', o.metric];
    descending = true;
  } else if ('param' in o) {
    sortJoin = 'LEFT JOIN params sort_p ON sort_p.run_id = r.id AND sort_p.key = ?';
    sortSql = 'sort_p.value';
    sortArgs = [o.param];
    descending = false;
    numericText = true;
  } else {
    throw invalid(`orderBy needs a field, a metric or a param, got ${JSON.stringify(o)}.`);
  }
  if (query.ascending !== undefined) descending = !query.ascending;
  const dir = descending ? 'DESC' : 'ASC';
  // Params are text: numbers among them sort by value ('0.01' before '0.1' before '1e-3' is wrong as text).
  const terms = (v: string) =>
    numericText
      ? `${v} IS NULL, ${isNumber(v)} DESC, CASE WHEN ${isNumber(v)} THEN CAST(${v} AS REAL) END ${dir}, ${v} ${dir}`
      : `${v} IS NULL, ${v} ${dir}`;
  // Equal values: newest first, except when sorting by start time itself (then its direction, so ascending is oldest first throughout).
  const tieDirection = 'field' in o && o.field === 'startTime' ? dir : 'DESC';
  return { sortSql, sortJoin, sortArgs, terms, tieDirection };
}

/**
 * One statement for a page of summaries: the filtered runs with their sort value, cut to
 * the page (SQLite keeps only the best offset+limit rows while it sorts); only then, for
 * the page's rows, the columns that need lookups (metrics, params, tags, fields of the
 * spec). The total is an uncorrelated subquery, computed once (a window count over the
 * filtered runs would make SQLite keep and sort them all).
 */
export function summarySql(query: RunSummaryQuery): { sql: string; args: unknown[]; metrics: Required<MetricColumn>[]; params: string[] } {
  const { where, args: whereArgs } = runFilterSql(query);
  const limit = count(query.limit, 'limit', DEFAULT_LIMIT);
  const offset = count(query.offset, 'offset', 0);
  const metrics = metricColumns(query);
  const params = [...(query.params ?? [])];
  const { sortSql, sortJoin, sortArgs, terms, tieDirection } = orderTerms(query);
  const tieBreak = (page: string) => `${page}st ${tieDirection}, ${page}rid ${tieDirection}`;
  // The experiments table is joined only to filter or sort by its name: a join per run costs a quarter of the time.
  const byExperiment = query.experiment !== undefined || (query.orderBy !== undefined && 'field' in query.orderBy && query.orderBy.field === 'experiment');
  const experiments = byExperiment ? 'JOIN experiments e ON e.id = r.experiment_id' : '';
  const filtered = (join = '') => `FROM runs r ${experiments} ${join} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
  const sql = `WITH page AS (
      SELECT rid, st, v FROM (SELECT r.rowid AS rid, r.start_time AS st, ${sortSql} AS v ${filtered(sortJoin)})
      ORDER BY ${terms('v')}, ${tieBreak('')} LIMIT ? OFFSET ?
    )
    SELECT (SELECT count(*) ${filtered()}) AS total, r.id, r.name, e.name AS experiment, r.status, r.start_time, r.end_time, r.error, r.fingerprint,
      json_extract(r.spec, '$.model.type') AS model_type,
      coalesce(json_extract(r.dataset_stats, '$.name'), json_extract(r.spec, '$.data.name'), json_extract(r.spec, '$.data.source')) AS dataset,
      (SELECT json_group_object(t.key, t.value) FROM tags t WHERE t.run_id = r.id) AS tags
      ${metrics.map(() => `, ${METRIC_SQL}`).join('')}
      ${params.map(() => `, ${PARAM_SQL}`).join('')}
    FROM page JOIN runs r ON r.rowid = page.rid JOIN experiments e ON e.id = r.experiment_id
    ORDER BY ${terms('page.v')}, ${tieBreak('page.')}`;
  const args = [...sortArgs, ...whereArgs, limit, offset, ...whereArgs, ...metrics.flatMap((m) => [m.segment, m.key]), ...params];
  return { sql, args, metrics, params };
}

/** The raw columns of `summarySql`: fixed ones by name, then one per metric, then one per param. */
export function toSummary(row: unknown[], metrics: Required<MetricColumn>[], params: string[]): { total: number; summary: RunSummary } {
  const [total, id, name, experiment, status, start, end, error, fingerprint, modelType, dataset, tags] = row as [
    number,
    string,
    string,
    string,
    RunStatus,
    number,
    number | null,
    string | null,
    string | null,
    unknown,
    unknown,
    string,
  ];
  const finals: SegmentMetrics = {};
  metrics.forEach((m, j) => {
    const v = row[12 + j] as number | string | null;
    if (v !== null) (finals[m.segment] ??= {})[m.key] = typeof v === 'number' ? v : NaN;
  });
  const values: Record<string, string> = {};
  params.forEach((p, j) => {
    const v = row[12 + metrics.length + j] as string | null;
    if (v !== null) values[p] = v;
  });
  const summary: RunSummary = {
    id,
    name,
    experiment,
    status,
    startTime: start,
    ...(end === null ? {} : { endTime: end }),
    ...(error === null ? {} : { error }),
    ...(modelType === null ? {} : { modelType: String(modelType) }),
    ...(dataset === null ? {} : { dataset: String(dataset) }),
    ...(fingerprint === null ? {} : { fingerprint }),
    metrics: finals,
    params: values,
    tags: JSON.parse(tags) as Record<string, string>,
  };
  return { total, summary };
}
