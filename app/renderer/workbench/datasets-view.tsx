import { formatCount, formatDensity } from './run-format';
import { ViewHeader, ViewMessage } from './side-bar';
import { useModels } from './use-model';
import { ActionButton, Icon } from './widgets';
import type { Workbench } from './workbench';

/** The datasets a notebook can name: the embedded sample and the workspace's imports, with their size. */
export function DatasetsView({ wb }: { wb: Workbench }) {
  useModels(wb.datasets);
  const list = wb.datasets.value;
  return (
    <div className="view">
      <ViewHeader title="Datasets" busy={wb.datasets.loading}>
        <ActionButton icon="add" title="Import a Dataset…" onClick={() => wb.openEditor('reclab:datasets')} />
        <ActionButton icon="refresh" title="Refresh" onClick={() => void wb.datasets.refresh()} />
      </ViewHeader>
      <ViewMessage loading={!list && (wb.datasets.loading || !wb.datasets.error)} error={!list ? wb.datasets.error : undefined} empty={!!list && list.length === 0}>
        No datasets.
      </ViewMessage>
      {list && (
        <div className="list-scroll" role="list" aria-label="Datasets">
          {list.map((d) => (
            <div key={d.name} className="dataset-row" role="listitem" title={d.description} data-dataset={d.name}>
              <div className="dataset-title">
                <Icon name="database" />
                <span className="row-label">{d.name}</span>
                <span className="row-description">{d.source === d.name ? '' : d.source}</span>
              </div>
              {d.stats ? (
                <dl className="dataset-stats">
                  <div>
                    <dt>users</dt>
                    <dd>{formatCount(d.stats.users)}</dd>
                  </div>
                  <div>
                    <dt>items</dt>
                    <dd>{formatCount(d.stats.items)}</dd>
                  </div>
                  <div>
                    <dt>interactions</dt>
                    <dd>{formatCount(d.stats.interactions)}</dd>
                  </div>
                  <div>
                    <dt>density</dt>
                    <dd>{formatDensity(d.stats.density)}</dd>
                  </div>
                </dl>
              ) : (
                <div className="row-description dataset-nostats">No statistics recorded.</div>
              )}
              {d.description && <div className="dataset-description">{d.description}</div>}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
