import { Emitter, toDisposable, type Disposable, type Event } from '../../../core/util';
import type { Command, CommandRegistry } from './services';

/**
 * Every command of the workbench by id: the shell's own and those the editors register
 * while they live. A second command with a taken id is refused (a bug, not user input).
 * Executing one that does not apply now, or that throws, reports through `onError`
 * rather than failing the key press or the palette.
 */
export class CommandService implements CommandRegistry {
  private readonly commands = new Map<string, Command>();
  private readonly _onDidChange = new Emitter<void>();
  readonly onDidChange: Event<void> = this._onDidChange.event;
  private readonly _onDidExecute = new Emitter<string>();
  /** A command ran (the palette keeps the recently used on top). */
  readonly onDidExecute: Event<string> = this._onDidExecute.event;

  constructor(private readonly onError: (commandId: string, error: unknown) => void = (id, e) => console.error(`command ${id} failed`, e)) {}

  register(command: Command): Disposable {
    if (this.commands.has(command.id)) throw new Error(`Command '${command.id}' is already registered.`);
    this.commands.set(command.id, command);
    this._onDidChange.fire();
    return toDisposable(() => {
      if (this.commands.get(command.id) !== command) return;
      this.commands.delete(command.id);
      this._onDidChange.fire();
    });
  }

  get(id: string): Command | undefined {
    return this.commands.get(id);
  }

  /** Whether the command exists and applies now. */
  isEnabled(id: string): boolean {
    const c = this.commands.get(id);
    return !!c && isEnabled(c);
  }

  async execute(id: string): Promise<void> {
    const command = this.commands.get(id);
    if (!command) {
      this.onError(id, new Error(`There is no command '${id}'.`));
      return;
    }
    if (!isEnabled(command)) return;
    this._onDidExecute.fire(id);
    try {
      await command.run();
    } catch (e) {
      this.onError(id, e);
    }
  }

  list(): readonly Command[] {
    return [...this.commands.values()];
  }

  dispose(): void {
    this.commands.clear();
    this._onDidChange.dispose();
    this._onDidExecute.dispose();
  }
}

export function isEnabled(command: Command): boolean {
  try {
    return command.when ? command.when() : true;
  } catch {
    return false;
  }
}
