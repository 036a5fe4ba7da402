import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { ApiClient, AppInfo } from '../../common/api';
import type { NotebookEntry } from '../../../core/workspace';
import { NotebookEditor } from '../notebook/notebook-editor';
import type { Notification, Problem } from './services';
import { createTemporaryServices } from './temporary-services';

// TEMPORARY (wip-notebook): until the shell lands, this page lists the notebooks and mounts
// the notebook editor for the one named in the URL's hash (`#notebook=path`), else the
// first; a plain problems list and notifications stand in for the shell's panel and toasts.

function hashNotebook(): string | undefined {
  const m = /(?:^#|&)notebook=([^&]+)/.exec(location.hash);
  return m ? decodeURIComponent(m[1]) : undefined;
}

/** The workbench's root (the shell builds it out: activity bar, side bar, editors, panel, status bar). */
export function App({ api }: { api: ApiClient }) {
  const [info, setInfo] = useState<AppInfo | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [notebooks, setNotebooks] = useState<NotebookEntry[]>([]);
  const [path, setPath] = useState<string | undefined>(hashNotebook());
  const [dirty, setDirty] = useState(false);
  const [toasts, setToasts] = useState<Notification[]>([]);
  const services = useMemo(() => createTemporaryServices(api, (p) => (location.hash = `notebook=${encodeURIComponent(p)}`)), [api]);
  useEffect(() => {
    api.call('app.info', {}).then(setInfo, (e: Error) => setError(e.message));
    api.call('notebooks.list', {}).then((list) => {
      setNotebooks(list);
      setPath((p) => p ?? list[0]?.path);
    }, (e: Error) => setError(e.message));
    const onHash = () => setPath(hashNotebook());
    window.addEventListener('hashchange', onHash);
    const sub = services.notifications.event((n) => setToasts((t) => [...t.slice(-3), n]));
    return () => {
      window.removeEventListener('hashchange', onHash);
      sub.dispose();
    };
  }, [api, services]);
  const problems = useSyncExternalStore(
    (notify) => {
      const sub = services.problems.onDidChange(notify);
      return () => sub.dispose();
    },
    () => services.problems.all(),
  );
  return (
    <div className="workbench temporary-workbench">
      <div className="temporary-main">
        <nav className="temporary-notebooks" aria-label="Notebooks">
          {notebooks.map((n) => (
            <a key={n.path} href={`#notebook=${encodeURIComponent(n.path)}`} className={n.path === path ? 'active' : undefined}>
              {n.path}
              {n.path === path && dirty ? ' ●' : ''}
            </a>
          ))}
        </nav>
        <div className="temporary-editor">{path ? <NotebookEditor key={path} path={path} services={services} active onDirtyChange={setDirty} /> : null}</div>
      </div>
      <TemporaryProblemsList problems={problems} onReveal={(p) => services.problems.reveal(p)} />
      <div className="status">{error ?? (info ? `${info.workspaceName} · ${info.backend}` : 'connecting…')}</div>
      <div className="temporary-toasts">
        {toasts.map((t, i) => (
          <div key={i} className={`temporary-toast ${t.severity}`} role="status" onClick={() => setToasts((all) => all.filter((x) => x !== t))}>
            {t.message}
          </div>
        ))}
      </div>
    </div>
  );
}

function TemporaryProblemsList({ problems, onReveal }: { problems: readonly Problem[]; onReveal(p: Problem): void }) {
  return (
    <div className="temporary-problems" aria-label="Problems">
      <div className="temporary-problems-title">Problems ({problems.length})</div>
      {problems.map((p, i) => (
        <div key={i} className="temporary-problem" data-cell-id={p.cellId} onClick={() => onReveal(p)}>
          {p.resource}
          {p.line !== undefined ? ` [${p.line}, ${p.column}]` : ''}: {p.message}
        </div>
      ))}
    </div>
  );
}
