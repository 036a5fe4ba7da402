import type { ApiClient, CallResult } from '../../common/api';
import type { RunRecord, SeriesPoint } from '../../../core/runs';
import { ChangeModel } from '../workbench/model';
import { metricFamilies, paramRows, protocolWarning, runLabels, stepRange, type ParamRow, type ProtocolWarning, type XAxis } from './compare-data';

/** Points one chart's whole view asks for, over all its runs: enough for a chart's width per run, few enough to stay fast with 100 runs. */
const CHART_BUDGET = 50_000;
/** A zoomed range is asked again at about the chart's width in pixels per run (up to 25 runs; more share CHART_BUDGET): full resolution once the range holds fewer points. */
const ZOOM_POINTS = 2000;
/** A tab reads the new points of its running runs at most this often. */
const PULL_MS = 250;

export type Series = Record<string, SeriesPoint[]>;

export interface CurveZoom {
  /** The x range shown (on the axis it was made on). */
  range: [number, number];
  axis: XAxis;
  /** By run: the range's points, read again from the store. */
  series: Series;
}

/** Keys chosen first: the training loss and validation metrics, which every trained run has. */
function defaultKeys(keys: readonly string[]): string[] {
  const preferred = keys.filter((k) => k === 'train/loss' || k.startsWith('valid/') || k.startsWith('tune/'));
  return (preferred.length ? preferred : keys).slice(0, 2);
}

/**
 * The state of one compare tab: its runs (read once with `runs.get`), the metric keys
 * drawn, the x axis, smoothing and log scale, each curve's series (downsampled for the
 * whole view; read again at full resolution for a zoomed range, so a spike between
 * buckets still shows), and the choices of the bar, table and parallel-coordinates panels.
 */
export class CompareModel extends ChangeModel {
  runs: RunRecord[] = [];
  labels: string[] = [];
  /** Ids that could not be read (deleted runs), with why. */
  missing: { id: string; message: string }[] = [];
  loading = true;
  error: string | undefined;
  /** Every series key the runs have, sorted. */
  keys: string[] = [];
  selectedKeys: string[] = [];
  xAxis: XAxis = 'step';
  /** EMA weight, 0 (raw) to 0.99. */
  smoothing = 0;
  logY = false;
  /** By key: the whole-view series of every run. */
  series: Record<string, Series> = {};
  private loadingSeries = 0;
  zooms: Record<string, CurveZoom | undefined> = {};
  families: string[] = [];
  family = 'ndcg';
  showAllParams = false;
  /** The final metric (overall) the parallel coordinates end on. */
  parcoordsMetric = 'ndcg@10';
  warning: ProtocolWarning | undefined;
  private zoomSeq: Record<string, number> = {};
  /** By key: bumped whenever the key's series or zoom changes, so only its chart redraws. */
  private curveChanges: Record<string, number> = {};
  private disposed = false;

  /** Runs whose new points are to be read (their progress events came since the last read). */
  private readonly dirty = new Set<string>();
  private pullTimer: ReturnType<typeof setTimeout> | undefined;
  private pulling = false;
  private pullAgain = false;
  /** Bumped when a run's record is read again (it finished): bars and parallel coordinates redraw. */
  private runChanges = 0;
  private readonly offs: (() => void)[];

  constructor(
    private readonly api: ApiClient,
    readonly runIds: readonly string[],
  ) {
    super();
    this.offs = [api.on('run.progress', (e) => this.onProgress(e.runId, e.points)), api.on('run.finished', (e) => void this.onFinished(e.runId))];
  }

  async load(): Promise<void> {
    let got: { runs: RunRecord[]; missing: { id: string; message: string }[] };
    try {
      got = await this.api.call('runs.getMany', { runIds: [...this.runIds] });
    } catch (e) {
      got = { runs: [], missing: this.runIds.map((id) => ({ id, message: (e as Error).message })) };
    }
    if (this.disposed) return;
    this.runs = got.runs;
    this.missing = got.missing;
    this.labels = runLabels(this.runs);
    this.keys = [...new Set(this.runs.flatMap((r) => Object.keys(r.latestMetrics)))].sort();
    this.selectedKeys = defaultKeys(this.keys);
    this.finalMetricsRead();
    this.warning = protocolWarning(this.runs);
    this.loading = false;
    if (this.runs.length === 0) this.error = this.missing.length ? `None of the runs could be read: ${this.missing.map((m) => m.message).join('; ')}` : 'No runs to compare.';
    this.changed();
    // A request per key: the page draws one chart while the host reads the next.
    await Promise.all(this.selectedKeys.map((key) => this.loadSeries(key)));
  }

  /**
   * What each chart is drawn from, as a value that changes only when its figure does: a
   * chart redrawn on every change of the tab (a series arriving for another chart) costs
   * a Plotly draw of 100 traces each time.
   */
  curveVersion(key: string): string {
    return `${this.runs.length}|${this.curveChanges[key] ?? 0}|${this.xAxis}|${this.smoothing}|${this.logY}`;
  }

  barsVersion(): string {
    return `${this.runs.length}|${this.runChanges}|${this.family}`;
  }

  parcoordsVersion(): string {
    return `${this.runs.length}|${this.runChanges}|${this.parcoordsMetric}`;
  }

  /** The metric families and the parallel coordinates' metric, from the runs' final metrics. */
  private finalMetricsRead(): void {
    this.families = metricFamilies(this.runs);
    if (!this.families.includes(this.family)) this.family = this.families[0] ?? '';
    const overall = [...new Set(this.runs.flatMap((r) => Object.keys(r.finalMetrics.overall ?? {})))].sort();
    if (!overall.includes(this.parcoordsMetric)) this.parcoordsMetric = overall[0] ?? '';
  }

  private curveChanged(key: string): void {
    this.curveChanges[key] = (this.curveChanges[key] ?? 0) + 1;
  }

  /** Whether some series are still being read. */
  get seriesLoading(): boolean {
    return this.loadingSeries > 0;
  }

  get paramRows(): ParamRow[] {
    return paramRows(this.runs);
  }

  /** Overall final metric keys the runs have (the parallel coordinates' last axis). */
  get overallMetrics(): string[] {
    return [...new Set(this.runs.flatMap((r) => Object.keys(r.finalMetrics.overall ?? {})))].sort();
  }

  /**
   * Segments the bars show: overall, and warm and cold items; a split without cold items
   * has none of those, so its popularity segments (head, mid, tail items) instead.
   */
  get segments(): string[] {
    const all = new Set(this.runs.flatMap((r) => Object.keys(r.finalMetrics)));
    const coldWarm = ['items:warm', 'items:cold'].filter((s) => all.has(s));
    const rest = coldWarm.length ? coldWarm : ['items:head', 'items:mid', 'items:tail'].filter((s) => all.has(s));
    return ['overall', ...rest].filter((s) => all.has(s));
  }

  toggleKey(key: string): void {
    const on = this.selectedKeys.includes(key);
    this.selectedKeys = on ? this.selectedKeys.filter((k) => k !== key) : [...this.selectedKeys, key];
    this.changed();
    if (!on && !this.series[key]) void this.loadSeries(key);
  }

  setXAxis(axis: XAxis): void {
    if (axis === this.xAxis) return;
    this.xAxis = axis;
    // A zoom is a range of the old axis.
    this.zooms = {};
    this.changed();
  }

  setSmoothing(weight: number): void {
    this.smoothing = Math.min(0.99, Math.max(0, weight));
    this.changed();
  }

  setLogY(on: boolean): void {
    this.logY = on;
    this.changed();
  }

  setFamily(family: string): void {
    this.family = family;
    this.changed();
  }

  setShowAllParams(on: boolean): void {
    this.showAllParams = on;
    this.changed();
  }

  setParcoordsMetric(metric: string): void {
    this.parcoordsMetric = metric;
    this.changed();
  }

  /** The points a curve draws for a run: the zoomed range's when zoomed, else the whole view's. */
  points(key: string, runId: string): SeriesPoint[] {
    return this.zooms[key]?.series[runId] ?? this.series[key]?.[runId] ?? [];
  }

  /**
   * The user zoomed a curve to [lo, hi] (plotly_relayout): the range is read again from
   * the store, each run's step range found from its whole-view points, so what the
   * downsampled view merged comes back point by point.
   */
  async zoom(key: string, lo: number, hi: number): Promise<void> {
    const axis = this.xAxis;
    const seq = (this.zoomSeq[key] = (this.zoomSeq[key] ?? 0) + 1);
    const byRange = new Map<string, string[]>();
    for (const run of this.runs) {
      const r = stepRange(this.series[key]?.[run.id] ?? [], axis, lo, hi);
      if (!r) continue;
      const id = r.join(':');
      byRange.set(id, [...(byRange.get(id) ?? []), run.id]);
    }
    const series: Series = {};
    try {
      await Promise.all(
        [...byRange.entries()].map(async ([range, runIds]) => {
          const [fromStep, toStep] = range.split(':').map(Number);
          const res = await this.api.call('runs.series', { runIds, keys: [key], maxPoints: this.zoomMaxPoints, fromStep, toStep });
          for (const id of runIds) series[id] = res.series[id]?.[key] ?? [];
        }),
      );
    } catch (e) {
      this.error = `Could not read the zoomed range of ${key}: ${(e as Error).message}`;
      this.changed();
      return;
    }
    if (this.disposed || seq !== this.zoomSeq[key] || axis !== this.xAxis) return;
    this.zooms = { ...this.zooms, [key]: { range: [lo, hi], axis, series } };
    this.curveChanged(key);
    this.changed();
  }

  resetZoom(key: string): void {
    this.zoomSeq[key] = (this.zoomSeq[key] ?? 0) + 1;
    if (!this.zooms[key]) return;
    this.zooms = { ...this.zooms, [key]: undefined };
    this.curveChanged(key);
    this.changed();
  }

  /** Points per run of a curve: the chart's budget shared out among the runs, at least 200 and at most `cap`. */
  private pointsPerRun(cap: number): number {
    return Math.max(200, Math.min(cap, Math.floor(CHART_BUDGET / Math.max(1, this.runs.length))));
  }

  /** Points per run of a whole-view curve. */
  private get wholeMaxPoints(): number {
    return this.pointsPerRun(5000);
  }

  /** Points per run of a zoomed curve: the chart's width for a few runs, shared out for many (100 runs x 2,000 points drew slowly and read slowly). */
  private get zoomMaxPoints(): number {
    return this.pointsPerRun(ZOOM_POINTS);
  }

  private async loadSeries(key: string): Promise<void> {
    if (this.runs.length === 0) return;
    this.loadingSeries++;
    this.changed();
    const maxPoints = this.wholeMaxPoints;
    try {
      const res = await this.api.call('runs.series', { runIds: this.runs.map((r) => r.id), keys: [key], maxPoints });
      if (this.disposed) return;
      this.series = { ...this.series, [key]: Object.fromEntries(this.runs.map((r) => [r.id, res.series[r.id]?.[key] ?? []])) };
      this.curveChanged(key);
    } catch (e) {
      this.error = `Could not read the series ${key}: ${(e as Error).message}`;
    } finally {
      this.loadingSeries--;
    }
    this.changed();
  }

  // ---- runs still training: their curves grow while the tab is open

  private onProgress(runId: string, points: readonly { key: string }[]): void {
    if (this.loading || this.disposed || !this.runs.some((r) => r.id === runId)) return;
    const added = points.map((p) => p.key).filter((k) => !this.keys.includes(k));
    if (added.length) {
      this.keys = [...new Set([...this.keys, ...added])].sort();
      // Opened before its run logged anything: the first keys become the charts.
      if (this.selectedKeys.length === 0) {
        this.selectedKeys = defaultKeys(this.keys);
        for (const k of this.selectedKeys) void this.loadSeries(k);
      }
      this.changed();
    }
    this.dirty.add(runId);
    this.schedulePull();
  }

  /**
   * New points are read from the store (what came after each curve's last step), not
   * taken from the events: a point logged while the tab first read the series is then
   * neither lost nor doubled. At most one read every PULL_MS, whatever the event rate.
   */
  private schedulePull(): void {
    if (this.pullTimer !== undefined || this.disposed) return;
    this.pullTimer = setTimeout(() => {
      this.pullTimer = undefined;
      void this.pull();
    }, PULL_MS);
  }

  private async pull(): Promise<void> {
    if (this.pulling) {
      this.pullAgain = true;
      return;
    }
    this.pulling = true;
    try {
      const ids = [...this.dirty];
      this.dirty.clear();
      for (const id of ids) await this.pullRun(id, false);
    } finally {
      this.pulling = false;
      if (this.pullAgain || this.dirty.size) {
        this.pullAgain = false;
        this.schedulePull();
      }
    }
  }

  private async pullRun(runId: string, whole: boolean): Promise<void> {
    const keys = this.selectedKeys.filter((k) => this.series[k]);
    if (keys.length === 0 || this.disposed) return;
    const last = (k: string) => this.series[k]?.[runId]?.at(-1)?.step;
    const lasts = keys.map(last);
    const maxPoints = this.wholeMaxPoints;
    const afterStep = whole || lasts.some((l) => l === undefined) ? undefined : Math.min(...(lasts as number[]));
    let res: CallResult<'runs.series'>;
    try {
      res = await this.api.call('runs.series', { runIds: [runId], keys, maxPoints, ...(afterStep === undefined ? {} : { afterStep }) });
    } catch {
      // The next event reads again.
      return;
    }
    if (this.disposed) return;
    for (const k of keys) {
      const got = res.series[runId]?.[k] ?? [];
      let next: SeriesPoint[];
      if (afterStep === undefined) next = got;
      else {
        const lk = last(k) ?? -Infinity;
        const fresh = got.filter((p) => p.step > lk);
        if (fresh.length === 0) continue;
        next = [...(this.series[k]?.[runId] ?? []), ...fresh];
      }
      this.series = { ...this.series, [k]: { ...this.series[k], [runId]: next } };
      this.curveChanged(k);
    }
    this.changed();
    // Grown past twice a curve's budget: read downsampled again, as a first open would.
    if (afterStep !== undefined && keys.some((k) => (this.series[k]?.[runId]?.length ?? 0) > 2 * maxPoints)) await this.pullRun(runId, true);
  }

  /** A run of the tab ended: its record (status, final metrics) and whole curves are read again. */
  private async onFinished(runId: string): Promise<void> {
    if (this.loading || this.disposed || !this.runs.some((r) => r.id === runId)) return;
    try {
      const [run] = (await this.api.call('runs.getMany', { runIds: [runId] })).runs;
      if (!run || this.disposed) return;
      this.runs = this.runs.map((r) => (r.id === runId ? run : r));
      this.runChanges++;
      this.finalMetricsRead();
      this.changed();
    } catch {
      return;
    }
    await this.pullRun(runId, true);
  }

  override dispose(): void {
    this.disposed = true;
    for (const off of this.offs) off();
    if (this.pullTimer !== undefined) clearTimeout(this.pullTimer);
    super.dispose();
  }
}
