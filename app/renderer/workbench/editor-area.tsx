import { Component, memo, Suspense, useCallback, useEffect, useRef, type ReactNode } from 'react';
import { editorFor, isFileResource } from './editor-registry';
import './editors';
import { fileName, folderOf } from './notebook-tree';
import { useModels } from './use-model';
import { Icon, Keys } from './widgets';
import type { Workbench } from './workbench';

/** Editor tabs and the editors under them (all kept mounted; the active one shown). */
export function EditorArea({ wb }: { wb: Workbench }) {
  useModels(wb.tabs);
  const { tabs, active } = wb.tabs;
  return (
    <main className="editor-area" aria-label="Editors">
      {tabs.length > 0 ? (
        <>
          <TabBar wb={wb} />
          {active && <Breadcrumbs path={active} />}
          <div className="editors">
            {tabs.map((t) => (
              <EditorSlot key={t.path} wb={wb} path={t.path} active={t.path === active} />
            ))}
          </div>
        </>
      ) : (
        <Watermark wb={wb} />
      )}
    </main>
  );
}

function TabBar({ wb }: { wb: Workbench }) {
  useModels(wb.notebooks);
  const { tabs, active } = wb.tabs;
  // A file deleted on disk keeps its tab (its edits may matter), struck through as in VS Code.
  const existing = wb.notebooks.value ? new Set(wb.notebooks.value.map((n) => n.path)) : undefined;
  const titleOf = (resource: string) => editorFor(resource)?.title(resource) ?? fileName(resource);
  const activeRef = useRef<HTMLDivElement>(null);
  const dragged = useRef<string | undefined>(undefined);
  useEffect(() => {
    // A block body: Chromium's scrollIntoView now returns a promise, which React would take for a clean-up.
    activeRef.current?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [active, tabs.length]);
  // Two files of the same name: their folders tell them apart, as in VS Code.
  const names = new Map<string, number>();
  for (const t of tabs) names.set(titleOf(t.path), (names.get(titleOf(t.path)) ?? 0) + 1);
  const closeKey = wb.keybindings.labelOf('workbench.action.closeActiveEditor');
  return (
    <div className="tabs" role="tablist" aria-label="Open notebooks" onWheel={(e) => (e.currentTarget.scrollLeft += e.deltaY)}>
      {tabs.map((t) => {
        const isActive = t.path === active;
        const kind = editorFor(t.path);
        const name = titleOf(t.path);
        const deleted = isFileResource(t.path) && existing !== undefined && !existing.has(t.path);
        return (
          <div
            key={t.path}
            ref={isActive ? activeRef : undefined}
            role="tab"
            tabIndex={isActive ? 0 : -1}
            aria-selected={isActive}
            className={`tab${isActive ? ' active' : ''}${t.dirty ? ' dirty' : ''}${deleted ? ' deleted' : ''}`}
            title={deleted ? `${t.path} (deleted)` : (kind?.tooltip?.(t.path) ?? t.path)}
            data-path={t.path}
            draggable
            onDragStart={() => (dragged.current = t.path)}
            onDragOver={(e) => e.preventDefault()}
            onDrop={() => {
              if (dragged.current) wb.tabs.move(dragged.current, tabs.indexOf(t));
              dragged.current = undefined;
            }}
            onMouseDown={(e) => {
              if (e.button === 0) wb.tabs.activate(t.path);
              if (e.button === 1) e.preventDefault(); // no autoscroll
            }}
            onAuxClick={(e) => {
              if (e.button === 1) wb.tabs.close(t.path);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') wb.tabs.activate(t.path);
            }}
          >
            <Icon name={kind?.icon ?? 'file'} className="file-icon" />
            <span className="tab-label">{name}</span>
            {(names.get(name) ?? 0) > 1 && isFileResource(t.path) && <span className="tab-description">{folderOf(t.path) || '.'}</span>}
            <button
              type="button"
              className="tab-close"
              title={`Close${closeKey ? ` (${closeKey})` : ''}`}
              aria-label={`Close ${name}`}
              onMouseDown={(e) => e.stopPropagation()}
              onClick={(e) => {
                e.stopPropagation();
                wb.tabs.close(t.path);
              }}
            >
              <Icon name="close" className="tab-close-icon" />
              <Icon name="circle-filled" className="tab-dirty-icon" />
            </button>
          </div>
        );
      })}
    </div>
  );
}

function Breadcrumbs({ path }: { path: string }) {
  const kind = editorFor(path);
  // The app's own views have no folders: their title is the whole trail.
  const parts = isFileResource(path) ? path.split('/') : [kind?.title(path) ?? path];
  return (
    <div className="breadcrumbs" aria-label="Path">
      {parts.map((p, i) => (
        <span key={i} className="breadcrumb">
          {i === parts.length - 1 && <Icon name={kind?.icon ?? 'file'} className="file-icon" />}
          {p}
          {i < parts.length - 1 && <Icon name="chevron-right" className="breadcrumb-sep" />}
        </span>
      ))}
    </div>
  );
}

/** One tab's editor; memoised, so a change elsewhere in the tabs (a dirty dot) does not re-render it. */
const EditorSlot = memo(function EditorSlot({ wb, path, active }: { wb: Workbench; path: string; active: boolean }) {
  const onDirtyChange = useCallback((dirty: boolean) => wb.tabs.setDirty(path, dirty), [wb, path]);
  const kind = editorFor(path);
  return (
    <div className={`editor-slot${active ? ' active' : ''}`} data-path={path} hidden={!active}>
      <EditorErrorBoundary path={path}>
        {kind ? (
          <Suspense fallback={<div className="editor-loading">{kind.loading}</div>}>
            <kind.component resource={path} services={wb} active={active} onDirtyChange={onDirtyChange} />
          </Suspense>
        ) : (
          <div className="editor-error" role="alert">
            <p>RecLab has no editor for {path}.</p>
          </div>
        )}
      </EditorErrorBoundary>
    </div>
  );
});

/** An editor that throws shows what went wrong in its tab; the rest of the workbench goes on. */
class EditorErrorBoundary extends Component<{ path: string; children: ReactNode }, { error?: Error }> {
  override state: { error?: Error } = {};

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error) {
    console.error(`reclab: the editor of ${this.props.path} failed`, error);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="editor-error" role="alert">
        <Icon name="error" className="status-failed" />
        <div>
          <p>
            The editor of <b>{this.props.path}</b> stopped: {this.state.error.message}
          </p>
          <p className="muted">Close the tab and open the notebook again; if it happens again, the browser console has the details for a bug report.</p>
          <button type="button" className="button" onClick={() => this.setState({ error: undefined })}>
            Try Again
          </button>
        </div>
      </div>
    );
  }
}

const WATERMARK: { title: string; command: string }[] = [
  { title: 'Show All Commands', command: 'workbench.action.showCommands' },
  { title: 'Go to Notebook', command: 'workbench.action.quickOpen' },
  { title: 'New Notebook', command: 'notebook.create' },
  { title: 'Toggle Panel', command: 'workbench.action.togglePanel' },
  { title: 'Toggle Side Bar', command: 'workbench.action.toggleSidebarVisibility' },
];

/** The empty editor area: the keys that get one going, as VS Code shows them. */
function Watermark({ wb }: { wb: Workbench }) {
  return (
    <div className="watermark">
      <Icon name="beaker" className="watermark-logo" />
      <dl>
        {WATERMARK.map(({ title, command }) => {
          const c = wb.commands.get(command);
          const parts = c && wb.keybindings.partsOf(c);
          return (
            <div key={command} className="watermark-entry" onClick={() => void wb.commands.execute(command)}>
              <dt>{title}</dt>
              <dd>{parts && <Keys parts={parts} />}</dd>
            </div>
          );
        })}
      </dl>
    </div>
  );
}
