import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { RunSummary } from '../../common/api';
import type { EditorProps } from '../workbench/editor-registry';
import { formatDuration, formatMetric, formatRelativeTime, percentOf, progressDetail } from '../workbench/run-format';
import { STATUS_ICONS, useNow } from '../workbench/runs-view';
import { useModels } from '../workbench/use-model';
import { ActionButton, Icon } from '../workbench/widgets';
import { ColumnChooser } from './column-chooser';
import { ExportPanel } from './export-panel';
import { QueryInput } from './query-input';
import { RenameInput } from './rename-input';
import { columnTitle, hostOrder, readSettings, runDuration, RunsTableModel, userTags, type ColumnId, type TableItem } from './runs-table-model';
import { compareResource, runResource } from './resources';
import './runs.css';

const ROW = 24;

const WIDTHS: Record<string, number> = { status: 30, name: 200, experiment: 130, modelType: 80, dataset: 80, protocol: 80, duration: 76, tags: 150, started: 96 };
const widthOf = (c: ColumnId) => WIDTHS[c] ?? (c.startsWith('metric:') ? 104 : 110);

/** The view-state id of the explorer's filter, columns, sort and grouping (kept per workspace). */
const VIEW_STATE_ID = 'runsExplorer';

/** The runs explorer (`reclab:runs`): every run in a virtualised table. */
export function RunsExplorer({ services, active }: EditorProps) {
  const model = useMemo(() => new RunsTableModel(services.api, readSettings(services.viewState.get(VIEW_STATE_ID))), [services]);
  useEffect(() => {
    void model.reload();
    let saved = JSON.stringify(model.settings);
    const sub = model.onDidChange(() => {
      // Changes are mostly rows and progress: write only when the settings moved.
      const text = JSON.stringify(model.settings);
      if (text !== saved) services.viewState.set(VIEW_STATE_ID, JSON.parse((saved = text)));
    });
    return () => {
      sub.dispose();
      model.dispose();
    };
  }, [model]);
  useModels(model);
  const now = useNow(30_000);
  const scrollRef = useRef<HTMLDivElement>(null);
  const queryRef = useRef<HTMLInputElement>(null);
  const [chooser, setChooser] = useState(false);
  const [exporting, setExporting] = useState<RunSummary | undefined>();
  const [confirmEmpty, setConfirmEmpty] = useState(false);
  const [busy, setBusy] = useState<string | undefined>();

  const columns = model.columns;
  const template = columns.map((c) => `${widthOf(c)}px`).join(' ') + ' minmax(0, 1fr)';
  const count = model.count;
  const virtual = useVirtualizer({ count, getScrollElement: () => scrollRef.current, estimateSize: () => ROW, overscan: 12 });
  const items = virtual.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  useEffect(() => model.setVisibleRange(first, last), [model, first, last, count]);
  const resets = model.resets;
  // A new filter or sort shows its first rows.
  useEffect(() => virtual.scrollToOffset(0), [resets]);

  const selected = model.selectedRuns();
  const one = selected.length === 1 ? selected[0] : undefined;

  const act = async (label: string, f: () => Promise<unknown>) => {
    setBusy(label);
    try {
      await f();
    } catch (e) {
      services.notify({ severity: 'error', message: `${label}: ${(e as Error).message}` });
    } finally {
      setBusy(undefined);
    }
  };
  const trash = () =>
    act('Move to Trash', async () => {
      const ids = selected.filter((r) => r.status !== 'RUNNING').map((r) => r.id);
      if (ids.length < selected.length) services.notify({ severity: 'warning', message: 'Running runs stay: cancel them first, then move them to the trash.' });
      if (!ids.length) return;
      const { trashed } = await services.api.call('runs.trash', { runIds: ids });
      model.clearSelection();
      await model.refresh();
      services.notify({ severity: 'info', message: `${trashed} run${trashed === 1 ? '' : 's'} moved to the trash.`, actions: [{ label: 'Undo', run: () => void services.api.call('runs.restore', { runIds: ids }).then(() => model.refresh()) }] });
    });
  const restore = () =>
    act('Restore', async () => {
      const ids = selected.map((r) => r.id);
      await services.api.call('runs.restore', { runIds: ids });
      model.clearSelection();
      await model.refresh();
    });
  const emptyTrash = () =>
    act('Empty Trash', async () => {
      const { deleted } = await services.api.call('runs.emptyTrash', { confirm: true });
      setConfirmEmpty(false);
      await model.refresh();
      services.notify({ severity: 'info', message: `${deleted} run${deleted === 1 ? '' : 's'} deleted for good.` });
    });
  const [renaming, setRenaming] = useState<string | undefined>();
  const renamed = () => {
    setRenaming(undefined);
    // Back to the rows, as after a rename in VS Code's explorer.
    scrollRef.current?.focus();
  };
  const compare = () => services.openEditor(compareResource(selected.map((r) => r.id)));
  const open = (r: RunSummary) => services.openEditor(runResource(r.id));

  const onKeyDown = (e: React.KeyboardEvent) => {
    const mod = e.ctrlKey || e.metaKey;
    // Keys typed into the filter, the column chooser or the export form are theirs (Delete, Ctrl+A...).
    const target = e.target as HTMLElement;
    if (target.closest('input, textarea, select, button, a, [role=dialog], .export-panel')) {
      if (!(target.tagName === 'INPUT' && target.getAttribute('aria-label') === 'Filter runs' && (e.key === 'ArrowDown' || e.key === 'Enter'))) return;
      // From the filter, Down or Enter goes to the rows.
      e.preventDefault();
      scrollRef.current?.focus();
      if (model.focusIndex >= model.count) model.moveFocus(0);
      return;
    }
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      model.moveFocus(e.key === 'ArrowDown' ? 1 : -1, e.shiftKey);
      virtual.scrollToIndex(model.focusIndex);
    } else if (e.key === 'Enter') {
      const it = model.itemAt(model.focusIndex);
      if (it.kind === 'run') open(it.run);
      else if (it.kind === 'group') model.toggleGroup(it.experiment);
    } else if (e.key === 'F2') {
      const it = model.itemAt(model.focusIndex);
      if (it.kind === 'run' && !model.trashed) {
        e.preventDefault();
        setRenaming(it.run.id);
      }
    } else if (e.key === 'a' && mod) {
      e.preventDefault();
      model.selectAllLoaded();
    } else if (e.key === 'Delete' && selected.length && !model.trashed) void trash();
    else if (e.key === 'Escape') model.clearSelection();
    else if (e.key === 'f' && mod) {
      e.preventDefault();
      queryRef.current?.focus();
    }
  };

  const total = model.total;
  return (
    <div className="runs-explorer" data-total={total ?? ''} data-query={model.appliedQuery} data-loading={model.loading ? 'true' : 'false'} data-trash={model.trashed ? 'true' : 'false'} onKeyDown={onKeyDown}>
      <div className="explorer-toolbar">
        <QueryInput value={model.query} error={model.queryError} onChange={(v) => model.setQuery(v)} onEscape={() => model.setQuery('')} inputRef={queryRef} />
        <div className="explorer-actions">
          <label className="explorer-toggle" title="Group the runs by experiment">
            <input type="checkbox" checked={model.groupByExperiment} onChange={(e) => model.setGroupByExperiment(e.target.checked)} /> Group by experiment
          </label>
          <button type="button" className="button secondary" onClick={() => setChooser(!chooser)} aria-expanded={chooser} data-action="columns">
            <Icon name="list-selection" /> Columns
          </button>
          <ActionButton icon="refresh" title="Refresh" onClick={() => void model.refresh()} />
        </div>
      </div>
      {model.queryError && (
        <div className="query-error" role="alert" data-position={model.queryError.position}>
          <Icon name="error" /> {model.queryError.message} <span className="muted">(at character {model.queryError.position + 1})</span>
        </div>
      )}
      {chooser && <ColumnChooser services={services} model={model} sample={model.loadedRuns().slice(0, 5)} onClose={() => setChooser(false)} />}
      <div className="explorer-selectionbar">
        <span className="muted" data-count>
          {total === undefined ? 'Reading runs…' : `${total.toLocaleString('en-US')} run${total === 1 ? '' : 's'}${model.trashed ? ' in the trash' : ''}`}
          {selected.length > 0 && ` · ${selected.length} selected`}
        </span>
        <div className="explorer-actions">
          {!model.trashed && (
            <>
              <button type="button" className="button" disabled={selected.length < 2} onClick={compare} title="Compare the selected runs (select with Ctrl+click or Shift+click)" data-action="compare">
                <Icon name="graph-line" /> Compare{selected.length >= 2 ? ` (${selected.length})` : ''}
              </button>
              <button type="button" className="button secondary" disabled={!one || one.status !== 'FINISHED'} onClick={() => setExporting(one)} title="Export the selected finished run" data-action="export-open">
                <Icon name="export" /> Export…
              </button>
              <button type="button" className="button secondary" disabled={!selected.length || !!busy} onClick={() => void trash()} title="Move the selected runs to the trash (Delete)" data-action="trash">
                <Icon name="trash" /> Move to Trash
              </button>
            </>
          )}
          {model.trashed && (
            <>
              <button type="button" className="button" disabled={!selected.length || !!busy} onClick={() => void restore()} data-action="restore">
                <Icon name="discard" /> Restore
              </button>
              <button type="button" className="button secondary" disabled={!total || !!busy} onClick={() => setConfirmEmpty(true)} data-action="empty-trash">
                <Icon name="trash" /> Empty Trash…
              </button>
            </>
          )}
          <button type="button" className="button secondary" onClick={() => model.setTrashed(!model.trashed)} aria-pressed={model.trashed} data-action="show-trash">
            <Icon name={model.trashed ? 'arrow-left' : 'trash'} /> {model.trashed ? 'Back to Runs' : 'Trash'}
          </button>
        </div>
      </div>
      {confirmEmpty && (
        <div className="confirm-bar" role="alertdialog" aria-label="Empty Trash">
          <Icon name="warning" className="severity-warning" />
          <span>
            Delete the {total} run{total === 1 ? '' : 's'} in the trash for good, with their artifacts? This cannot be undone.
          </span>
          <button type="button" className="button danger" onClick={() => void emptyTrash()} data-action="confirm-empty">
            Delete for Good
          </button>
          <button type="button" className="button secondary" onClick={() => setConfirmEmpty(false)} autoFocus>
            Cancel
          </button>
        </div>
      )}
      {exporting && (
        <div className="explorer-export">
          <ExportPanel services={services} runId={exporting.id} runName={exporting.name} onClose={() => setExporting(undefined)} />
        </div>
      )}
      {model.error && <div className="view-message error">Could not read the runs: {model.error}</div>}
      <div className="runs-table" ref={scrollRef} tabIndex={0} role="grid" aria-label="Runs" aria-rowcount={count} aria-multiselectable>
        <div className="runs-table-head" role="row" style={{ gridTemplateColumns: template }}>
          {columns.map((c) => (
            <HeaderCell key={c} column={c} model={model} />
          ))}
          <span />
        </div>
        <div style={{ height: virtual.getTotalSize(), position: 'relative', minWidth: 'fit-content' }}>
          {items.map((v) => (
            <Row key={v.key} item={model.itemAt(v.index)} top={v.start} template={template} columns={columns} model={model} now={now} focused={active && model.focusIndex === v.index} onOpen={open} rename={renaming && { runId: renaming, services, onDone: renamed }} />
          ))}
        </div>
        {total === 0 && !model.loading && (
          <div className="view-message muted empty-table">
            {model.trashed ? 'The trash is empty.' : model.appliedQuery ? 'No run matches this filter.' : 'No runs yet: run a notebook (Run All) to record one.'}
          </div>
        )}
      </div>
      {model.loading && (
        <div className="view-progress explorer-progress" role="progressbar" aria-label="Reading runs">
          <div className="progress-fill indeterminate" />
        </div>
      )}
    </div>
  );
}

function HeaderCell({ column, model }: { column: ColumnId; model: RunsTableModel }) {
  const sorted = model.sort.column === column;
  const label = column === 'status' ? '' : columnTitle(column);
  return (
    <div
      role="columnheader"
      className={`runs-cell head${sorted ? ' sorted' : ''}${column.startsWith('metric:') ? ' numeric' : ''}`}
      aria-sort={sorted ? (model.sort.ascending ? 'ascending' : 'descending') : 'none'}
      data-column={column}
      title={`Sort by ${columnTitle(column)}${hostOrder(column) ? '' : ' (reads every run)'}${column.startsWith('metric:') || column.startsWith('param:') ? '; remove the column in Columns' : ''}`}
      onClick={() => model.sortBy(column)}
    >
      <span className="head-label">{label}</span>
      {sorted && <Icon name={model.sort.ascending ? 'arrow-up' : 'arrow-down'} />}
    </div>
  );
}

/** The run being renamed in place (F2), and where its box reports. */
interface RowRename {
  runId: string;
  services: EditorProps['services'];
  onDone(): void;
}

function Row({ item, top, template, columns, model, now, focused, onOpen, rename }: { item: TableItem; top: number; template: string; columns: ColumnId[]; model: RunsTableModel; now: number; focused: boolean; onOpen(r: RunSummary): void; rename: RowRename | undefined | '' }) {
  if (item.kind === 'group') {
    return (
      <div className={`runs-group${focused ? ' focused' : ''}`} role="row" style={{ transform: `translateY(${top}px)`, height: ROW }} onClick={() => model.toggleGroup(item.experiment)} data-experiment={item.experiment}>
        <Icon name={item.collapsed ? 'chevron-right' : 'chevron-down'} />
        <span className="group-name">{item.experiment}</span>
        <span className="count-badge">{item.count}</span>
      </div>
    );
  }
  if (item.kind === 'pending') return <div className="runs-row pending" style={{ transform: `translateY(${top}px)`, height: ROW, gridTemplateColumns: template }} role="row" />;
  const r = item.run;
  const selected = model.selection.has(r.id);
  return (
    <div
      className={`runs-row${selected ? ' selected' : ''}${focused ? ' focused' : ''}`}
      role="row"
      aria-selected={selected}
      style={{ transform: `translateY(${top}px)`, height: ROW, gridTemplateColumns: template }}
      data-run={r.id}
      onClick={(e) => model.select(item.index, { toggle: e.ctrlKey || e.metaKey, range: e.shiftKey })}
      onDoubleClick={() => onOpen(r)}
    >
      {columns.map((c) =>
        c === 'name' && rename && rename.runId === r.id ? (
          <span key={c} className="runs-cell name">
            <RenameInput className="runs-rename-input" services={rename.services} run={r} onDone={rename.onDone} />
          </span>
        ) : (
          <Cell key={c} column={c} run={r} model={model} now={now} onOpen={onOpen} />
        ),
      )}
      <span />
    </div>
  );
}

function Cell({ column, run: r, model, now, onOpen }: { column: ColumnId; run: RunSummary; model: RunsTableModel; now: number; onOpen(r: RunSummary): void }) {
  if (column.startsWith('metric:')) {
    const v = r.metrics[column.slice('metric:'.length)];
    return <span className="runs-cell numeric">{v === undefined ? '' : formatMetric(v)}</span>;
  }
  if (column.startsWith('param:')) {
    const v = r.params[column.slice('param:'.length)];
    return (
      <span className="runs-cell" title={v} data-param-value>
        {v ?? ''}
      </span>
    );
  }
  switch (column) {
    case 'status': {
      const st = STATUS_ICONS[r.status];
      const p = r.status === 'RUNNING' ? model.progressOf(r.id) : undefined;
      return (
        <span className="runs-cell status" title={`${st.label}${p ? `: ${progressDetail(p)}` : ''}${r.error ? `\n${r.error}` : ''}`} data-status={r.status}>
          <Icon name={st.icon} spin={r.status === 'RUNNING'} className={st.className} />
        </span>
      );
    }
    case 'name': {
      const p = r.status === 'RUNNING' ? model.progressOf(r.id) : undefined;
      const pct = p ? percentOf(p) : undefined;
      return (
        <span className="runs-cell name" title={`${r.name} (${r.id}) · F2 renames`}>
          <a
            href="#"
            onClick={(e) => {
              e.preventDefault();
              e.stopPropagation();
              onOpen(r);
            }}
          >
            {r.name}
          </a>
          {p && <span className="row-progress muted">{pct !== undefined ? ` ${pct}%` : ` ${progressDetail(p)}`}</span>}
        </span>
      );
    }
    case 'experiment':
      return <span className="runs-cell">{r.experiment}</span>;
    case 'modelType':
      return <span className="runs-cell">{r.modelType ?? ''}</span>;
    case 'dataset':
      return <span className="runs-cell">{r.dataset ?? ''}</span>;
    case 'protocol':
      return (
        <span className="runs-cell mono" title={r.fingerprint ? `Protocol fingerprint ${r.fingerprint}: runs compare only when it is the same` : 'No protocol fingerprint'}>
          {r.fingerprint?.slice(0, 8) ?? ''}
        </span>
      );
    case 'duration':
      return <span className="runs-cell numeric">{formatDuration(runDuration(r, now))}</span>;
    case 'tags': {
      const tags = userTags(r.tags);
      return (
        <span className="runs-cell tags" title={tags.join('\n')}>
          {tags.map((t) => (
            <span key={t} className="runs-tag">
              {t}
            </span>
          ))}
        </span>
      );
    }
    case 'started':
      return (
        <span className="runs-cell" title={new Date(r.startTime).toLocaleString()}>
          {formatRelativeTime(r.startTime, now)}
        </span>
      );
    default:
      return <span className="runs-cell" />;
  }
}
