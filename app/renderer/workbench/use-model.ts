import { useCallback, useSyncExternalStore } from 'react';
import type { Event } from '../../../core/util';

/** A model a component renders: a version that moves on every change, and the event that says so. */
export interface Observable {
  readonly version: number;
  readonly onDidChange: Event<any>;
}

/** Re-renders the component whenever one of the models changes (through useSyncExternalStore, so no change is missed between render and subscription). */
export function useModels(...models: Observable[]): void {
  const subscribe = useCallback(
    (onChange: () => void) => {
      const subs = models.map((m) => m.onDidChange(onChange));
      return () => subs.forEach((s) => s.dispose());
    },
    // The models themselves are the dependencies (compared one by one).
    models,
  );
  const snapshot = useCallback(() => models.map((m) => m.version).join(','), models);
  useSyncExternalStore(subscribe, snapshot);
}
