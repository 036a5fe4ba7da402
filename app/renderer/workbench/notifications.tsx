import { useModels } from './use-model';
import { Icon } from './widgets';
import type { Workbench } from './workbench';

const ICONS = { info: 'info', warning: 'warning', error: 'error' } as const;

/** Toasts at the bottom right, above the status bar. */
export function Notifications({ wb }: { wb: Workbench }) {
  const n = wb.notifications;
  useModels(n);
  if (!n.toasts.length) return null;
  return (
    <div className="notifications" role="region" aria-label="Notifications">
      {n.toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.severity}`} role={t.severity === 'error' ? 'alert' : 'status'}>
          <div className="toast-main">
            <Icon name={ICONS[t.severity]} className={`severity-${t.severity}`} />
            <div className="toast-message">
              {t.message}
              {t.count > 1 && <span className="count-badge">{t.count}</span>}
            </div>
            <button type="button" className="action-button" title="Clear Notification" aria-label="Clear Notification" onClick={() => n.dismiss(t.id)}>
              <Icon name="close" />
            </button>
          </div>
          {t.actions && t.actions.length > 0 && (
            <div className="toast-actions">
              {t.actions.map((a, i) => (
                <button key={a.label} type="button" className={`button${i > 0 ? ' secondary' : ''}`} onClick={() => n.runAction(t.id, i)}>
                  {a.label}
                </button>
              ))}
            </div>
          )}
        </div>
      ))}
    </div>
  );
}
