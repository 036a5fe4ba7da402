import { useEffect, useRef } from 'react';
import type { Disposable } from '../../../core/util';
import type { ThemeService } from '../workbench/services';
import { CHART_CONFIG, cssVar, mergeLayout, themeLayout } from './chart-theme';
import { loadPlotly, type Plotly } from './plotly-loader';

export interface ChartPoint {
  x: number;
  y: number;
}

export interface LiveLineChartProps {
  title: string;
  xTitle: string;
  yTitle: string;
  /** All points so far (read when the chart is drawn whole). */
  points: () => readonly ChartPoint[];
  /** New points as they arrive, with the times the event that brought them was sent and received. */
  subscribe?: (append: (points: readonly ChartPoint[], times?: EventTimes) => void) => Disposable;
  /** A fixed x range (the fit's planned steps or epochs), so the axis does not jump as points arrive. */
  xRange?: [number, number];
  /** Whole-number x values (epochs): ticks only at integers. */
  xIntegers?: boolean;
  /** A theme colour variable (`--chart-1`). */
  color: string;
  markers?: boolean;
  /** A log y axis (the long tail of popularity). */
  yLog?: boolean;
  /** Shade the area under the line. */
  fill?: boolean;
  /** Shown in an empty chart (`Waiting for the first epoch…`). */
  emptyText?: string;
  theme: ThemeService;
  height?: number;
}

/** When a progress event was sent (host clock) and reached the page (page clock), ms since the epoch. */
export interface EventTimes {
  emittedAt?: number;
  receivedAt?: number;
}

/** Past this many points a trace keeps every other one (twice as sparse each time): redraws stay fast. */
const MAX_DRAWN = 3000;
/** The mark the UI bench reads: a progress event's points are on the chart. */
export const EVENT_TO_CHART_MARK = 'reclab:event-to-chart';

/** Draws one growing line into a div, one Plotly call at a time. */
class LiveChart {
  private plotly: Plotly | undefined;
  private disposed = false;
  private stride = 1;
  private drawn = 0;
  private seen = 0;
  private queue: { points: readonly ChartPoint[]; times?: EventTimes }[] = [];
  private chain: Promise<void>;

  constructor(
    private readonly div: HTMLDivElement,
    private props: () => LiveLineChartProps,
  ) {
    this.chain = loadPlotly().then((p) => {
      this.plotly = p;
      // What arrived while Plotly loaded is in `points()` already.
      this.queue = [];
      return this.drawAll();
    });
  }

  append(points: readonly ChartPoint[], times?: EventTimes): void {
    this.queue.push({ points, times });
    this.enqueue(() => this.flush());
  }

  redraw(): void {
    this.enqueue(() => this.drawAll());
  }

  dispose(): void {
    this.disposed = true;
    if (this.plotly) this.plotly.purge(this.div);
  }

  private enqueue(step: () => Promise<void>): void {
    this.chain = this.chain.then(() => (this.plotly && !this.disposed ? step() : undefined)).catch((e) => console.error('reclab: chart update failed', e));
  }

  private thin(pts: readonly ChartPoint[], offset: number): { xs: number[]; ys: number[] } {
    const xs: number[] = [];
    const ys: number[] = [];
    pts.forEach((p, i) => {
      if ((offset + i) % this.stride === 0) {
        xs.push(p.x);
        ys.push(p.y);
      }
    });
    return { xs, ys };
  }

  private layout() {
    const p = this.props();
    return mergeLayout(themeLayout(), {
      height: p.height ?? 220,
      margin: { l: 52, r: 16, t: 30, b: 38 },
      title: { text: p.title, x: 0.01, xanchor: 'left', font: { size: 12 } },
      xaxis: {
        title: { text: p.xTitle },
        ...(p.xRange ? { range: p.xRange, autorange: false } : { autorange: true }),
        // Plotly would put ticks at 1.5, 2.5 epochs on a short fit.
        ...(p.xIntegers ? { tickformat: 'd', dtick: p.xRange ? Math.max(1, Math.ceil((p.xRange[1] - p.xRange[0]) / 10)) : undefined } : {}),
      },
      yaxis: { title: { text: p.yTitle }, autorange: true, ...(p.yLog ? { type: 'log' } : {}), ...(this.drawn === 0 ? { showticklabels: false } : {}) },
      showlegend: false,
      annotations: this.drawn === 0 ? [{ text: p.emptyText ?? 'No points yet', showarrow: false, xref: 'paper', yref: 'paper', x: 0.5, y: 0.5, font: { color: cssVar('--fg-muted'), size: 12 } }] : [],
    });
  }

  private async drawAll(): Promise<void> {
    const p = this.props();
    const pts = p.points();
    while (pts.length / this.stride > MAX_DRAWN) this.stride *= 2;
    const { xs, ys } = this.thin(pts, 0);
    this.seen = pts.length;
    this.drawn = xs.length;
    this.queue = [];
    const trace = { x: xs, y: ys, type: 'scatter', mode: p.markers ? 'lines+markers' : 'lines', line: { color: cssVar(p.color), width: 1.5 }, marker: { size: 6 }, ...(p.fill ? { fill: 'tozeroy' } : {}), hovertemplate: '%{x}: %{y:.4f}<extra></extra>' };
    await this.plotly!.react(this.div, [trace], this.layout(), CHART_CONFIG);
  }

  private async flush(): Promise<void> {
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    const all = batch.flatMap((b) => b.points);
    // The first points replace the empty chart's note; past the cap the trace is thinned.
    if (this.drawn === 0 || (this.drawn + all.length) / this.stride > MAX_DRAWN) await this.drawAll();
    else {
      const { xs, ys } = this.thin(all, this.seen);
      this.seen += all.length;
      this.drawn += xs.length;
      if (xs.length) await this.plotly!.extendTraces(this.div, { x: [xs], y: [ys] }, [0]);
    }
    // The points are in the DOM; the next frame shows them.
    await new Promise<void>((r) => requestAnimationFrame(() => r()));
    const now = Date.now();
    for (const b of batch) {
      const t = b.times;
      if (t?.emittedAt === undefined) continue;
      // transportMs: host to page (socket, parsing, the page's queue); the rest is the chart's.
      performance.mark(EVENT_TO_CHART_MARK, { detail: { latencyMs: now - t.emittedAt, transportMs: t.receivedAt !== undefined ? t.receivedAt - t.emittedAt : undefined } });
    }
  }
}

/**
 * A line chart that grows while a run trains: drawn once, then extended with
 * Plotly.extendTraces for each batch of points (never redrawn whole per event), its x range
 * fixed to what the fit plans, redrawn in the new colours when the theme changes. Once
 * an event's points are on screen it records `reclab:event-to-chart` with the delay since
 * the progress event was sent by the workspace's tracker. Give it a `key` per series (run).
 */
export function LiveLineChart(props: LiveLineChartProps) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<LiveChart | undefined>(undefined);
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    const c = new LiveChart(el.current!, () => latest.current);
    chart.current = c;
    const sub = latest.current.subscribe?.((points, times) => c.append(points, times));
    const themeSub = latest.current.theme.onDidChange(() => c.redraw());
    return () => {
      sub?.dispose();
      themeSub.dispose();
      c.dispose();
      chart.current = undefined;
    };
  }, []);

  const layoutKey = `${props.xRange?.join(':') ?? ''}|${props.title}|${props.yTitle}`;
  const first = useRef(true);
  useEffect(() => {
    // The planned range or the titles became known: one full redraw, then appends again.
    if (first.current) first.current = false;
    else chart.current?.redraw();
  }, [layoutKey]);

  return <div className="chart" ref={el} style={{ height: props.height ?? 220 }} />;
}
