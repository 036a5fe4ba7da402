import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { Layout, PlotData, PlotlyHTMLElement } from 'plotly.js-strict-dist-min';
import type { ThemeService } from '../workbench/services';
import { download, saveChartImage } from './chart-export';
import { CHART_CONFIG, mergeLayout, themeLayout } from './chart-theme';
import { tableCsv, type ChartTable } from './csv';
import { loadPlotly, type Plotly } from './plotly-loader';
import { canUseWebgl, webglFailed } from './webgl';

export interface ChartFigure {
  data: PlotData[];
  /** The chart's own layout; the theme's is merged under it. */
  layout: Layout;
}

export interface ExportableChartProps {
  title: string;
  /** The exported files' name, without extension. */
  fileName: string;
  /** The figure, read whenever `version` changes (and when the theme does). */
  figure: () => ChartFigure;
  version: unknown;
  /** The chart's data as a table, for its CSV. */
  table: () => ChartTable;
  theme: ThemeService;
  height: number;
  /** Plotly's `plotly_relayout` (zoom, autoscale). */
  onRelayout?(update: Record<string, unknown>): void;
  /** Told after each draw reached the screen (the next frame). */
  onDrawn?(): void;
  /** Controls in the panel's header, left of the export buttons. */
  controls?: ReactNode;
  /** Shown instead of the chart (nothing to draw). */
  empty?: string;
  /** The chart has only WebGL traces (parcoords): without WebGL a note says so, and the CSV still has its data. */
  needsWebgl?: boolean;
}

const NO_WEBGL = 'This chart needs WebGL, which this browser does not offer here; CSV has its data.';

/**
 * A chart panel: a header with its title, controls and PNG / SVG / CSV export, and a
 * Plotly chart redrawn with `Plotly.react` when its figure's version or the theme changes, first drawn when it comes near the screen.
 * Images are exported on the theme's background (the on-screen chart is transparent).
 */
export function ExportableChart(props: ExportableChartProps) {
  const el = useRef<HTMLDivElement>(null);
  const latest = useRef(props);
  latest.current = props;
  const plotly = useRef<Plotly | undefined>(undefined);
  const chain = useRef<Promise<void>>(Promise.resolve());
  const bound = useRef(false);
  const [glMissing, setGlMissing] = useState(() => !!props.needsWebgl && !canUseWebgl());
  const observer = useRef<ResizeObserver | undefined>(undefined);
  const panel = useRef<HTMLElement>(null);
  // A chart below the fold is drawn when it comes near the screen, and from then on with
  // every change: a compare of 100 runs draws its curves first, not its parallel
  // coordinates (a WebGL context and a pixel read-back) at the bottom of the view.
  const seen = useRef(false);
  const waiting = useRef(false);

  const draw = () => {
    if (!seen.current) {
      waiting.current = true;
      return;
    }
    chain.current = chain.current
      .then(async () => {
        const div = el.current;
        if (!div) return;
        const p = (plotly.current ??= await loadPlotly());
        const render = () => {
          const { data, layout } = latest.current.figure();
          // No Plotly tips (an unthemed toast): the panel's header says how to zoom out.
          return p.react(div, data, mergeLayout(themeLayout(), { height: latest.current.height, ...layout }), { ...CHART_CONFIG, showTips: false });
        };
        await render();
        if (div.querySelector('.no-webgl')) {
          // Plotly refused WebGL (its notice covers the chart): SVG traces from now on.
          webglFailed();
          p.purge(div);
          bound.current = false;
          if (latest.current.needsWebgl) {
            setGlMissing(true);
            return;
          }
          await render();
        }
        if (!bound.current) {
          bound.current = true;
          (div as unknown as PlotlyHTMLElement).on('plotly_relayout', (u: Record<string, unknown>) => latest.current.onRelayout?.(u));
        }
        // Observing again is harmless; the div may be new (the chart was empty before).
        observer.current?.observe(div);
        await new Promise<void>((r) => requestAnimationFrame(() => r()));
        latest.current.onDrawn?.();
      })
      .catch((e) => console.error('reclab: chart draw failed', e));
  };

  useEffect(() => {
    const sub = props.theme.onDidChange(() => draw());
    // The box changes width without the window resizing (a scroll bar appears, the side bar closes).
    let width = 0;
    const resize = (observer.current = new ResizeObserver(() => {
      const div = el.current;
      if (!div || !plotly.current || !div.classList.contains('js-plotly-plot') || div.clientWidth === width) return;
      width = div.clientWidth;
      void plotly.current.Plots.resize(div);
    }));
    const near = new IntersectionObserver(
      (entries) => {
        if (!entries.some((e) => e.isIntersecting)) return;
        seen.current = true;
        near.disconnect();
        if (waiting.current) draw();
      },
      { rootMargin: '200px 0px' },
    );
    if (panel.current) near.observe(panel.current);
    return () => {
      near.disconnect();
      resize.disconnect();
      sub.dispose();
      const div = el.current;
      if (div && plotly.current) plotly.current.purge(div);
    };
  }, []);

  const empty = props.empty ?? (glMissing ? NO_WEBGL : undefined);
  useEffect(() => {
    // A chart that was empty gets a new div: its listener is bound again.
    if (empty) bound.current = false;
    else draw();
  }, [props.version, empty]);

  const exportImage = async (format: 'png' | 'svg') => {
    const div = el.current;
    if (!div) return;
    // A chart not drawn yet (below the fold) exports all the same.
    const p = (plotly.current ??= await loadPlotly());
    const l = latest.current;
    await saveChartImage(p, l.figure(), { format, width: div.clientWidth || 800, height: l.height, fileName: l.fileName, title: l.title });
  };

  return (
    <section className="chart-panel" aria-label={props.title} ref={panel}>
      <header className="chart-panel-header">
        <h3 className="chart-panel-title">{props.title}</h3>
        {props.controls}
        <span className="chart-panel-spacer" />
        <button className="chart-export" title={`Save ${props.title} as PNG`} disabled={!!empty} onClick={() => void exportImage('png')}>
          PNG
        </button>
        <button className="chart-export" title={`Save ${props.title} as SVG`} disabled={!!empty} onClick={() => void exportImage('svg')}>
          SVG
        </button>
        <button className="chart-export" title={`Save the data of ${props.title} as CSV`} disabled={!!props.empty} onClick={() => download(`${latest.current.fileName}.csv`, tableCsv(latest.current.table()), 'text/csv')}>
          CSV
        </button>
      </header>
      {empty ? <div className="chart-panel-empty">{empty}</div> : <div className="chart" ref={el} style={{ height: props.height }} />}
    </section>
  );
}
