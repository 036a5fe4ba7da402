// TEMPORARY (wip-notebook): minimal stand-ins for the shell's services so the notebook
// editor can be mounted and tested before the shell (branch wip-shell) lands. Delete this
// file when app.tsx mounts the editor inside the shell.
import { Emitter, toDisposable } from '../../../core/util';
import type { ApiClient } from '../../common/api';
import type { Command, CommandRegistry, Notification, Problem, ProblemsService, ThemeKind, ThemeService, WorkbenchServices } from './services';

class TemporaryCommands implements CommandRegistry {
  private readonly commands = new Map<string, Command>();
  private readonly _onDidChange = new Emitter<void>();
  readonly onDidChange = this._onDidChange.event;
  register(command: Command) {
    this.commands.set(command.id, command);
    this._onDidChange.fire();
    return toDisposable(() => {
      if (this.commands.get(command.id) === command) this.commands.delete(command.id);
      this._onDidChange.fire();
    });
  }
  async execute(id: string) {
    const c = this.commands.get(id);
    if (c && (!c.when || c.when())) await c.run();
  }
  list() {
    return [...this.commands.values()];
  }
}

class TemporaryProblems implements ProblemsService {
  private readonly byKey = new Map<string, Problem[]>();
  private readonly _onDidChange = new Emitter<void>();
  readonly onDidChange = this._onDidChange.event;
  private readonly _onDidReveal = new Emitter<Problem>();
  readonly onDidReveal = this._onDidReveal.event;
  private snapshot: readonly Problem[] = [];
  set(owner: string, resource: string, problems: Problem[]) {
    this.byKey.set(`${owner}\n${resource}`, problems);
    this.snapshot = [...this.byKey.values()].flat();
    this._onDidChange.fire();
  }
  all() {
    return this.snapshot;
  }
  reveal(problem: Problem) {
    this._onDidReveal.fire(problem);
  }
}

class TemporaryTheme implements ThemeService {
  private readonly query = window.matchMedia('(prefers-color-scheme: dark)');
  private readonly _onDidChange = new Emitter<ThemeKind>();
  readonly onDidChange = this._onDidChange.event;
  constructor() {
    this.query.addEventListener('change', () => this._onDidChange.fire(this.current));
  }
  get current(): ThemeKind {
    const chosen = document.documentElement.dataset.theme;
    if (chosen === 'light' || chosen === 'dark') return chosen;
    return this.query.matches ? 'dark' : 'light';
  }
}

export interface TemporaryServices extends WorkbenchServices {
  notifications: Emitter<Notification>;
}

export function createTemporaryServices(api: ApiClient, openEditor: (path: string) => void): TemporaryServices {
  const notifications = new Emitter<Notification>();
  return {
    api,
    commands: new TemporaryCommands(),
    problems: new TemporaryProblems(),
    theme: new TemporaryTheme(),
    notify: (n) => notifications.fire(n),
    openEditor,
    notifications,
  };
}
