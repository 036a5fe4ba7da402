import { useEffect, useState } from 'react';
import type { RunSummary } from '../../common/api';
import type { WorkbenchServices } from '../workbench/services';
import { useModels } from '../workbench/use-model';
import { ActionButton } from '../workbench/widgets';
import type { RunsTableModel } from './runs-table-model';

/** How many runs the chooser reads to learn which params and metrics exist. */
const SAMPLE_RUNS = 5;

/**
 * Which metric and param columns the table shows: the keys the first runs have (read from
 * them, whole), as checkboxes, and any other key typed in.
 */
export function ColumnChooser({ services, model, sample, onClose }: { services: WorkbenchServices; model: RunsTableModel; sample: RunSummary[]; onClose(): void }) {
  useModels(model);
  const [keys, setKeys] = useState<{ metrics: string[]; params: string[] } | undefined>();
  const [typed, setTyped] = useState('');
  const ids = sample
    .slice(0, SAMPLE_RUNS)
    .map((r) => r.id)
    .join(',');
  useEffect(() => {
    let live = true;
    const runIds = ids ? ids.split(',') : [];
    const got = runIds.length ? services.api.call('runs.getMany', { runIds }).then((r) => r.runs, () => []) : Promise.resolve([]);
    void got.then((runs) => {
      if (!live) return;
      const metrics = new Set<string>();
      const params = new Set<string>();
      for (const r of runs) {
        for (const k of Object.keys(r.finalMetrics.overall ?? {})) metrics.add(k);
        for (const k of Object.keys(r.params)) params.add(k);
      }
      setKeys({ metrics: [...metrics].sort(), params: [...params].sort() });
    });
    return () => {
      live = false;
    };
  }, [services, ids]);

  const toggle = (kind: 'metric' | 'param', key: string, on: boolean) => (on ? model.addColumn(kind, key) : model.removeColumn(`${kind}:${key}`));
  const add = () => {
    const m = /^(metrics|params)\.(.+)$/.exec(typed.trim());
    if (!m) return;
    model.addColumn(m[1] === 'metrics' ? 'metric' : 'param', m[2]);
    setTyped('');
  };
  const typedOk = /^(metrics|params)\.(.+)$/.test(typed.trim());
  const metricKeys = [...new Set([...(keys?.metrics ?? []), ...model.metrics])].sort();
  const paramKeys = [...new Set([...(keys?.params ?? []), ...model.params])].sort();

  return (
    <div className="column-chooser" role="dialog" aria-label="Columns" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="chooser-header">
        <strong>Columns</strong>
        <input
          type="text"
          placeholder="Add a column: metrics.map@20 or params.train.lr, then Enter"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && add()}
          aria-invalid={typed.trim() !== '' && !typedOk}
          aria-label="Add a column"
        />
        <ActionButton icon="close" title="Close" onClick={onClose} />
      </div>
      {!keys && <div className="muted">Reading the keys the runs have…</div>}
      <div className="chooser-lists">
        <fieldset>
          <legend>Metrics (overall)</legend>
          {metricKeys.map((k) => (
            <label key={k}>
              <input type="checkbox" checked={model.metrics.includes(k)} onChange={(e) => toggle('metric', k, e.target.checked)} data-metric={k} /> {k}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Params</legend>
          {paramKeys.length === 0 && <span className="muted">No params read yet.</span>}
          {paramKeys.map((k) => (
            <label key={k}>
              <input type="checkbox" checked={model.params.includes(k)} onChange={(e) => toggle('param', k, e.target.checked)} data-param={k} /> {k}
            </label>
          ))}
        </fieldset>
      </div>
    </div>
  );
}
