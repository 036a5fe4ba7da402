import { RUNS_RESOURCE } from '../runs/resources';
import type { SideView } from './layout-model';
import { showQuickOpen } from './shell-commands';
import { useModels } from './use-model';
import { Icon } from './widgets';
import type { Workbench } from './workbench';

const VIEWS: { view: SideView; icon: string; title: string; command: string }[] = [
  { view: 'notebooks', icon: 'notebook', title: 'Notebooks', command: 'workbench.view.notebooks' },
  { view: 'runs', icon: 'beaker', title: 'Runs', command: 'workbench.view.runs' },
  { view: 'datasets', icon: 'database', title: 'Datasets', command: 'workbench.view.datasets' },
];

/** The strip of view icons at the far left; the shown view's icon hides the side bar. */
export function ActivityBar({ wb }: { wb: Workbench }) {
  useModels(wb.layout, wb.liveRuns);
  const { sidebar } = wb.layout.state;
  const live = wb.liveRuns.recordedRuns.length;
  return (
    <nav className="activitybar" aria-label="Views">
      <div className="activitybar-views" role="tablist" aria-orientation="vertical">
        {VIEWS.map(({ view, icon, title, command }) => {
          const active = sidebar.visible && sidebar.view === view;
          const key = wb.keybindings.labelOf(command);
          return (
            <button
              key={view}
              type="button"
              role="tab"
              aria-selected={active}
              className={`activity-item${active ? ' active' : ''}`}
              title={key ? `${title} (${key})` : title}
              aria-label={title}
              data-view={view}
              onClick={() => {
                wb.layout.toggleView(view);
                // Runs: the side bar follows what is going on, the explorer tab holds every run.
                if (view === 'runs' && wb.layout.state.sidebar.visible) wb.openEditor(RUNS_RESOURCE);
              }}
            >
              <Icon name={icon} />
              {view === 'runs' && live > 0 && <span className="activity-badge" aria-label={`${live} running`}>{live}</span>}
            </button>
          );
        })}
      </div>
      <div className="activitybar-bottom">
        <button type="button" className="activity-item" title="Color theme and other preferences" aria-label="Manage" onClick={() => void showQuickOpen(wb, '>Preferences: ')} data-manage>
          <Icon name="settings-gear" />
        </button>
      </div>
    </nav>
  );
}
