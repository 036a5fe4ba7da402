import { useEffect, useState } from 'react';
import type { ApiClient, AppInfo } from '../../common/api';

/** The workbench's root (the shell builds it out: activity bar, side bar, editors, panel, status bar). */
export function App({ api }: { api: ApiClient }) {
  const [info, setInfo] = useState<AppInfo | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    api.call('app.info', {}).then(setInfo, (e: Error) => setError(e.message));
  }, [api]);
  return (
    <div className="workbench">
      <div className="status">{error ?? (info ? `${info.workspaceName} · ${info.backend}` : 'connecting…')}</div>
    </div>
  );
}
