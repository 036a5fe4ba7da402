import { DatasetsView } from './datasets-view';
import { NotebooksView } from './notebooks-view';
import { RunsView } from './runs-view';
import { useModels } from './use-model';
import type { Workbench } from './workbench';

/** The primary side bar: the view chosen in the activity bar. */
export function SideBar({ wb }: { wb: Workbench }) {
  useModels(wb.layout);
  const { view } = wb.layout.state.sidebar;
  return (
    <aside className="sidebar" aria-label={view}>
      {view === 'notebooks' && <NotebooksView wb={wb} />}
      {view === 'runs' && <RunsView wb={wb} />}
      {view === 'datasets' && <DatasetsView wb={wb} />}
    </aside>
  );
}

/** A view's title row: the name in capitals, its actions on the right, and a thin moving bar while it reads (`busy`). */
export function ViewHeader({ title, busy, children }: { title: string; busy?: boolean; children?: React.ReactNode }) {
  return (
    <div className="view-header">
      <h2 className="view-title">{title}</h2>
      <div className="view-actions">{children}</div>
      {busy && (
        <div className="view-progress" role="progressbar" aria-label={`Reading ${title.toLowerCase()}`}>
          <div className="progress-fill indeterminate" />
        </div>
      )}
    </div>
  );
}

/** What a view says while its list has not arrived or could not be read. */
export function ViewMessage({ loading, error, empty, children }: { loading?: boolean; error?: string; empty?: boolean; children?: React.ReactNode }) {
  if (error) return <div className="view-message error">{error}</div>;
  if (loading) return <div className="view-message muted">Loading…</div>;
  if (empty) return <div className="view-message">{children}</div>;
  return null;
}
