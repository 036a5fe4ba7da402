import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState } from 'react';
import { notebookTreeRows, type TreeRow } from './notebook-tree';
import { ViewHeader, ViewMessage } from './side-bar';
import { useModels } from './use-model';
import { ActionButton, Icon } from './widgets';
import type { Workbench } from './workbench';

const ROW = 22;

/** The workspace's notebooks as a tree by folder: click or Enter opens, arrows move, Left/Right fold. */
export function NotebooksView({ wb }: { wb: Workbench }) {
  useModels(wb.notebooks, wb.tree, wb.tabs);
  const entries = wb.notebooks.value;
  const rows = useMemo(() => notebookTreeRows(entries ?? [], wb.tree.collapsed), [entries, wb.tree.version]);
  const [focused, setFocused] = useState<string | undefined>();
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW, overscan: 10 });
  const focusIndex = rows.findIndex((r) => r.path === (focused ?? wb.tabs.active));
  const newKey = wb.keybindings.labelOf('notebook.create');

  const activate = (row: TreeRow) => {
    setFocused(row.path);
    if (row.kind === 'folder') wb.tree.toggle(row.path);
    else wb.openEditor(row.path);
  };
  const moveTo = (i: number) => {
    const row = rows[Math.max(0, Math.min(rows.length - 1, i))];
    if (!row) return;
    setFocused(row.path);
    virtual.scrollToIndex(rows.indexOf(row));
  };
  const onKeyDown = (e: React.KeyboardEvent) => {
    const row = rows[focusIndex];
    switch (e.key) {
      case 'ArrowDown':
        moveTo(focusIndex + 1);
        break;
      case 'ArrowUp':
        moveTo(focusIndex < 0 ? 0 : focusIndex - 1);
        break;
      case 'Home':
        moveTo(0);
        break;
      case 'End':
        moveTo(rows.length - 1);
        break;
      case 'Enter':
      case ' ':
        if (row) activate(row);
        break;
      case 'ArrowRight':
        if (row?.kind === 'folder' && !row.expanded) wb.tree.setExpanded(row.path, true);
        else if (row?.kind === 'folder') moveTo(focusIndex + 1);
        break;
      case 'ArrowLeft':
        if (row?.kind === 'folder' && row.expanded) wb.tree.setExpanded(row.path, false);
        else if (row) {
          const parent = row.path.slice(0, row.path.lastIndexOf('/'));
          const pi = rows.findIndex((r) => r.kind === 'folder' && r.path === parent);
          if (pi >= 0) moveTo(pi);
        }
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  return (
    <div className="view">
      <ViewHeader title="Notebooks" busy={wb.notebooks.loading}>
        <ActionButton icon="new-file" title={`New Notebook…${newKey ? ` (${newKey})` : ''}`} onClick={() => void wb.commands.execute('notebook.create')} />
        <ActionButton icon="refresh" title="Refresh" onClick={() => void wb.notebooks.refresh()} />
        <ActionButton icon="collapse-all" title="Collapse Folders" onClick={() => wb.tree.collapseAll(rows.filter((r) => r.kind === 'folder').map((r) => r.path))} />
      </ViewHeader>
      <ViewMessage loading={!entries && wb.notebooks.loading} error={!entries ? wb.notebooks.error : undefined} empty={!!entries && entries.length === 0}>
        <p>This workspace has no notebooks yet.</p>
        <button type="button" className="button" onClick={() => void wb.commands.execute('notebook.create')}>
          New Notebook
        </button>
      </ViewMessage>
      {rows.length > 0 && (
        <div className="list-scroll" ref={scrollRef} tabIndex={0} role="tree" aria-label="Notebooks" onKeyDown={onKeyDown} aria-activedescendant={focusIndex >= 0 ? `nb-row-${focusIndex}` : undefined}>
          <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
            {virtual.getVirtualItems().map((v) => {
              const row = rows[v.index];
              const active = row.kind === 'file' && row.path === wb.tabs.active;
              return (
                <div
                  key={row.path}
                  id={`nb-row-${v.index}`}
                  role="treeitem"
                  aria-level={row.depth + 1}
                  aria-expanded={row.kind === 'folder' ? row.expanded : undefined}
                  aria-selected={active}
                  className={`list-row tree-row${active ? ' selected' : ''}${v.index === focusIndex ? ' focused' : ''}`}
                  style={{ transform: `translateY(${v.start}px)`, height: ROW, paddingLeft: 8 + row.depth * 12 }}
                  title={row.path}
                  data-path={row.path}
                  onClick={() => activate(row)}
                >
                  <span className="twistie">{row.kind === 'folder' && <Icon name={row.expanded ? 'chevron-down' : 'chevron-right'} />}</span>
                  {row.kind === 'file' && <Icon name="notebook" className="file-icon" />}
                  <span className="row-label">{row.name}</span>
                  {row.kind === 'file' && wb.tabs.tabs.some((t) => t.path === row.path && t.dirty) && <span className="row-dirty" title="Unsaved changes" />}
                </div>
              );
            })}
          </div>
        </div>
      )}
    </div>
  );
}
