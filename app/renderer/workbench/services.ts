import type { ApiClient } from '../../common/api';
import type { Disposable, Event } from '../../../core/util';

/**
 * What the workbench shell offers the editors and views inside it (the notebook editor,
 * later the runs explorer and compare view). Plain TypeScript interfaces: the shell
 * implements them, the parts use them, and tests can give a part its own.
 */

/** Something the user can do: in the command palette, and on a key when it has one. */
export interface Command {
  /** Stable id, e.g. `notebook.runAll`. */
  id: string;
  /** As the palette shows it: `Notebook: Run All`. */
  title: string;
  /** VS Code's notation: `Ctrl+Shift+P`, `Shift+Enter`, `Alt+Enter` (Ctrl means Cmd on macOS). */
  keybinding?: string;
  /** Whether the command applies now (its key does nothing and the palette greys it out otherwise). */
  when?: () => boolean;
  /**
   * Whether its key works while focus is in text (an input, a Monaco cell). Default: yes
   * for keys with Ctrl/Cmd or Alt (or F1-F12), except the text-editing ones (Ctrl+Z, Y,
   * A, C, V, X); no for other keys, which go to the text. In the palette's input only keys
   * with Ctrl/Cmd or Alt are dispatched.
   */
  inText?: boolean;
  run(): void | Promise<void>;
}

export interface CommandRegistry {
  register(command: Command): Disposable;
  execute(id: string): Promise<void>;
  list(): readonly Command[];
  readonly onDidChange: Event<void>;
}

/** One error or warning for the problems panel. */
export interface Problem {
  /** Who reported it (`notebook`, `run`): each owner replaces its own list. */
  owner: string;
  /** The file it is in (workspace-relative). */
  resource: string;
  /** For notebooks: the cell and its position (1-based), for "go to". */
  cellId?: string;
  cellIndex?: number;
  line?: number;
  column?: number;
  severity: 'error' | 'warning' | 'info';
  message: string;
}

export interface ProblemsService {
  /** Replaces what `owner` reported for `resource`. */
  set(owner: string, resource: string, problems: Problem[]): void;
  all(): readonly Problem[];
  readonly onDidChange: Event<void>;
  /** Asks whoever shows `problem.resource` to reveal it (the notebook editor focuses the cell). */
  reveal(problem: Problem): void;
  readonly onDidReveal: Event<Problem>;
  /**
   * The reveal asked for `resource` before its editor was ready to hear it (revealing a
   * problem opens its file first), taken once: an editor calls it when it has loaded.
   */
  takePendingReveal?(resource: string): Problem | undefined;
}

export interface Notification {
  severity: 'info' | 'warning' | 'error';
  message: string;
  /** Buttons; the notification closes after one is chosen. */
  actions?: { label: string; run(): void }[];
}

export type ThemeKind = 'light' | 'dark';

export interface ThemeService {
  readonly current: ThemeKind;
  readonly onDidChange: Event<ThemeKind>;
}

/** The services a part of the workbench gets from the shell. */
export interface WorkbenchServices {
  api: ApiClient;
  commands: CommandRegistry;
  problems: ProblemsService;
  theme: ThemeService;
  notify(n: Notification): void;
  /** Opens (or focuses) the editor tab of a workspace file. */
  openEditor(path: string): void;
  /** What a view keeps per workspace between launches (the runs explorer's columns), by view id. */
  viewState: ViewStateService;
}

export interface ViewStateService {
  get(viewId: string): unknown;
  /** Kept with the workbench's layout (saved a moment later). */
  set(viewId: string, state: unknown): void;
}
