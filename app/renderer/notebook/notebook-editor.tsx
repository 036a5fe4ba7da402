import { lazy, Suspense, useEffect, useState } from 'react';
import type { WorkbenchServices } from '../workbench/services';
import type { NotebookSession } from './notebook-session';

/** What the shell gives the editor of one `.recnb` tab. */
export interface NotebookEditorProps {
  /** Workspace-relative path of the notebook. */
  path: string;
  services: WorkbenchServices;
  /** Whether its tab is the visible one: only then are its commands and keys active. */
  active: boolean;
  /** Unsaved edits (the tab shows a dot); autosave clears it. */
  onDirtyChange(dirty: boolean): void;
}

// The editor's code (session, Monaco glue, outputs, markdown-it) loads after the shell's first paint.
const loadEditor = () => import('./notebook-editor-impl');
const NotebookView = lazy(async () => ({ default: (await loadEditor()).NotebookView }));

/**
 * The notebook editor: opens the notebook (its text, last run and any live run), then
 * shows it. Edits save themselves a second after typing stops; closing the tab saves
 * what is pending.
 */
export function NotebookEditor(props: NotebookEditorProps) {
  const { path, services } = props;
  const [session, setSession] = useState<NotebookSession | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    let opened: NotebookSession | undefined;
    let closed = false;
    setSession(undefined);
    setError(undefined);
    loadEditor()
      .then((m) => m.NotebookSession.open(services.api, path))
      .then(
        (s) => {
          if (closed) {
            void s.saver.flush().finally(() => s.dispose());
            return;
          }
          opened = s;
          setSession(s);
        },
        (e: Error) => !closed && setError(e.message),
      );
    return () => {
      closed = true;
      if (opened) {
        const s = opened;
        void s.saver.flush().finally(() => s.dispose());
      }
    };
  }, [path, services]);
  if (error) {
    return (
      <div className="notebook-open-error" role="alert">
        Cannot open {path}: {error}
      </div>
    );
  }
  const loading = <div className="notebook-loading">Opening {path}…</div>;
  if (!session) return loading;
  return (
    <Suspense fallback={loading}>
      <NotebookView session={session} services={services} active={props.active} onDirtyChange={props.onDirtyChange} />
    </Suspense>
  );
}
