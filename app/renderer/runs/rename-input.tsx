import { useRef, useState } from 'react';
import type { WorkbenchServices } from '../workbench/services';

/**
 * The box a run is renamed in (F2 on the run page and in the explorer): Enter or leaving it
 * saves, Escape keeps the old name; an empty or unchanged name saves nothing. `onDone`
 * is told either way, after the rename was asked for.
 */
export function RenameInput({ services, run, onDone, className }: { services: WorkbenchServices; run: { id: string; name: string }; onDone(): void; className: string }) {
  const [value, setValue] = useState(run.name);
  // Enter saves and unmounts the box, whose blur must not save a second time.
  const settled = useRef(false);
  const finish = async (save: boolean) => {
    if (settled.current) return;
    settled.current = true;
    const name = value.trim();
    if (save && name && name !== run.name) {
      try {
        await services.api.call('runs.rename', { runId: run.id, name });
      } catch (e) {
        services.notify({ severity: 'error', message: `Could not rename the run: ${(e as Error).message}` });
      }
    }
    onDone();
  };
  return (
    <input
      className={className}
      aria-label="Run name"
      autoFocus
      onFocus={(e) => e.target.select()}
      value={value}
      maxLength={200}
      onChange={(e) => setValue(e.target.value)}
      onBlur={() => void finish(true)}
      onClick={(e) => e.stopPropagation()}
      onDoubleClick={(e) => e.stopPropagation()}
      onKeyDown={(e) => {
        if (e.key === 'Enter') void finish(true);
        else if (e.key === 'Escape') {
          // The explorer would clear its selection on Escape as well.
          e.stopPropagation();
          void finish(false);
        }
      }}
    />
  );
}
