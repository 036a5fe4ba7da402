import { useEffect, useState } from 'react';
import type { ExportProgress } from '../../../core/export';
import type { AppInfo, ExportRunResult } from '../../common/api';
import { downloadPath } from '../../common/wire';
import type { WorkbenchServices } from '../workbench/services';
import { Icon } from '../workbench/widgets';

const PARTS = [
  { id: 'bundle', label: 'Model bundle', hint: 'loaded once to verify it' },
  { id: 'topk', label: 'Top-K of every user (CSV)', hint: 'user,rank,item,score' },
  { id: 'metrics', label: 'Metrics (CSV and JSON)', hint: 'by segment and K' },
  { id: 'embeddings', label: 'Item embeddings (TSV + metadata TSV)', hint: 'for projector tools' },
] as const;
type PartId = (typeof PARTS)[number]['id'];

let infoOnce: Promise<AppInfo> | undefined;
/** The app's facts (browser or desktop mode, workspace folder), read once. */
export function appInfo(services: WorkbenchServices): Promise<AppInfo> {
  infoOnce ??= services.api.call('app.info', {}).catch((e) => {
    infoOnce = undefined;
    throw e;
  });
  return infoOnce;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * Export of a finished run: the parts to write, K, then progress, and the files written
 * (browser mode: each one a download; desktop: where it is in the workspace).
 */
export function ExportPanel({ services, runId, runName, onClose }: { services: WorkbenchServices; runId: string; runName: string; onClose?(): void }) {
  const [parts, setParts] = useState<Record<PartId, boolean>>({ bundle: true, topk: true, metrics: true, embeddings: true });
  const [k, setK] = useState('');
  const [progress, setProgress] = useState<ExportProgress | undefined>();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ExportRunResult | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [info, setInfo] = useState<AppInfo | undefined>();

  useEffect(() => {
    void appInfo(services).then(setInfo, () => undefined);
    return services.api.on('export.progress', (p) => p.runId === runId && setProgress(p));
  }, [services, runId]);

  const kValue = k.trim() === '' ? undefined : Number(k);
  const kError = kValue !== undefined && !(Number.isInteger(kValue) && kValue >= 1 && kValue <= 1000) ? 'K is a whole number from 1 to 1000 (empty: the largest K the run evaluated).' : undefined;
  const none = !Object.values(parts).some(Boolean);

  const run = async () => {
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    setProgress(undefined);
    try {
      setResult(await services.api.call('export.run', { runId, ...(kValue !== undefined ? { k: kValue } : {}), parts }));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const browser = info?.mode === 'browser';
  return (
    <section className="export-panel" aria-label={`Export ${runName}`}>
      <div className="export-header">
        <h3>Export “{runName}”</h3>
        {onClose && (
          <button type="button" className="action-button" title="Close" aria-label="Close" onClick={onClose}>
            <Icon name="close" />
          </button>
        )}
      </div>
      <fieldset className="export-parts" disabled={busy}>
        {PARTS.map((p) => (
          <label key={p.id} className="export-part">
            <input type="checkbox" checked={parts[p.id]} onChange={(e) => setParts({ ...parts, [p.id]: e.target.checked })} data-part={p.id} />
            {p.label} <span className="muted">({p.hint})</span>
          </label>
        ))}
        <label className="export-k">
          K <input type="text" inputMode="numeric" placeholder="largest evaluated" value={k} onChange={(e) => setK(e.target.value)} aria-invalid={!!kError} />
        </label>
      </fieldset>
      {kError && <div className="runs-form-error">{kError}</div>}
      <div className="export-actions">
        <button type="button" className="button" disabled={busy || none || !!kError} onClick={() => void run()} data-action="export">
          <Icon name={busy ? 'loading' : 'export'} spin={busy} /> {busy ? 'Exporting…' : 'Export'}
        </button>
        <span className="muted">Writes exports/{'<run>-<id>'}/ in the workspace folder.</span>
      </div>
      {busy && (
        <div className="export-progress" role="progressbar" aria-valuenow={Math.round((progress?.fraction ?? 0) * 100)} aria-valuemin={0} aria-valuemax={100}>
          <div className="progress-track">
            <div className="progress-fill" style={{ width: `${Math.round((progress?.fraction ?? 0) * 100)}%` }} />
          </div>
          <span className="muted">{progress?.message ?? 'Starting…'}</span>
        </div>
      )}
      {error && <div className="runs-form-error">Export failed: {error}</div>}
      {result && (
        <div className="export-result" data-export-dir={result.dir}>
          <div>
            <Icon name="pass" className="status-finished" /> Written to <code>{result.dir}</code>
            {result.bundle && <> · bundle verified ({result.bundle.modelType})</>}
            {result.topk && (
              <>
                {' '}
                · top-{result.topk.k} of {result.topk.users.toLocaleString('en-US')} users ({result.topk.source === 'bundle' ? 'from the model' : 'from the evaluation'})
              </>
            )}
          </div>
          {browser && (
            <a className="button secondary" href={downloadPath(result.dir)} download>
              <Icon name="cloud-download" /> Download all (zip)
            </a>
          )}
          <ul className="export-files">
            {result.files.map((f) => (
              <li key={f.path} data-file={f.path}>
                {browser ? (
                  <a href={downloadPath(f.path)} download>
                    {f.path.slice(result.dir.length + 1) || f.path}
                  </a>
                ) : (
                  <code>{f.path}</code>
                )}{' '}
                <span className="muted">{formatBytes(f.bytes)}</span>
              </li>
            ))}
          </ul>
          {result.notes.map((n, i) => (
            <div key={i} className="muted">
              {n}
            </div>
          ))}
        </div>
      )}
    </section>
  );
}
