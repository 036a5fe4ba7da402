import type { ApiClient } from '../../common/api';

/** What the workbench keeps per workspace between launches (`ui.getState` / `ui.setState`). */
export interface SavedUiState {
  version: 1;
  layout: unknown;
  theme: unknown;
  editors: unknown;
  collapsedFolders: unknown;
  /** The run whose log the panel showed, when the user chose it. */
  logRun?: unknown;
  /** Command ids, most recently run first (the palette lists them on top). */
  recentCommands?: unknown;
  /** Files opened through Quick Open or the tree, most recent first. */
  recentFiles?: unknown;
  /** Views' own state by view id (WorkbenchServices.viewState). */
  views?: unknown;
}

/**
 * Saves the workbench's state a moment after it changes (a drag of a sash changes it
 * many times a second; one save follows the last change), and never before the saved
 * state has been read and applied: defaults must not overwrite it.
 */
export class UiStatePersistence {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private restored = false;
  private lastSaved: string | undefined;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly api: ApiClient,
    private readonly snapshot: () => SavedUiState,
    private readonly delayMs = 400,
    private readonly onError: (e: Error) => void = (e) => console.warn(`reclab: the layout could not be saved: ${e.message}`),
  ) {}

  /** Reads the saved state (an empty object on a first launch or when it cannot be read). */
  async load(): Promise<Record<string, unknown>> {
    try {
      const state = await this.api.call('ui.getState', {});
      this.lastSaved = JSON.stringify(state);
      return state;
    } catch (e) {
      this.onError(e as Error);
      return {};
    }
  }

  /** The saved state is applied: saves may start. */
  markRestored(): void {
    this.restored = true;
  }

  /** Something changed: save after a quiet moment. */
  schedule(): void {
    if (!this.restored) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), this.delayMs);
  }

  /**
   * Saves now if anything changed since the last save. `leaving`: the page is going away,
   * so the request starts at once instead of after a save still on its way.
   */
  flush(leaving = false): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.restored) return this.saving;
    const state = this.snapshot();
    const text = JSON.stringify(state);
    if (text === this.lastSaved) return this.saving;
    this.lastSaved = text;
    const save = () => this.api.call('ui.setState', { state: state as unknown as Record<string, unknown> });
    this.saving = (leaving ? save() : this.saving.then(save)).then(
        () => undefined,
        (e: Error) => {
          this.lastSaved = undefined;
          this.onError(e);
        },
      );
    return this.saving;
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}
