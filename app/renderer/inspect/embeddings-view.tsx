import { useEffect, useState } from 'react';
import type { PlotData } from 'plotly.js-strict-dist-min';
import type { EmbeddingView, RunInspection } from '../../../core/export';
import { chartColors, cssVar, sequentialScale } from '../charts/chart-theme';
import { ScatterChart, scatterType } from '../charts/scatter-chart';
import type { EditorProps } from '../workbench/editor-registry';
import { Icon } from '../workbench/widgets';
import { finishedRuns, runLabel } from './finished-runs';
import { itemHover, splitByCold } from './gate-view';
import { runIdOf } from './inspector';
import './inspect.css';

/** Categories coloured one by one; the rarer ones share a grey "other". */
export const MAX_CATEGORIES = 10;
const EXTRA_COLORS = ['#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f'];

/** The categories to colour: the most frequent first, at most MAX_CATEGORIES, the rest as null ("other"). */
export function topCategories(values: readonly (string | number | null)[]): string[] {
  const counts = new Map<string, number>();
  for (const v of values) if (v !== null && v !== '') counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, MAX_CATEGORIES)
    .map(([k]) => k);
}

/** Whether the points take a colour per category (otherwise a colour scale). */
function byCategory(e: EmbeddingView): boolean {
  const kind = e.attribute?.kind;
  return kind === 'categorical' || kind === 'multi' || kind === 'text';
}

function embeddingTraces(e: EmbeddingView): PlotData[] {
  const type = scatterType(e.items.length);
  const base = (idx: number[], name: string, marker: Record<string, unknown>, extra: (i: number) => string): PlotData => ({
    type,
    mode: 'markers',
    name,
    x: idx.map((i) => e.x[i]),
    y: idx.map((i) => e.y[i]),
    text: idx.map((i) => itemHover(e.titles[i], e.items[i], e.popularity[i], extra(i))),
    hovertemplate: '%{text}<extra></extra>',
    marker: { size: 6, opacity: 0.8, line: { width: 0 }, ...marker },
  });
  const attr = e.attribute;
  if (attr && byCategory(e)) {
    const cats = topCategories(attr.values);
    const colors = [...chartColors(), ...EXTRA_COLORS];
    const groups = new Map<string, number[]>(cats.map((c) => [c, []]));
    const other: number[] = [];
    attr.values.forEach((v, i) => (v !== null && groups.has(String(v)) ? groups.get(String(v))!.push(i) : other.push(i)));
    const traces = cats.map((c, k) => base(groups.get(c)!, `${c} (${groups.get(c)!.length})`, { color: colors[k % colors.length] }, () => `${attr.name}: ${c}`));
    if (other.length) traces.push(base(other, `other (${other.length})`, { color: cssVar('--fg-muted'), opacity: 0.35 }, (i) => `${attr.name}: ${attr.values[i] ?? '–'}`));
    return traces;
  }
  // Numbers and popularity: a continuous scale (popularity on a log scale, its long tail otherwise fills one colour).
  const all = e.items.map((_, i) => i);
  const numeric = attr && (attr.kind === 'numeric' || attr.kind === 'timestamp');
  const values = numeric ? attr.values.map((v) => (typeof v === 'number' ? v : null)) : e.popularity.map((p) => Math.log10(p + 1));
  const title = numeric ? attr.name : 'log10(popularity + 1)';
  const { coldIdx } = splitByCold(e.cold);
  const traces = [base(all, `items (${all.length})`, { color: values, colorscale: sequentialScale(), showscale: true, colorbar: { title: { text: title, side: 'right' }, thickness: 12, outlinewidth: 0 } }, (i) => `${title}: ${values[i] === null ? '–' : Number(values[i]).toFixed(2)}`)];
  if (coldIdx.length) traces.push(base(coldIdx, `cold items (${coldIdx.length})`, { color: 'rgba(0,0,0,0)', size: 8, line: { width: 1, color: cssVar('--chart-4') } }, () => 'cold item'));
  return traces;
}

/** Item embeddings projected to 2-D (PCA, or seeded UMAP), coloured by popularity or a chosen attribute, titles on hover. */
export function EmbeddingsView({ resource, services }: EditorProps) {
  const runId = runIdOf(resource);
  const [run, setRun] = useState<RunInspection>();
  const [method, setMethod] = useState<'pca' | 'umap'>('pca');
  const [attribute, setAttribute] = useState('');
  const [data, setData] = useState<EmbeddingView>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(true);
  const [name, setName] = useState(runId.slice(0, 8));
  useEffect(() => {
    services.api.call('inspect.run', { runId }).then(setRun, (e: Error) => setError(e.message));
    void finishedRuns(services.api).then((runs) => setName(runLabel(runs.find((r) => r.id === runId), runId)), () => undefined);
  }, [runId, services.api]);
  useEffect(() => {
    let live = true;
    setBusy(true);
    services.api
      .call('inspect.embeddings', { runId, method, seed: 0, maxPoints: 20_000, ...(attribute ? { attribute } : {}) })
      .then(
        (d) => live && (setData(d), setError(undefined)),
        (e: Error) => live && setError(e.message),
      )
      .finally(() => live && setBusy(false));
    return () => {
      live = false;
    };
  }, [runId, method, attribute, services.api]);
  // While another projection computes (UMAP takes seconds), the one drawn is dimmed: its axes still name the old method.
  const stale = busy && !!data && data.method !== method;
  const colourable = run?.attributes.filter((a) => a.kind !== 'text' || a.name !== run.titleColumn) ?? [];
  return (
    <div className="inspect-page embeddings-view" data-run={runId}>
      <header className="inspector-header">
        <div className="inspector-title">
          <Icon name="symbol-namespace" />
          <span className="inspector-run-name">Item embeddings · {name}</span>
          {data && (
            <span className="muted">
              {data.items.length.toLocaleString()} items · {data.dim}-d → 2-d
              {data.explained ? ` · ${(100 * (data.explained[0] + data.explained[1])).toFixed(1)}% of the variance` : ''}
            </span>
          )}
          {busy && (
            <span className="muted embeddings-busy" role="status">
              <Icon name="loading" spin />
              {stale ? ` Projecting with ${method.toUpperCase()}…` : ''}
            </span>
          )}
        </div>
        <div className="inspector-controls">
          <label>
            Projection
            <select className="inspect-input" aria-label="Projection" value={method} onChange={(e) => setMethod(e.target.value as 'pca' | 'umap')}>
              <option value="pca">PCA</option>
              <option value="umap">UMAP</option>
            </select>
          </label>
          <label>
            Colour by
            <select className="inspect-input" aria-label="Colour by" value={attribute} onChange={(e) => setAttribute(e.target.value)}>
              <option value="">popularity</option>
              {colourable.map((a) => (
                <option key={a.name} value={a.name}>
                  {a.name} ({a.kind})
                </option>
              ))}
            </select>
          </label>
        </div>
      </header>
      {data?.note && <div className="inspect-note">{data.note}</div>}
      {error && (
        <div className="inspect-message error" role="alert">
          {error}
        </div>
      )}
      {!data && !error && <div className="inspect-message muted">Projecting the item embeddings…</div>}
      {data && (
        <div className={`embeddings-plot${stale ? ' stale' : ''}`} aria-busy={stale || undefined}>
          <ScatterChart
            theme={services.theme}
            dataKey={data}
            height={560}
            exportName={`embeddings-${data.method}-${runId.slice(0, 8)}`}
            traces={() => embeddingTraces(data)}
            layout={{
              xaxis: { title: { text: `${data.method.toUpperCase()} 1` }, zeroline: false },
              yaxis: { title: { text: `${data.method.toUpperCase()} 2` }, zeroline: false, scaleanchor: data.method === 'pca' ? 'x' : undefined },
              // Categories list at the right; on a colour scale (its bar at the right) the legend names the cold items' rings, above.
              legend: byCategory(data) ? { x: 1.02, xanchor: 'left', y: 1 } : { orientation: 'h', x: 0, y: 1.08 },
              showlegend: byCategory(data) || data.cold.some(Boolean),
            }}
          />
        </div>
      )}
    </div>
  );
}
