import type { PanelTab } from './layout-model';
import { ProblemsView } from './problems-view';
import { useModels } from './use-model';
import { ActionButton } from './widgets';
import type { Workbench } from './workbench';
import { RunPicker, WorkerLogView } from './worker-log-view';

const TABS: { tab: PanelTab; title: string; command: string }[] = [
  { tab: 'log', title: 'Worker Log', command: 'workbench.action.showWorkerLog' },
  { tab: 'problems', title: 'Problems', command: 'workbench.actions.view.problems' },
];

/** The bottom panel: the worker log of a run, and the problems of the open notebooks. */
export function Panel({ wb }: { wb: Workbench }) {
  useModels(wb.layout, wb.problems);
  const { tab } = wb.layout.state.panel;
  const counts = wb.problems.counts();
  const total = counts.errors + counts.warnings + counts.infos;
  const toggleKey = wb.keybindings.labelOf('workbench.action.togglePanel');
  return (
    <section className="panel" aria-label="Panel">
      <div className="panel-header">
        <div className="panel-tabs" role="tablist">
          {TABS.map((t) => {
            const key = wb.keybindings.labelOf(t.command);
            return (
              <button key={t.tab} type="button" role="tab" aria-selected={t.tab === tab} className={`panel-tab${t.tab === tab ? ' active' : ''}`} title={key ? `${t.title} (${key})` : t.title} data-tab={t.tab} onClick={() => wb.layout.showPanel(t.tab)}>
                {t.title}
                {t.tab === 'problems' && total > 0 && <span className="count-badge">{total}</span>}
              </button>
            );
          })}
        </div>
        <div className="panel-actions">
          {tab === 'log' && <RunPicker wb={wb} />}
          <ActionButton icon="close" title={`Hide Panel${toggleKey ? ` (${toggleKey})` : ''}`} onClick={() => wb.layout.togglePanel()} />
        </div>
      </div>
      <div className="panel-body">{tab === 'log' ? <WorkerLogView wb={wb} /> : <ProblemsView wb={wb} />}</div>
    </section>
  );
}
