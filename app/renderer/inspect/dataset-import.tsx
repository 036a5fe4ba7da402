import { useEffect, useMemo, type ReactNode } from 'react';
import type { AttributeKind, CsvPreview, MovieLensPreview } from '../../../core/data';
import type { EditorProps } from '../workbench/editor-registry';
import { formatCount, formatDensity } from '../workbench/run-format';
import { useModels } from '../workbench/use-model';
import { Icon } from '../workbench/widgets';
import { DatasetImportModel, type ColumnUse, type EntityForm, type FileForm, type ImportFailure } from './dataset-import-model';
import './inspect.css';

const KINDS: ColumnUse[] = ['skip', 'text', 'categorical', 'multi', 'numeric', 'timestamp'];

/**
 * Dataset import (`reclab:datasets`): MovieLens 100K from a folder or zip, or CSV files
 * through a mapping form, each file previewed first (its first rows, the kind of each
 * column, the roles its header suggests); the import's progress; its result, or the error
 * naming file, line and column, with nothing registered.
 */
export function DatasetImport({ services }: EditorProps) {
  const model = useMemo(() => new DatasetImportModel(services.api), [services.api]);
  useModels(model);
  useEffect(() => () => model.dispose(), [model]);
  const startImport = async () => {
    await model.import();
    // The Datasets side bar lists the new dataset.
    if (model.state.kind === 'done') await services.commands.execute('datasets.refresh');
  };
  const running = model.state.kind === 'running';
  const missing = model.missing;
  return (
    <div className="inspect-page dataset-import">
      <header className="inspector-header">
        <div className="inspector-title">
          <Icon name="database" />
          <span className="inspector-run-name">Import a dataset</span>
          <span className="muted">Paths are absolute or relative to the workspace folder.</span>
        </div>
      </header>
      <div className="import-kind" role="radiogroup" aria-label="What to import">
        {(
          [
            ['csv', 'CSV files'],
            ['movielens', 'MovieLens 100K (folder or zip)'],
          ] as const
        ).map(([k, label]) => (
          <label key={k} className={`import-kind-option${model.kind === k ? ' checked' : ''}`}>
            <input type="radio" name="import-kind" value={k} checked={model.kind === k} onChange={() => model.update((m) => (m.kind = k))} />
            {label}
          </label>
        ))}
      </div>

      {model.kind === 'movielens' ? (
        <section className="import-section">
          <PathField label="Folder or zip" placeholder="../shared/datasets/ml-100k or ml-100k.zip" file={model.movielens} onChange={(v) => model.setPath('movielens', v)} onPreview={() => void model.previewMovieLens()} />
          {model.movielens.preview && <MovieLensSummary preview={model.movielens.preview} />}
        </section>
      ) : (
        <>
          <section className="import-section" data-file="interactions">
            <h3 className="inspect-heading">Interactions (required)</h3>
            <PathField label="CSV file" placeholder="data/ratings.csv" file={model.interactions} onChange={(v) => model.setPath('interactions', v)} onPreview={() => void model.previewCsv('interactions')} />
            {model.interactions.preview && (
              <>
                <div className="import-mapping">
                  {(
                    [
                      ['user', 'User column', true],
                      ['item', 'Item column', true],
                      ['rating', 'Rating column', false],
                      ['timestamp', 'Time column', false],
                    ] as const
                  ).map(([key, label, required]) => (
                    <label key={key}>
                      {label}
                      <select className="inspect-input" aria-label={label} value={model.interactions[key]} onChange={(e) => model.update((m) => (m.interactions[key] = e.target.value))}>
                        {!required && <option value="">none</option>}
                        {required && !model.interactions[key] && <option value="">choose…</option>}
                        {model.interactions.preview!.columns.map((c) => (
                          <option key={c.name} value={c.name}>
                            {c.name}
                          </option>
                        ))}
                      </select>
                    </label>
                  ))}
                </div>
                <CsvTable preview={model.interactions.preview} mark={failedCell(model, model.interactions.preview)} />
              </>
            )}
          </section>
          <EntitySection title="Items (optional): one row per item, its attributes" which="items" form={model.items} model={model} />
          <EntitySection title="Users (optional): one row per user, its attributes" which="users" form={model.users} model={model} />
        </>
      )}

      <section className="import-section import-submit">
        <label>
          Name
          <input className="inspect-input" aria-label="Dataset name" value={model.name} spellCheck={false} onChange={(e) => model.update((m) => (m.name = e.target.value))} onKeyDown={(e) => e.key === 'Enter' && void startImport()} />
        </label>
        <label className="import-check">
          <input type="checkbox" checked={model.replace} onChange={(e) => model.update((m) => (m.replace = e.target.checked))} />
          replace a dataset of that name
        </label>
        <button type="button" className="button import-button" disabled={!!missing || running} title={missing} onClick={() => void startImport()}>
          {running ? 'Importing…' : 'Import'}
        </button>
        {missing && !running && <span className="muted import-missing">{missing}</span>}
      </section>
      <ImportStatus model={model} onShow={() => services.commands.execute('workbench.view.datasets')} />
    </div>
  );
}

function PathField({ label, placeholder, file, onChange, onPreview }: { label: string; placeholder: string; file: FileForm<unknown>; onChange(v: string): void; onPreview(): void }) {
  return (
    <div className="import-path">
      <label>
        {label}
        <input
          className="inspect-input import-path-input"
          aria-label={label}
          placeholder={placeholder}
          value={file.path}
          spellCheck={false}
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              onPreview();
            }
          }}
        />
      </label>
      <button type="button" className="button secondary" disabled={!file.path.trim() || file.loading} onClick={onPreview}>
        Preview
      </button>
      {file.loading && <Icon name="loading" spin />}
      {file.error && (
        <div className="inspect-message error import-file-error" role="alert">
          {file.error.message}
          <ErrorWhere failure={file.error} />
        </div>
      )}
    </div>
  );
}

/** The cell a failed import names, when it is in this preview (the file, a line shown, the column). */
function failedCell(model: DatasetImportModel, preview: CsvPreview): { row: number; column: number } | undefined {
  const s = model.state;
  if (s.kind !== 'failed' || s.failure.file !== preview.file || s.failure.line === undefined) return undefined;
  // Line 1 is the header when there is one.
  const row = s.failure.line - (preview.hasHeader ? 2 : 1);
  const column = preview.columns.findIndex((c) => c.name === s.failure.column);
  return row >= 0 && row < preview.rows.length ? { row, column } : undefined;
}

function CsvTable({ preview, mark }: { preview: CsvPreview; mark?: { row: number; column: number } }) {
  return (
    <div className="import-preview">
      <div className="muted import-preview-info">
        {preview.file} · {formatBytes(preview.bytes)} · delimiter {preview.delimiter === '\t' ? 'tab' : `“${preview.delimiter}”`} · {preview.hasHeader ? 'header row' : 'no header'} · first {preview.rows.length} rows{preview.truncated ? '' : ' (all)'}
      </div>
      <div className="import-table-scroll">
        <table className="inspect-table preview-table">
          <thead>
            <tr>
              {preview.columns.map((c) => (
                <th key={c.name}>
                  {c.name}
                  <span className="column-kind">{c.kind}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {preview.rows.map((r, i) => (
              <tr key={i} className={mark?.row === i ? 'failed-row' : undefined}>
                {preview.columns.map((_, j) => (
                  <td key={j} className={mark?.row === i && mark.column === j ? 'failed-cell' : undefined} title={mark?.row === i && mark.column === j ? 'The import stopped here' : undefined}>
                    {r[j] ?? ''}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function EntitySection({ title, which, form, model }: { title: string; which: 'items' | 'users'; form: EntityForm; model: DatasetImportModel }) {
  const p = form.preview;
  return (
    <section className="import-section" data-file={which}>
      <h3 className="inspect-heading">{title}</h3>
      <PathField label="CSV file" placeholder={which === 'items' ? 'data/movies.csv' : 'data/users.csv'} file={form} onChange={(v) => model.setPath(which, v)} onPreview={() => void model.previewCsv(which)} />
      {p && (
        <>
          <div className="import-mapping">
            <label>
              Id column
              <select className="inspect-input" aria-label={`${which} id column`} value={form.id} onChange={(e) => model.update((m) => (m[which].id = e.target.value))}>
                {p.columns.map((c) => (
                  <option key={c.name} value={c.name}>
                    {c.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              List separator
              <input className="inspect-input import-separator" aria-label={`${which} list separator`} value={form.listSeparator} maxLength={5} onChange={(e) => model.update((m) => (m[which].listSeparator = e.target.value))} />
            </label>
          </div>
          <div className="import-mapping import-attributes">
            {p.columns
              .filter((c) => c.name !== form.id)
              .map((c) => (
                <label key={c.name}>
                  {c.name}
                  <select className="inspect-input" aria-label={`${which} column ${c.name}`} value={form.uses[c.name] ?? 'skip'} onChange={(e) => model.update((m) => (m[which].uses[c.name] = e.target.value as AttributeKind))}>
                    {KINDS.map((k) => (
                      <option key={k} value={k}>
                        {k === 'skip' ? 'leave out' : k}
                      </option>
                    ))}
                  </select>
                </label>
              ))}
          </div>
          <CsvTable preview={p} mark={failedCell(model, p)} />
        </>
      )}
    </section>
  );
}

function MovieLensSummary({ preview }: { preview: MovieLensPreview }) {
  const s = preview.stats;
  return (
    <div className="import-preview">
      <dl className="inspect-summary">
        <Stat label="users">{formatCount(s.users)}</Stat>
        <Stat label="items">{formatCount(s.items)}</Stat>
        <Stat label="interactions">{formatCount(s.interactions)}</Stat>
        <Stat label="density">{formatDensity(s.density)}</Stat>
      </dl>
      <table className="inspect-table preview-table">
        <thead>
          <tr>
            <th>item</th>
            <th>title</th>
            <th>year</th>
            <th>genres</th>
          </tr>
        </thead>
        <tbody>
          {preview.items.map((i) => (
            <tr key={i.id}>
              <td>{i.id}</td>
              <td>{i.title}</td>
              <td>{i.year}</td>
              <td>{i.genres.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Stat({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function ImportStatus({ model, onShow }: { model: DatasetImportModel; onShow(): void }) {
  const s = model.state;
  // The outcome comes into view (the form may be longer than the editor).
  const reveal = (el: HTMLDivElement | null) => el?.scrollIntoView({ block: 'nearest' });
  if (s.kind === 'idle') return null;
  if (s.kind === 'running') {
    const pct = Math.round(100 * (s.progress?.fraction ?? 0));
    return (
      <div className="import-status running" role="status">
        <div className="import-progress" aria-label="Import progress" aria-valuenow={pct} role="progressbar">
          <div className="import-progress-fill" style={{ width: `${pct}%` }} />
        </div>
        <span>{s.progress ? `${s.progress.message} (${pct}%)` : 'Starting…'}</span>
      </div>
    );
  }
  if (s.kind === 'done') {
    const st = s.result.stats;
    return (
      <div className="import-status done" role="status" ref={reveal}>
        <Icon name="pass" />
        <span>
          Imported <b>{s.result.name}</b>: {formatCount(st.users)} users, {formatCount(st.items)} items, {formatCount(st.interactions)} interactions. A notebook names it as <code>{`{"source": "workspace", "name": "${s.result.name}"}`}</code>.
        </span>
        <button type="button" className="button secondary" onClick={onShow}>
          Show in Datasets
        </button>
      </div>
    );
  }
  const f = s.failure;
  return (
    <div className="import-status failed" role="alert" ref={reveal}>
      <Icon name="error" />
      <div>
        <div className="import-error-message">{f.message}</div>
        <ErrorWhere failure={f} />
        <div className="muted">Nothing was registered: the workspace's datasets are as they were. Fix the file or the mapping and import again.</div>
      </div>
    </div>
  );
}

/** Where a file's error is: file, and line and column when known. */
function ErrorWhere({ failure: f }: { failure: ImportFailure }) {
  if (!f.file) return null;
  return (
    <dl className="import-error-where">
      <div>
        <dt>file</dt>
        <dd data-where="file">{f.file}</dd>
      </div>
      {f.line !== undefined && (
        <div>
          <dt>line</dt>
          <dd data-where="line">{f.line}</dd>
        </div>
      )}
      {f.column !== undefined && (
        <div>
          <dt>column</dt>
          <dd data-where="column">{f.column}</dd>
        </div>
      )}
    </dl>
  );
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
