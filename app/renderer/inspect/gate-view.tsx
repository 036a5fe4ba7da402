import { useEffect, useState } from 'react';
import type { PlotData } from 'plotly.js-strict-dist-min';
import type { GateView as GateData } from '../../../core/export';
import { cssVar } from '../charts/chart-theme';
import { ScatterChart, scatterType } from '../charts/scatter-chart';
import type { EditorProps } from '../workbench/editor-registry';
import { Icon } from '../workbench/widgets';
import { finishedRuns, runLabel } from './finished-runs';
import { runIdOf } from './inspector';
import './inspect.css';

/** Hover text of an item: its title (or id), popularity and value. */
export function itemHover(title: string | null, item: string, popularity: number, extra: string): string {
  const name = (title ?? `item ${item}`).replace(/</g, '&lt;');
  return `${name}<br>${popularity} training interaction${popularity === 1 ? '' : 's'}<br>${extra}`;
}

/** Indices of the cold and of the warm items. */
export function splitByCold(cold: readonly boolean[]): { coldIdx: number[]; warmIdx: number[] } {
  const coldIdx: number[] = [];
  const warmIdx: number[] = [];
  cold.forEach((c, i) => (c ? coldIdx : warmIdx).push(i));
  return { coldIdx, warmIdx };
}

/** Width of the trend's popularity bins, in log10(interactions + 1). */
const TREND_BIN = 0.25;
/** Bins with fewer warm items are left out of the trend (their mean would be noise). */
const TREND_MIN_ITEMS = 5;

/**
 * The mean gate of warm items by popularity: bins of log10(popularity + 1), each point at
 * its bin's middle on the chart's x (popularity + 1), bins under TREND_MIN_ITEMS left out.
 */
export function gateTrend(popularity: readonly number[], gate: readonly number[], cold: readonly boolean[]): { x: number[]; y: number[]; n: number[] } {
  const bins = new Map<number, { sum: number; n: number }>();
  popularity.forEach((p, i) => {
    if (cold[i]) return;
    const b = Math.floor(Math.log10(p + 1) / TREND_BIN);
    const acc = bins.get(b) ?? { sum: 0, n: 0 };
    acc.sum += gate[i];
    acc.n++;
    bins.set(b, acc);
  });
  const kept = [...bins.entries()].filter(([, v]) => v.n >= TREND_MIN_ITEMS).sort((a, b) => a[0] - b[0]);
  return { x: kept.map(([b]) => 10 ** ((b + 0.5) * TREND_BIN)), y: kept.map(([, v]) => v.sum / v.n), n: kept.map(([, v]) => v.n) };
}

function gateTraces(g: GateData): PlotData[] {
  const { coldIdx, warmIdx } = splitByCold(g.cold);
  const type = scatterType(g.items.length);
  const trace = (idx: number[], name: string, color: string, size: number): PlotData => ({
    type,
    mode: 'markers',
    name,
    // Popularity + 1 on a log axis: cold items (0 interactions) sit at x = 1, spread a little
    // (a fixed jitter, the same on every draw) so that a column of them stays readable.
    x: idx.map((i) => (g.popularity[i] + 1) * (g.cold[i] ? 10 ** (0.06 * Math.sin(i * 12.9898)) : 1)),
    y: idx.map((i) => g.gate[i]),
    text: idx.map((i) => itemHover(g.titles[i], g.items[i], g.popularity[i], `gate ${g.gate[i].toFixed(3)}`)),
    hovertemplate: '%{text}<extra></extra>',
    marker: { color, size, opacity: 0.75, line: { width: 0 } },
  });
  const trend = gateTrend(g.popularity, g.gate, g.cold);
  return [
    trace(warmIdx, `warm items (${warmIdx.length})`, cssVar('--chart-1'), 6),
    trace(coldIdx, `cold items (${coldIdx.length})`, cssVar('--chart-4'), 8),
    {
      type: 'scatter',
      mode: 'lines',
      name: 'mean gate by popularity',
      x: trend.x,
      y: trend.y,
      text: trend.n.map((n) => `${n} items`),
      hovertemplate: 'mean gate %{y:.3f} over %{text}<extra></extra>',
      line: { color: cssVar('--fg'), width: 2, shape: 'spline' },
    },
  ];
}

function meanLine(y: number, color: string): Record<string, unknown> {
  return { type: 'line', xref: 'paper', x0: 0, x1: 1, y0: y, y1: y, line: { color: cssVar(color), width: 1, dash: 'dash' } };
}

/**
 * A gated hybrid's learned gate per item against the item's popularity (log x), cold items
 * highlighted: the model's "dynamic importance" of collaboration against content. A cold
 * item should lean on content (a low gate), a popular one on collaboration.
 */
export function GateView({ resource, services }: EditorProps) {
  const runId = runIdOf(resource);
  const [data, setData] = useState<GateData>();
  const [error, setError] = useState<string>();
  const [name, setName] = useState(runId.slice(0, 8));
  useEffect(() => {
    services.api.call('inspect.gate', { runId, sampleUsers: 200, seed: 0 }).then(setData, (e: Error) => setError(e.message));
    void finishedRuns(services.api).then((runs) => setName(runLabel(runs.find((r) => r.id === runId), runId)), () => undefined);
  }, [runId, services.api]);
  return (
    <div className="inspect-page gate-view" data-run={runId}>
      <header className="inspector-header">
        <div className="inspector-title">
          <Icon name="graph-scatter" />
          <span className="inspector-run-name">Gate · {name}</span>
          {data && (
            <span className="muted">
              {data.items.length.toLocaleString()} items · {data.exact ? 'exact per item' : `mean over ${data.usersSampled} sampled users`}
            </span>
          )}
        </div>
      </header>
      {error && (
        <div className="inspect-message error" role="alert">
          {error}
        </div>
      )}
      {!data && !error && <div className="inspect-message muted">Computing the gate of every item…</div>}
      {data && (
        <>
          <dl className="inspect-summary">
            <div>
              <dt>mean gate, warm items</dt>
              <dd data-mean="warm">{data.meanWarm === null ? '–' : data.meanWarm.toFixed(3)}</dd>
            </div>
            <div>
              <dt>mean gate, cold items</dt>
              <dd data-mean="cold">{data.meanCold === null ? '–' : data.meanCold.toFixed(3)}</dd>
            </div>
            <div className="inspect-summary-text muted">The gate is the weight of the collaborative branch (1) against the content branch (0): a cold item should lean on its content.</div>
          </dl>
          <ScatterChart
            theme={services.theme}
            dataKey={data}
            exportName={`gate-${runId.slice(0, 8)}`}
            traces={() => gateTraces(data)}
            layout={{
              xaxis: { type: 'log', dtick: 'D2', title: { text: 'item popularity: training interactions + 1 (log scale)' } },
              yaxis: { range: [-0.02, 1.02], title: { text: 'gate: weight of the collaborative branch' } },
              legend: { orientation: 'h', x: 0, y: 1.08 },
              // The mean gate of warm and of cold items as dashed lines across the chart.
              shapes: [
                ...(data.meanWarm !== null ? [meanLine(data.meanWarm, '--chart-1')] : []),
                ...(data.meanCold !== null ? [meanLine(data.meanCold, '--chart-4')] : []),
              ],
              showlegend: true,
            }}
          />
        </>
      )}
    </div>
  );
}
