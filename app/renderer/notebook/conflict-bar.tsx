import { useState } from 'react';
import type { SaveState } from './notebook-saver';

export interface ConflictBarProps {
  state: SaveState;
  dirty: boolean;
  onReload(): void;
  onKeepMine(): void;
  onRetry(): void;
}

/**
 * The bar over a notebook whose file changed on disk by another program (nothing is
 * written until the user chooses), or whose save failed.
 */
export function ConflictBar({ state, dirty, onReload, onKeepMine, onRetry }: ConflictBarProps) {
  const [confirming, setConfirming] = useState(false);
  if (state.kind === 'error') {
    return (
      <div className="notebook-bar error" role="alert">
        <span className="codicon codicon-error" aria-hidden />
        <span className="notebook-bar-text">{state.message}</span>
        <button type="button" className="button" onClick={onRetry}>
          Retry
        </button>
      </div>
    );
  }
  if (state.kind !== 'conflict') return null;
  if (confirming) {
    return (
      <div className="notebook-bar warning" role="alert">
        <span className="codicon codicon-warning" aria-hidden />
        <span className="notebook-bar-text">Reloading discards your edits that are not on disk.</span>
        <button
          type="button"
          className="button"
          onClick={() => {
            setConfirming(false);
            onReload();
          }}
        >
          Discard my edits and reload
        </button>
        <button type="button" className="button secondary" onClick={() => setConfirming(false)}>
          Cancel
        </button>
      </div>
    );
  }
  return (
    <div className="notebook-bar warning" role="alert" data-bar="changed-on-disk">
      <span className="codicon codicon-warning" aria-hidden />
      <span className="notebook-bar-text">
        {state.deleted ? 'This notebook was deleted on disk by another program.' : 'This notebook changed on disk by another program.'} Nothing is saved until you choose.
      </span>
      <button type="button" className="button" onClick={() => (dirty ? setConfirming(true) : onReload())} disabled={state.deleted} title="Take the version on disk">
        Reload
      </button>
      <button type="button" className="button secondary" onClick={onKeepMine} title="Overwrite the file on disk with this editor's version">
        Keep mine
      </button>
    </div>
  );
}
