import { useEffect, useMemo, useRef } from 'react';
import { download } from '../charts/chart-export';
import { ExportableChart } from '../charts/exportable-chart';
import { tableCsv } from '../charts/csv';
import { Icon } from '../workbench/widgets';
import { useModels } from '../workbench/use-model';
import type { WorkbenchServices } from '../workbench/services';
import { X_AXES, type XAxis } from './compare-data';
import { CompareModel } from './compare-model';
import { barsFigure, barsTable, curveFigure, curveTable, differingParams, parcoordsFigure, parcoordsTable } from './compare-figures';
import './compare.css';

/** The mark the UI bench reads: every selected curve of a compare tab is on screen. */
export const COMPARE_DRAWN_MARK = 'reclab:compare-drawn';

export const SEGMENT_TITLES: Record<string, string> = { overall: 'Overall', 'items:warm': 'Warm items', 'items:cold': 'Cold items', 'items:head': 'Head items', 'items:mid': 'Mid items', 'items:tail': 'Tail items' };

/** A zoom or autoscale of a curve (plotly_relayout) as an x range, or 'reset'. */
function relayoutRange(u: Record<string, unknown>, axis: XAxis): [number, number] | 'reset' | undefined {
  if (u['xaxis.autorange'] === true) return 'reset';
  const r = (u['xaxis.range'] as unknown[] | undefined) ?? (u['xaxis.range[0]'] !== undefined ? [u['xaxis.range[0]'], u['xaxis.range[1]']] : undefined);
  if (!r) return undefined;
  // A date axis reports 'YYYY-MM-DD hh:mm:ss.sss' (UTC, as Plotly draws ms numbers).
  const num = (v: unknown) => (typeof v === 'number' ? v : axis === 'wall' ? Date.parse(String(v).replace(' ', 'T') + 'Z') : Number(v));
  const lo = num(r[0]);
  const hi = num(r[1]);
  return Number.isFinite(lo) && Number.isFinite(hi) ? [lo, hi] : undefined;
}

function ParamTable({ model }: { model: CompareModel }) {
  const rows = model.paramRows;
  const shown = model.showAllParams ? rows : rows.filter((r) => r.differs);
  const differing = rows.filter((r) => r.differs).length;
  const csv = () => download('params.csv', tableCsv({ header: ['param', ...model.runs.map((r, i) => `${model.labels[i]} (${r.id})`)], rows: shown.map((r) => [r.key, ...r.values]) }), 'text/csv');
  return (
    <section className="chart-panel compare-params" aria-label="Parameters">
      <header className="chart-panel-header">
        <h3 className="chart-panel-title">Parameters</h3>
        <span className="compare-note">
          {differing} of {rows.length} differ
        </span>
        <label className="compare-check">
          <input type="checkbox" checked={model.showAllParams} onChange={(e) => model.setShowAllParams(e.target.checked)} /> Show all
        </label>
        <span className="chart-panel-spacer" />
        <button className="chart-export" title="Save the parameter table as CSV" onClick={csv}>
          CSV
        </button>
      </header>
      {shown.length === 0 ? (
        <div className="chart-panel-empty">{rows.length === 0 ? 'The runs have no params.' : 'Every param is the same in all runs (Show all lists them).'}</div>
      ) : (
        <div className="compare-table-scroll">
          <table className="compare-table">
            <thead>
              <tr>
                <th>param</th>
                {model.runs.map((r, i) => (
                  <th key={r.id} title={r.id}>
                    {model.labels[i]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {shown.map((row) => (
                <tr key={row.key} className={row.differs ? 'differs' : undefined}>
                  <th scope="row">{row.key}</th>
                  {row.values.map((v, i) => (
                    <td key={model.runs[i].id} className={v === undefined ? 'missing' : undefined}>
                      {v ?? '—'}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function ProtocolBanner({ model }: { model: CompareModel }) {
  const w = model.warning;
  if (!w) return null;
  return (
    <div className="compare-warning" role="alert">
      <Icon name="warning" />
      <div>
        <strong>These runs were evaluated on different protocols; their metrics are not comparable.</strong>
        <ul>
          {w.groups.map((g) => (
            <li key={g.fingerprint}>
              protocol <code>{g.fingerprint.slice(0, 12)}</code>: {g.runs.map((r) => r.name).join(', ')}
            </li>
          ))}
        </ul>
        {w.differences.length ? (
          <div>
            What differs:{' '}
            {w.differences.map((d, i) => (
              <span key={d.field}>
                {i > 0 ? '; ' : ''}
                <code>{d.field}</code> {d.values.join(' vs ')}
              </span>
            ))}
          </div>
        ) : (
          <div>The specs name the same data, split and evaluation: the data itself changed between the runs.</div>
        )}
      </div>
    </div>
  );
}

export function CompareView({ runIds, services }: { runIds: readonly string[]; services: WorkbenchServices }) {
  const model = useMemo(() => new CompareModel(services.api, runIds), [services.api, runIds.join(',')]);
  useModels(model);
  const drawn = useRef(new Set<string>());
  const marked = useRef(false);
  useEffect(() => {
    void model.load();
    return () => model.dispose();
  }, [model]);

  const onCurveDrawn = (key: string) => {
    if (marked.current || !model.series[key]) return;
    drawn.current.add(key);
    if (model.selectedKeys.every((k) => drawn.current.has(k))) {
      marked.current = true;
      const points = model.selectedKeys.reduce((n, k) => n + model.runs.reduce((m, r) => m + model.points(k, r.id).length, 0), 0);
      performance.mark(COMPARE_DRAWN_MARK, { detail: { runs: model.runs.length, keys: model.selectedKeys.length, points } });
    }
  };

  if (model.loading) return <div className="compare-view compare-loading">Reading {runIds.length} runs…</div>;
  if (model.runs.length === 0) return <div className="compare-view compare-loading">{model.error}</div>;

  return (
    <div className="compare-view">
      <header className="compare-header">
        <h2>
          Compare {model.runs.length} run{model.runs.length === 1 ? '' : 's'}
        </h2>
        <span className="compare-note">{model.labels.join(', ').slice(0, 300)}</span>
        {model.runs.some((r) => r.status === 'RUNNING') && (
          <span className="compare-note compare-live" role="status">
            {model.runs.filter((r) => r.status === 'RUNNING').length} running: curves follow them live
          </span>
        )}
      </header>
      <ProtocolBanner model={model} />
      {model.missing.length > 0 && (
        <div className="compare-error" role="status">
          Not shown (could not be read): {model.missing.map((m) => `${m.id}: ${m.message}`).join('; ')}
        </div>
      )}
      {model.error && <div className="compare-error" role="alert">{model.error}</div>}

      <section className="compare-toolbar" aria-label="Curve options">
        <div className="compare-keys" role="group" aria-label="Metric keys">
          {model.keys.length === 0 && <span className="compare-note">The runs logged no series.</span>}
          {model.keys.map((k) => (
            <button key={k} className="compare-chip" aria-pressed={model.selectedKeys.includes(k)} onClick={() => model.toggleKey(k)}>
              {k}
            </button>
          ))}
        </div>
        <label>
          x axis{' '}
          <select value={model.xAxis} onChange={(e) => model.setXAxis(e.target.value as XAxis)}>
            {X_AXES.map((a) => (
              <option key={a.id} value={a.id}>
                {a.label}
              </option>
            ))}
          </select>
        </label>
        <label title="Exponential moving average; the raw curve stays faint behind">
          smoothing{' '}
          <input type="range" min={0} max={0.99} step={0.01} value={model.smoothing} onChange={(e) => model.setSmoothing(Number(e.target.value))} aria-label="Smoothing" />
          <span className="compare-value">{model.smoothing.toFixed(2)}</span>
        </label>
        <label className="compare-check">
          <input type="checkbox" checked={model.logY} onChange={(e) => model.setLogY(e.target.checked)} /> log scale
        </label>
        {model.seriesLoading && <span className="compare-note">reading series…</span>}
      </section>

      <div className="compare-grid">
        {model.selectedKeys.map((key) => {
          const zoom = model.zooms[key];
          return (
            <ExportableChart
              key={key}
              title={key}
              fileName={`compare-${key}`.replace(/[\\/:*?"<>|@\s]+/g, '_')}
              figure={() => curveFigure(model, key)}
              version={model.curveVersion(key)}
              table={() => curveTable(model, key)}
              theme={services.theme}
              height={300}
              empty={model.series[key] ? undefined : 'Reading the series…'}
              onRelayout={(u) => {
                const r = relayoutRange(u, model.xAxis);
                if (r === 'reset') model.resetZoom(key);
                else if (r) void model.zoom(key, r[0], r[1]);
              }}
              onDrawn={() => onCurveDrawn(key)}
              controls={zoom ? <span className="compare-note">zoomed: full resolution · double-click for the whole run</span> : <span className="compare-note">drag to zoom</span>}
            />
          );
        })}
      </div>

      {model.families.length > 0 && (
        <>
          <div className="compare-section-title">
            <h3>Final metrics</h3>
            <label>
              metric{' '}
              <select value={model.family} onChange={(e) => model.setFamily(e.target.value)}>
                {model.families.map((f) => (
                  <option key={f}>{f}</option>
                ))}
              </select>
            </label>
          </div>
          <div className="compare-grid compare-grid-3">
            {model.segments.map((s) => (
              <ExportableChart
                key={s}
                title={`${model.family} · ${SEGMENT_TITLES[s] ?? s}`}
                fileName={`final-${model.family}-${s}`.replace(/[\\/:*?"<>|@\s]+/g, '_')}
                figure={() => barsFigure(model, s)}
                version={model.barsVersion()}
                table={() => barsTable(model, s)}
                theme={services.theme}
                height={220}
              />
            ))}
          </div>
        </>
      )}

      <ParamTable model={model} />

      <ExportableChart
        title="Params → metric"
        fileName="parallel-coordinates"
        figure={() => parcoordsFigure(model)}
        version={model.parcoordsVersion()}
        table={() => parcoordsTable(model)}
        theme={services.theme}
        height={320}
        needsWebgl
        empty={differingParams(model) === 0 ? 'No param differs between the runs: nothing to relate to the metric.' : model.overallMetrics.length === 0 ? 'The runs have no final metrics.' : undefined}
        controls={
          <label>
            metric{' '}
            <select value={model.parcoordsMetric} onChange={(e) => model.setParcoordsMetric(e.target.value)}>
              {model.overallMetrics.map((m) => (
                <option key={m}>{m}</option>
              ))}
            </select>
          </label>
        }
      />
    </div>
  );
}
