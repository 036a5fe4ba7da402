import { useEffect, useRef, useState } from 'react';
import type { Layout, PlotData } from 'plotly.js-strict-dist-min';
import type { ThemeService } from '../workbench/services';
import { ActionButton } from '../workbench/widgets';
import { saveChartImage } from './chart-export';
import { CHART_CONFIG, mergeLayout, themeLayout } from './chart-theme';
import { loadPlotly, type Plotly } from './plotly-loader';

/** Past this many points a scatter draws with WebGL (scattergl); below it SVG, which exports as vectors. */
export const WEBGL_POINTS = 5000;

const MARGIN = { l: 60, r: 20, t: 16, b: 48 };

/** `scattergl` for many points, `scatter` otherwise. */
export function scatterType(points: number): 'scatter' | 'scattergl' {
  return points > WEBGL_POINTS ? 'scattergl' : 'scatter';
}

export interface ScatterChartProps {
  /** The traces, built with theme colours already read (called again when the theme changes). */
  traces: () => PlotData[];
  /** The chart's own layout, over the theme's. */
  layout: Layout;
  theme: ThemeService;
  /** File name (without extension) of the PNG and SVG exports. */
  exportName: string;
  height?: number;
  /** Changes whenever `traces` would give new data (the chart redraws then). */
  dataKey: unknown;
}

/** A themed Plotly chart that redraws on data and theme changes, with PNG and SVG export buttons. */
export function ScatterChart({ traces, layout, theme, exportName, height = 460, dataKey }: ScatterChartProps) {
  const div = useRef<HTMLDivElement>(null);
  const [plotly, setPlotly] = useState<Plotly>();
  const [themeVersion, setThemeVersion] = useState(0);
  const [drawn, setDrawn] = useState(false);
  useEffect(() => {
    let live = true;
    void loadPlotly().then((p) => live && setPlotly(p));
    const sub = theme.onDidChange(() => setThemeVersion((v) => v + 1));
    return () => {
      live = false;
      sub.dispose();
    };
  }, [theme]);
  useEffect(() => {
    if (!plotly || !div.current) return;
    const el = div.current;
    let live = true;
    void plotly
      .react(el, traces(), mergeLayout(themeLayout(), { height, margin: MARGIN, ...layout }), CHART_CONFIG)
      .then(() => live && setDrawn(true))
      .catch((e) => console.error('reclab: chart failed', e));
    return () => {
      live = false;
    };
    // `traces` and `layout` are read when the data or the theme moves.
  }, [plotly, dataKey, themeVersion, height]);
  useEffect(() => () => void (div.current && plotly?.purge(div.current)), [plotly]);
  const save = (format: 'png' | 'svg') => {
    if (plotly && div.current) void saveChartImage(plotly, { data: traces(), layout: { margin: MARGIN, ...layout } }, { format, width: div.current.clientWidth, height, fileName: exportName });
  };
  return (
    <div className="scatter-chart" data-drawn={drawn || undefined}>
      <div className="chart-toolbar">
        <ActionButton icon="file-media" title="Save as PNG" onClick={() => save('png')} disabled={!drawn} />
        <ActionButton icon="file-code" title="Save as SVG" onClick={() => save('svg')} disabled={!drawn} />
      </div>
      <div ref={div} className="scatter-plot" style={{ height }} />
    </div>
  );
}
