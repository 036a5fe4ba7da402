import { Emitter, type Event } from '../../../core/util';
import type { ThemeKind, ThemeService } from './services';

export type ThemeChoice = 'system' | 'light' | 'dark';
export const THEME_CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

/**
 * The colour theme: the user's choice (light, dark, or the system's) and what the system
 * prefers now. `current` is the theme in effect; `onDidChange` fires when it changes
 * (Monaco and Plotly follow it), `onDidChangeChoice` when the choice does (it is saved
 * with the layout). The DOM side sets html[data-theme] from `choice`.
 */
export class ThemeModel implements ThemeService {
  private _choice: ThemeChoice = 'system';
  private _version = 0;
  private readonly _onDidChange = new Emitter<ThemeKind>();
  readonly onDidChange: Event<ThemeKind> = this._onDidChange.event;
  private readonly _onDidChangeChoice = new Emitter<ThemeChoice>();
  readonly onDidChangeChoice: Event<ThemeChoice> = this._onDidChangeChoice.event;

  constructor(private systemDark: boolean) {}

  get version(): number {
    return this._version;
  }

  get choice(): ThemeChoice {
    return this._choice;
  }

  get current(): ThemeKind {
    return this._choice === 'system' ? (this.systemDark ? 'dark' : 'light') : this._choice;
  }

  choose(choice: ThemeChoice): void {
    if (choice === this._choice) return;
    const before = this.current;
    this._choice = choice;
    this._version++;
    this._onDidChangeChoice.fire(choice);
    if (this.current !== before) this._onDidChange.fire(this.current);
  }

  /** Light <-> dark (from whatever is in effect, so it always visibly changes). */
  toggle(): void {
    this.choose(this.current === 'dark' ? 'light' : 'dark');
  }

  /** The system's preference changed (prefers-color-scheme). */
  setSystemDark(dark: boolean): void {
    if (dark === this.systemDark) return;
    const before = this.current;
    this.systemDark = dark;
    this._version++;
    if (this.current !== before) this._onDidChange.fire(this.current);
  }

  restore(saved: unknown): void {
    this.choose(THEME_CHOICES.includes(saved as ThemeChoice) ? (saved as ThemeChoice) : 'system');
  }

  dispose(): void {
    this._onDidChange.dispose();
    this._onDidChangeChoice.dispose();
  }
}
