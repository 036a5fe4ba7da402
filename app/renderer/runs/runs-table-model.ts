import { parseRunQuery, QuerySyntaxError } from '../../../core/spec';
import type { RunProgressEvent } from '../../../core/workspace';
import type { ApiClient, CallArgs, RunSummary } from '../../common/api';
import { ChangeModel } from '../workbench/model';

/**
 * The runs explorer without its DOM: which columns, filter, sort and grouping the user
 * chose, the rows read from the host a page at a time (only what the table shows is
 * read, so 10,000 runs list as fast as 100), the selection, and live updates (runs
 * started, finished, renamed, trashed elsewhere; progress of the running ones).
 */

export type FieldColumn = 'status' | 'name' | 'experiment' | 'modelType' | 'dataset' | 'protocol' | 'duration' | 'tags' | 'started';
/** A field, or a final metric (`metric:ndcg@10`) or param (`param:model.dim`) the user added. */
export type ColumnId = FieldColumn | `metric:${string}` | `param:${string}`;

export const FIELD_COLUMNS: readonly FieldColumn[] = ['status', 'name', 'experiment', 'modelType', 'dataset', 'protocol', 'duration', 'tags', 'started'];
export const FIELD_TITLES: Record<FieldColumn, string> = {
  status: 'Status',
  name: 'Name',
  experiment: 'Experiment',
  modelType: 'Model',
  dataset: 'Dataset',
  protocol: 'Protocol',
  duration: 'Duration',
  tags: 'Tags',
  started: 'Started',
};
/** The metrics a new explorer shows: the ones the examples select on. */
export const DEFAULT_METRICS = ['ndcg@10', 'recall@10'];
/** Rows read per request: a screenful and some (each row costs the host its metric, param and tag lookups). */
export const PAGE_SIZE = 60;
/** Rows read per request when every row is needed (grouping, a sort the host cannot do). */
const ALL_CHUNK = 1000;
/** Tags RecLab sets itself (the notebook a run came from): not shown as the user's tags. */
export const SYSTEM_TAG_PREFIX = 'reclab.';

export interface SortState {
  column: ColumnId;
  ascending: boolean;
}

export interface QueryError {
  message: string;
  position: number;
  length: number;
}

export type TableItem = { kind: 'group'; experiment: string; count: number; collapsed: boolean } | { kind: 'run'; run: RunSummary; index: number } | { kind: 'pending'; index: number };

type OrderBy = NonNullable<CallArgs<'runs.list'>['orderBy']>;

/** How the host sorts by a column; undefined: the explorer sorts (it reads every row then). */
export function hostOrder(column: ColumnId): OrderBy | undefined {
  if (column.startsWith('metric:')) return { metric: column.slice('metric:'.length) };
  if (column.startsWith('param:')) return { param: column.slice('param:'.length) };
  switch (column) {
    case 'status':
    case 'name':
    case 'experiment':
    case 'modelType':
      return { field: column };
    case 'started':
      return { field: 'startTime' };
    default:
      return undefined;
  }
}

/** The direction a first click on a column sorts: best metrics and newest runs first, text A to Z. */
export function defaultAscending(column: ColumnId): boolean {
  return !(column.startsWith('metric:') || column === 'started' || column === 'duration');
}

export function columnTitle(column: ColumnId): string {
  if (column.startsWith('metric:')) return column.slice('metric:'.length);
  if (column.startsWith('param:')) return column.slice('param:'.length);
  return FIELD_TITLES[column as FieldColumn];
}

/** The user's tags of a run (RecLab's own hidden), as `key=value`. */
export function userTags(tags: Record<string, string>): string[] {
  return Object.entries(tags)
    .filter(([k]) => !k.startsWith(SYSTEM_TAG_PREFIX))
    .map(([k, v]) => (v ? `${k}=${v}` : k));
}

export function runDuration(r: Pick<RunSummary, 'startTime' | 'endTime'>, now: number): number {
  return ((r.endTime ?? now) - r.startTime) / 1000;
}

/** A sort value for the columns the explorer sorts itself. */
function clientValue(r: RunSummary, column: ColumnId, now: number): string | number | undefined {
  switch (column) {
    case 'dataset':
      return r.dataset;
    case 'protocol':
      return r.fingerprint;
    case 'duration':
      return runDuration(r, now);
    case 'tags':
      return userTags(r.tags).join(' ') || undefined;
    default:
      return undefined;
  }
}

/** Checks a filter as typed: the error and its position, or undefined when it parses. */
export function checkQuery(text: string): QueryError | undefined {
  try {
    parseRunQuery(text);
    return undefined;
  } catch (e) {
    if (e instanceof QuerySyntaxError) return { message: e.message, position: e.position, length: Math.max(1, e.length) };
    return { message: (e as Error).message, position: 0, length: Math.max(1, text.length) };
  }
}

/** What the explorer keeps between openings: the user's view of the runs, not the rows. */
export interface ExplorerSettings {
  query: string;
  metrics: string[];
  params: string[];
  sort: SortState;
  group: boolean;
}

const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string' && x.length > 0) ? v.slice(0, 50) : undefined);

/** Saved settings read defensively: a field of the wrong shape keeps its default. */
export function readSettings(raw: unknown): Partial<ExplorerSettings> {
  if (!raw || typeof raw !== 'object') return {};
  const r = raw as Record<string, unknown>;
  const out: Partial<ExplorerSettings> = {};
  if (typeof r.query === 'string' && r.query.length <= 10_000) out.query = r.query;
  const metrics = strings(r.metrics);
  if (metrics) out.metrics = metrics;
  const params = strings(r.params);
  if (params) out.params = params;
  const sort = r.sort as Partial<SortState> | undefined;
  const column = sort?.column;
  const known = typeof column === 'string' && ((FIELD_COLUMNS as readonly string[]).includes(column) || /^(metric|param):./.test(column));
  if (known && typeof sort?.ascending === 'boolean') out.sort = { column: column as ColumnId, ascending: sort.ascending };
  if (typeof r.group === 'boolean') out.group = r.group;
  return out;
}

export class RunsTableModel extends ChangeModel {
  private _query = '';
  private _queryError: QueryError | undefined;
  private applied = '';
  private _metrics = [...DEFAULT_METRICS];
  private _params: string[] = [];
  private _sort: SortState = { column: 'started', ascending: false };
  private _group = false;
  private _trashed = false;
  private collapsed = new Set<string>();

  private _total: number | undefined;
  private _error: string | undefined;
  private pages = new Map<number, RunSummary[]>();
  private requested = new Set<number>();
  /** Every row, in the chosen order, when grouping or sorting here. */
  private all: RunSummary[] | undefined;
  private items: TableItem[] | undefined;
  private generation = 0;
  private _resets = 0;
  private _loading = false;
  private visible: [number, number] = [0, PAGE_SIZE];
  /** The rows held are those of the previous filter or sort: replaced when the first new page arrives. */
  private stale = false;
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;

  private _selection = new Set<string>();
  private anchor: number | undefined;
  private _focus = 0;
  private readonly progress = new Map<string, RunProgressEvent>();

  constructor(
    private readonly api: ApiClient,
    initial: Partial<ExplorerSettings> = {},
    private readonly now: () => number = Date.now,
  ) {
    super();
    if (initial.query !== undefined) {
      this._query = initial.query;
      this._queryError = checkQuery(initial.query);
    }
    if (initial.metrics) this._metrics = [...initial.metrics];
    if (initial.params) this._params = [...initial.params];
    if (initial.sort) this._sort = { ...initial.sort };
    if (initial.group !== undefined) this._group = initial.group;
    const soon = () => this.scheduleReload();
    const offs = [
      api.on('runs.changed', soon),
      api.on('run.started', soon),
      api.on('run.finished', (e) => {
        this.progress.delete(e.runId);
        soon();
      }),
      api.on('run.progress', (p) => {
        if (p.preview) return;
        this.progress.set(p.runId, p);
        this.changed();
      }),
    ];
    this.disposables.push({ dispose: () => offs.forEach((off) => off()) });
  }

  // ---- state

  get settings(): ExplorerSettings {
    return { query: this._query, metrics: [...this._metrics], params: [...this._params], sort: { ...this._sort }, group: this._group };
  }

  get query(): string {
    return this._query;
  }
  get queryError(): QueryError | undefined {
    return this._queryError;
  }
  /** The filter the rows were read with. */
  get appliedQuery(): string {
    return this.applied;
  }
  get metrics(): readonly string[] {
    return this._metrics;
  }
  get params(): readonly string[] {
    return this._params;
  }
  get sort(): SortState {
    return this._sort;
  }
  get groupByExperiment(): boolean {
    return this._group;
  }
  get trashed(): boolean {
    return this._trashed;
  }
  get total(): number | undefined {
    return this._total;
  }
  get error(): string | undefined {
    return this._error;
  }
  get loading(): boolean {
    return this._loading;
  }
  /** Bumped on every read from the first row (filter, sort, columns): the table scrolls to the top then. */
  get resets(): number {
    return this._resets;
  }
  get selection(): ReadonlySet<string> {
    return this._selection;
  }
  get focusIndex(): number {
    return this._focus;
  }
  progressOf(runId: string): RunProgressEvent | undefined {
    return this.progress.get(runId);
  }

  /** The columns shown, in order. */
  get columns(): ColumnId[] {
    return ['status', 'name', 'experiment', 'modelType', 'dataset', 'protocol', ...this._metrics.map((m) => `metric:${m}` as const), ...this._params.map((p) => `param:${p}` as const), 'duration', 'tags', 'started'];
  }

  /** Rows of the table (group headers included). */
  get count(): number {
    if (this.needsAll) return this.items?.length ?? 0;
    return this._total ?? 0;
  }

  itemAt(i: number): TableItem {
    if (this.needsAll) return this.items?.[i] ?? { kind: 'pending', index: i };
    const run = this.pages.get(Math.floor(i / PAGE_SIZE))?.[i % PAGE_SIZE];
    return run ? { kind: 'run', run, index: i } : { kind: 'pending', index: i };
  }

  /** The loaded runs in table order (for selection ranges and the bench). */
  loadedRuns(): RunSummary[] {
    if (this.needsAll) return (this.items ?? []).flatMap((it) => (it.kind === 'run' ? [it.run] : []));
    return [...this.pages.entries()].sort((a, b) => a[0] - b[0]).flatMap(([, rows]) => rows);
  }

  private get needsAll(): boolean {
    return this._group || hostOrder(this._sort.column) === undefined;
  }

  // ---- user actions

  /** The filter as typed: checked now; read when it parses. */
  setQuery(text: string): void {
    this._query = text;
    this._queryError = checkQuery(text);
    this.changed();
    if (!this._queryError && text.trim() !== this.applied.trim()) this.reload();
  }

  sortBy(column: ColumnId): void {
    this._sort = this._sort.column === column ? { column, ascending: !this._sort.ascending } : { column, ascending: defaultAscending(column) };
    this.reload();
  }

  setGroupByExperiment(on: boolean): void {
    if (on === this._group) return;
    this._group = on;
    this.reload();
  }

  toggleGroup(experiment: string): void {
    if (!this.collapsed.delete(experiment)) this.collapsed.add(experiment);
    this.buildItems();
    this.changed();
  }

  setTrashed(on: boolean): void {
    if (on === this._trashed) return;
    this._trashed = on;
    this._selection.clear();
    this.reload();
  }

  addColumn(kind: 'metric' | 'param', key: string): void {
    const k = key.trim();
    if (!k) return;
    const list = kind === 'metric' ? this._metrics : this._params;
    if (list.includes(k)) return;
    list.push(k);
    this.reload();
  }

  removeColumn(column: ColumnId): void {
    if (column.startsWith('metric:')) this._metrics = this._metrics.filter((m) => `metric:${m}` !== column);
    else if (column.startsWith('param:')) this._params = this._params.filter((p) => `param:${p}` !== column);
    else return;
    if (this._sort.column === column) this._sort = { column: 'started', ascending: false };
    this.reload();
  }

  /** A click on row `index` (Ctrl toggles, Shift extends from the last click). */
  select(index: number, mode: { toggle?: boolean; range?: boolean } = {}): void {
    const item = this.itemAt(index);
    this._focus = index;
    if (item.kind !== 'run') {
      this.changed();
      return;
    }
    if (mode.range && this.anchor !== undefined) {
      const [a, b] = this.anchor < index ? [this.anchor, index] : [index, this.anchor];
      if (!mode.toggle) this._selection.clear();
      for (let i = a; i <= b; i++) {
        const it = this.itemAt(i);
        if (it.kind === 'run') this._selection.add(it.run.id);
      }
    } else if (mode.toggle) {
      if (!this._selection.delete(item.run.id)) this._selection.add(item.run.id);
      this.anchor = index;
    } else {
      this._selection = new Set([item.run.id]);
      this.anchor = index;
    }
    this.changed();
  }

  /** Moves the focused row by `delta` (arrow keys), selecting it (Shift: extending). */
  moveFocus(delta: number, extend = false): void {
    if (this.count === 0) return;
    const next = Math.min(this.count - 1, Math.max(0, this._focus + delta));
    this.select(next, extend ? { range: true } : {});
  }

  selectAllLoaded(): void {
    this._selection = new Set(this.loadedRuns().map((r) => r.id));
    this.changed();
  }

  clearSelection(): void {
    this._selection.clear();
    this.changed();
  }

  /** The selected runs the table has read (in table order). */
  selectedRuns(): RunSummary[] {
    return this.loadedRuns().filter((r) => this._selection.has(r.id));
  }

  // ---- reading

  /** The rows the table shows now: their pages are read if missing. */
  setVisibleRange(start: number, end: number): void {
    this.visible = [start, end];
    if (this.needsAll || this._total === undefined) return;
    for (let p = Math.floor(start / PAGE_SIZE); p <= Math.floor(Math.max(start, end) / PAGE_SIZE); p++) {
      if (p * PAGE_SIZE >= this._total) break;
      this.readPage(p, this.generation).catch((e: Error) => {
        this._error = e.message;
        this.changed();
      });
    }
  }

  /**
   * Reads again from the first row (a new filter, sort or columns). The rows shown stay
   * until the new ones arrive, so the table never flashes empty while the host reads.
   */
  reload(): Promise<void> {
    clearTimeout(this.reloadTimer);
    this.generation++;
    this._resets++;
    this.stale = true;
    this.requested = new Set();
    this.visible = [0, PAGE_SIZE];
    return this.read(this.generation);
  }

  /** Reads the shown rows again in place (a run started, finished or changed): the scroll stays. */
  refresh(): Promise<void> {
    clearTimeout(this.reloadTimer);
    const gen = ++this.generation;
    this.requested = new Set();
    return this.read(gen, true);
  }

  private scheduleReload(): void {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => void this.refresh(), 250);
  }

  private baseArgs(): CallArgs<'runs.list'> {
    const order = hostOrder(this._sort.column);
    return {
      query: this._queryError ? this.applied || undefined : this._query.trim() || undefined,
      metrics: this._metrics,
      params: this._params,
      trashed: this._trashed,
      ...(order ? { orderBy: order, ascending: this._sort.ascending } : {}),
    };
  }

  private async read(gen: number, keepRows = false): Promise<void> {
    const args = this.baseArgs();
    this._loading = true;
    this.changed();
    try {
      if (this.needsAll) await this.readAll(gen, args);
      else {
        const first = Math.floor(this.visible[0] / PAGE_SIZE);
        const last = Math.floor(this.visible[1] / PAGE_SIZE);
        const wanted = keepRows ? [...new Set([first, last, ...this.pages.keys()])] : [first];
        await Promise.all(wanted.map((p) => this.readPage(p, gen, args)));
      }
      if (gen !== this.generation) return;
      this.applied = args.query ?? '';
      this._error = undefined;
    } catch (e) {
      if (gen !== this.generation) return;
      const err = e as { code?: string; message: string; details?: { position?: number; length?: number } };
      if (err.code === 'QUERY' && this._query.trim()) {
        this._queryError = { message: err.message, position: err.details?.position ?? 0, length: Math.max(1, err.details?.length ?? 1) };
      } else this._error = err.message;
    } finally {
      if (gen === this.generation) {
        this._loading = false;
        this.changed();
      }
    }
  }

  private async readPage(page: number, gen: number, args = this.baseArgs()): Promise<void> {
    const key = page;
    if (this.requested.has(key)) return;
    this.requested.add(key);
    try {
      const r = await this.api.call('runs.list', { ...args, offset: page * PAGE_SIZE, limit: PAGE_SIZE });
      if (gen !== this.generation) return;
      if (this.stale) {
        this.pages = new Map();
        this.all = undefined;
        this.items = undefined;
        this.stale = false;
      }
      this._total = r.total;
      this.pages.set(page, r.runs);
      // Rows past the new end are gone (runs trashed meanwhile).
      for (const p of [...this.pages.keys()]) if (p * PAGE_SIZE >= r.total) this.pages.delete(p);
      this.changed();
    } catch (e) {
      this.requested.delete(key);
      throw e;
    }
  }

  private async readAll(gen: number, args: CallArgs<'runs.list'>): Promise<void> {
    const first = await this.api.call('runs.list', { ...args, offset: 0, limit: ALL_CHUNK });
    if (gen !== this.generation) return;
    const rows = [...first.runs];
    const rest: Promise<{ runs: RunSummary[] }>[] = [];
    for (let off = ALL_CHUNK; off < first.total; off += ALL_CHUNK) rest.push(this.api.call('runs.list', { ...args, offset: off, limit: ALL_CHUNK }));
    for (const page of await Promise.all(rest)) rows.push(...page.runs);
    if (gen !== this.generation) return;
    this.stale = false;
    this.pages = new Map();
    this._total = first.total;
    this.all = this.sortHere(rows);
    this.buildItems();
  }

  private sortHere(rows: RunSummary[]): RunSummary[] {
    const { column, ascending } = this._sort;
    if (hostOrder(column)) return rows;
    const now = this.now();
    const keyed = rows.map((r, i) => ({ r, i, v: clientValue(r, column, now) }));
    keyed.sort((a, b) => {
      // Runs without the value come last, whichever the direction (as the host sorts).
      if (a.v === undefined || b.v === undefined) return a.v === b.v ? a.i - b.i : a.v === undefined ? 1 : -1;
      const c = typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : String(a.v).localeCompare(String(b.v));
      return (ascending ? c : -c) || a.i - b.i;
    });
    return keyed.map((k) => k.r);
  }

  private buildItems(): void {
    const rows = this.all ?? [];
    if (!this._group) {
      this.items = rows.map((run, index) => ({ kind: 'run', run, index }));
      return;
    }
    // Groups in the order of their first run (so a sort by metric puts the best experiment first); runs keep the sort within.
    const groups = new Map<string, RunSummary[]>();
    for (const r of rows) {
      const g = groups.get(r.experiment);
      if (g) g.push(r);
      else groups.set(r.experiment, [r]);
    }
    const items: TableItem[] = [];
    for (const [experiment, runs] of groups) {
      const collapsed = this.collapsed.has(experiment);
      items.push({ kind: 'group', experiment, count: runs.length, collapsed });
      if (!collapsed) for (const run of runs) items.push({ kind: 'run', run, index: items.length });
    }
    this.items = items;
  }

  override dispose(): void {
    clearTimeout(this.reloadTimer);
    super.dispose();
  }
}
