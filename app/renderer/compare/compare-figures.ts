import type { PlotData, Layout } from 'plotly.js-strict-dist-min';
import type { ChartFigure } from '../charts/exportable-chart';
import type { ChartTable } from '../charts/csv';
import { cssVar, seriesColor, chartColors, sequentialScale } from '../charts/chart-theme';
import { canUseWebgl } from '../charts/webgl';
import { ema, metricKs, xOf } from './compare-data';
import type { CompareModel } from './compare-model';

/**
 * Past this many points in a chart, curves are drawn with WebGL (scattergl) where the page
 * has it. Lines are a path per run in SVG, cheap up to a few hundred thousand segments
 * (Plotly simplifies them), and export as vectors; WebGL costs a context and a pixel
 * read-back per chart, which dominates on a machine drawing WebGL without a GPU.
 */
const GL_POINTS = 250_000;
/** Legends stay readable up to this many runs; past it, hover names the run. */
const LEGEND_RUNS = 12;
const MAX_PARCOORDS_PARAMS = 10;

function colors(model: CompareModel): string[] {
  const base = chartColors();
  return model.runs.map((_, i) => seriesColor(i, base));
}

function xTitle(model: CompareModel): string {
  return { step: 'step', epoch: 'epoch', wall: 'wall time', relative: 'seconds since the run began' }[model.xAxis];
}

/**
 * The overlaid curves of one metric key: a line per run on the chosen x axis, EMA-smoothed
 * with the raw curve faint behind, the zoomed range's points when zoomed.
 */
export function curveFigure(model: CompareModel, key: string): ChartFigure {
  const c = colors(model);
  const total = model.runs.reduce((n, r) => n + model.points(key, r.id).length, 0);
  const type = total > GL_POINTS && canUseWebgl() ? 'scattergl' : 'scatter';
  const smooth = model.smoothing > 0;
  const showLegend = model.runs.length <= LEGEND_RUNS;
  const data: PlotData[] = [];
  let maxX = 0;
  model.runs.forEach((run, i) => {
    const pts = model.points(key, run.id);
    const t0 = (model.series[key]?.[run.id] ?? pts)[0]?.time ?? 0;
    const x = pts.map((p) => xOf(p, model.xAxis, t0));
    const y = pts.map((p) => p.value);
    if (x.length) maxX = Math.max(maxX, x[x.length - 1]);
    const name = model.labels[i];
    const hovertemplate = `${name.replace(/[<>%{}]/g, '')}<br>%{x}: %{y:.5g}<extra></extra>`;
    if (smooth) data.push({ x, y, type, mode: 'lines', name, line: { color: c[i], width: 1 }, opacity: 0.25, showlegend: false, hoverinfo: 'skip', legendgroup: run.id });
    data.push({ x, y: smooth ? ema(y, model.smoothing) : y, type, mode: pts.length === 1 ? 'markers' : 'lines', name, line: { color: c[i], width: 1.5 }, legendgroup: run.id, showlegend: showLegend, hovertemplate });
  });
  const layout: Layout = {
    margin: { l: 56, r: 16, t: 10, b: 40 },
    // Steps and epochs are whole: no ticks between them on a short run.
    xaxis: { title: { text: xTitle(model) }, ...(model.xAxis === 'wall' ? { type: 'date' } : {}), ...((model.xAxis === 'step' || model.xAxis === 'epoch') && maxX <= 10 ? { dtick: 1 } : {}) },
    yaxis: { title: { text: key }, type: model.logY ? 'log' : 'linear' },
    showlegend: showLegend,
    legend: { orientation: 'h', y: -0.25, font: { size: 10 } },
    // Plotly keeps the user's zoom across redraws (the zoomed points arriving) until the axes change.
    uirevision: `${key}|${model.xAxis}|${model.logY}`,
    hovermode: 'closest',
  };
  return { data, layout };
}

export function curveTable(model: CompareModel, key: string): ChartTable {
  const rows: unknown[][] = [];
  model.runs.forEach((run, i) => {
    for (const p of model.points(key, run.id)) rows.push([run.id, model.labels[i], key, p.step, p.epoch ?? '', new Date(p.time).toISOString(), p.value]);
  });
  return { header: ['run_id', 'run', 'key', 'step', 'epoch', 'time', 'value'], rows };
}

/** A segment's final metrics of the chosen family at each K: one bar per run, grouped by K. */
export function barsFigure(model: CompareModel, segment: string): ChartFigure {
  const c = colors(model);
  const ks = metricKs(model.runs, segment, model.family);
  if (model.runs.length > LEGEND_RUNS) return manyBarsFigure(model, segment, ks, c);
  const data: PlotData[] = model.runs.map((run, i) => ({
    type: 'bar',
    name: model.labels[i],
    x: ks.map((k) => `@${k}`),
    y: ks.map((k) => run.finalMetrics[segment]?.[`${model.family}@${k}`] ?? null),
    marker: { color: c[i] },
    hovertemplate: `${model.labels[i].replace(/[<>%{}]/g, '')}<br>${model.family}%{x}: %{y:.4f}<extra></extra>`,
  }));
  return {
    data,
    layout: {
      barmode: 'group',
      margin: { l: 48, r: 8, t: 10, b: 30 },
      showlegend: false,
      xaxis: { type: 'category' },
      yaxis: { title: { text: model.family }, rangemode: 'tozero' },
    },
  };
}

/**
 * The same bars for many runs as one trace: a trace per run costs Plotly a layout pass
 * each (100 runs: seconds), while one trace of runs x K bars placed by hand draws at once.
 * Bars of K sit side by side around K's tick, in run order, coloured as the run's curves.
 */
function manyBarsFigure(model: CompareModel, segment: string, ks: number[], c: string[]): ChartFigure {
  const n = model.runs.length;
  const width = 0.8 / n;
  const x: number[] = [];
  const y: (number | null)[] = [];
  const color: string[] = [];
  const text: string[] = [];
  ks.forEach((k, ki) =>
    model.runs.forEach((run, i) => {
      x.push(ki + (i - (n - 1) / 2) * width);
      y.push(run.finalMetrics[segment]?.[`${model.family}@${k}`] ?? null);
      color.push(c[i]);
      text.push(`${model.labels[i].replace(/[<>%{}]/g, '')}<br>${model.family}@${k}`);
    }),
  );
  return {
    data: [{ type: 'bar', x, y, width, marker: { color }, text, textposition: 'none', hovertemplate: '%{text}: %{y:.4f}<extra></extra>' }],
    layout: {
      margin: { l: 48, r: 8, t: 10, b: 30 },
      showlegend: false,
      xaxis: { tickvals: ks.map((_, i) => i), ticktext: ks.map((k) => `@${k}`), range: [-0.5, ks.length - 0.5], zeroline: false, showgrid: false },
      yaxis: { title: { text: model.family }, rangemode: 'tozero' },
    },
  };
}

export function barsTable(model: CompareModel, segment: string): ChartTable {
  const ks = metricKs(model.runs, segment, model.family);
  return {
    header: ['run_id', 'run', 'segment', ...ks.map((k) => `${model.family}@${k}`)],
    rows: model.runs.map((run, i) => [run.id, model.labels[i], segment, ...ks.map((k) => run.finalMetrics[segment]?.[`${model.family}@${k}`] ?? '')]),
  };
}

/** The params that differ (at most ten), as axes, ending on the chosen overall metric. */
function parcoordsDimensions(model: CompareModel) {
  const rows = model.paramRows.filter((r) => r.differs).slice(0, MAX_PARCOORDS_PARAMS);
  const dims = rows.map((row) => {
    const numeric = row.values.every((v) => v === undefined || (v.trim() !== '' && Number.isFinite(Number(v))));
    if (numeric) {
      const vals = row.values.map((v) => (v === undefined ? NaN : Number(v)));
      const finite = vals.filter(Number.isFinite);
      const lo = Math.min(...finite);
      return { label: row.key, values: vals.map((v) => (Number.isFinite(v) ? v : lo)) };
    }
    const cats = [...new Set(row.values.map((v) => v ?? '(none)'))].sort();
    return { label: row.key, values: row.values.map((v) => cats.indexOf(v ?? '(none)')), tickvals: cats.map((_, i) => i), ticktext: cats.map((t) => (t.length > 18 ? `${t.slice(0, 17)}…` : t)), range: [0, Math.max(1, cats.length - 1)] };
  });
  const metric = model.parcoordsMetric;
  const y = model.runs.map((r) => r.finalMetrics.overall?.[metric] ?? NaN);
  return { dims, metricValues: y };
}

export function parcoordsFigure(model: CompareModel): ChartFigure {
  const { dims, metricValues } = parcoordsDimensions(model);
  const finite = metricValues.filter(Number.isFinite);
  const lo = finite.length ? Math.min(...finite) : 0;
  const fg = cssVar('--fg');
  // Plotly outlines parcoords labels in white by default (a halo over the lines): the editor's background instead, for dark themes.
  const bg = cssVar('--editor-bg');
  const shadow = `1px 1px 1px ${bg}, -1px -1px 1px ${bg}, 1px -1px 1px ${bg}, -1px 1px 1px ${bg}`;
  const values = metricValues.map((v) => (Number.isFinite(v) ? v : lo));
  return {
    data: [
      {
        type: 'parcoords',
        line: { color: values, colorscale: sequentialScale(), showscale: true, colorbar: { thickness: 10, tickfont: { color: fg, size: 10 } } },
        dimensions: [...dims, { label: model.parcoordsMetric, values }],
        labelfont: { color: fg, size: 11, shadow },
        tickfont: { color: fg, size: 10, shadow },
        rangefont: { color: cssVar('--fg-muted'), size: 9, shadow },
      },
    ],
    layout: { margin: { l: 60, r: 60, t: 40, b: 20 } },
  };
}

export function parcoordsTable(model: CompareModel): ChartTable {
  const rows = model.paramRows.filter((r) => r.differs).slice(0, MAX_PARCOORDS_PARAMS);
  return {
    header: ['run_id', 'run', ...rows.map((r) => r.key), model.parcoordsMetric],
    rows: model.runs.map((run, i) => [run.id, model.labels[i], ...rows.map((r) => r.values[i] ?? ''), run.finalMetrics.overall?.[model.parcoordsMetric] ?? '']),
  };
}

/** How many params differ (what the parallel coordinates can draw). */
export function differingParams(model: CompareModel): number {
  return model.paramRows.filter((r) => r.differs).length;
}
