import { ChangeModel } from './model';

/** One row of a quick pick. */
export interface QuickPickItem {
  id: string;
  label: string;
  /** Greyed text after the label (a folder, a command's category). */
  description?: string;
  /** Codicon name without the `codicon-` prefix. */
  icon?: string;
  /** Key caps at the right (`['Ctrl', 'Shift', 'P']`). */
  keys?: string[];
  /** Matched characters of the label and description, for highlighting. */
  labelMatches?: number[];
  descriptionMatches?: number[];
  /** A group title drawn above this row (`recently used`, `other commands`). */
  separator?: string;
  /** Shown, but cannot be chosen (a command that does not apply now). */
  disabled?: boolean;
}

export interface PickOptions<T extends QuickPickItem> {
  placeholder: string;
  /** Text already in the box (the palette's `>`). */
  value?: string;
  /** The rows for what is typed: filtered and ordered by the caller. */
  items(value: string): T[];
  /** Shown when nothing matches. */
  emptyText?: string;
}

export interface InputOptions {
  /** What to type (`Name of the new notebook`), shown under the box. */
  prompt: string;
  placeholder?: string;
  value?: string;
  /** A message when the value cannot be accepted (Enter does nothing then). */
  validate?(value: string): string | undefined;
}

type Pending = { kind: 'pick'; options: PickOptions<QuickPickItem>; resolve(item: QuickPickItem | undefined): void } | { kind: 'input'; options: InputOptions; resolve(value: string | undefined): void };

/**
 * VS Code's quick input: one box at the top of the window that is the command palette,
 * Quick Open, a pick among choices, or an input box. `showPick` and `showInput` resolve
 * with the choice, or undefined when dismissed; a new request dismisses the open one.
 */
export class QuickInputModel extends ChangeModel {
  private pending: Pending | undefined;
  private _value = '';
  private _items: QuickPickItem[] = [];
  private _active = 0;
  private _validation: string | undefined;

  get visible(): boolean {
    return this.pending !== undefined;
  }

  get mode(): 'pick' | 'input' | undefined {
    return this.pending?.kind;
  }

  get value(): string {
    return this._value;
  }

  get items(): readonly QuickPickItem[] {
    return this._items;
  }

  get activeIndex(): number {
    return this._active;
  }

  get placeholder(): string {
    return this.pending?.kind === 'pick' ? this.pending.options.placeholder : (this.pending?.options.placeholder ?? '');
  }

  get prompt(): string | undefined {
    return this.pending?.kind === 'input' ? this.pending.options.prompt : undefined;
  }

  get emptyText(): string {
    return this.pending?.kind === 'pick' ? (this.pending.options.emptyText ?? 'No matching results') : '';
  }

  get validation(): string | undefined {
    return this._validation;
  }

  showPick<T extends QuickPickItem>(options: PickOptions<T>): Promise<T | undefined> {
    this.dismiss();
    return new Promise<T | undefined>((resolve) => {
      this.pending = { kind: 'pick', options: options as PickOptions<QuickPickItem>, resolve: resolve as (i: QuickPickItem | undefined) => void };
      this._value = options.value ?? '';
      this.recompute();
      this.changed();
    });
  }

  showInput(options: InputOptions): Promise<string | undefined> {
    this.dismiss();
    return new Promise<string | undefined>((resolve) => {
      this.pending = { kind: 'input', options, resolve };
      this._value = options.value ?? '';
      this._items = [];
      this._validation = options.validate?.(this._value);
      this.changed();
    });
  }

  setValue(value: string): void {
    if (!this.pending || value === this._value) return;
    this._value = value;
    if (this.pending.kind === 'pick') this.recompute();
    else this._validation = this.pending.options.validate?.(value);
    this.changed();
  }

  /** Moves the highlight (arrow keys), wrapping round; disabled rows can be highlighted. */
  move(delta: number): void {
    const n = this._items.length;
    if (!n) return;
    this._active = (((this._active + delta) % n) + n) % n;
    this.changed();
  }

  /** Page Up/Down and Home/End: moves without wrapping. */
  moveClamped(delta: number): void {
    const n = this._items.length;
    if (!n) return;
    this._active = Math.max(0, Math.min(n - 1, this._active + delta));
    this.changed();
  }

  setActive(index: number): void {
    if (index < 0 || index >= this._items.length || index === this._active) return;
    this._active = index;
    this.changed();
  }

  /** Enter (or a click on row `index`): resolves with the highlighted row, or the typed value; false when refused. */
  accept(index = this._active): boolean {
    const p = this.pending;
    if (!p) return false;
    if (p.kind === 'pick') {
      const item = this._items[index];
      if (!item || item.disabled) return false;
      this.close();
      p.resolve(item);
      return true;
    }
    const message = p.options.validate?.(this._value);
    if (message) {
      this._validation = message;
      this.changed();
      return false;
    }
    const value = this._value;
    this.close();
    p.resolve(value);
    return true;
  }

  /** Escape, or focus leaving the box. */
  dismiss(): void {
    const p = this.pending;
    if (!p) return;
    this.close();
    p.resolve(undefined);
  }

  private close(): void {
    this.pending = undefined;
    this._items = [];
    this._value = '';
    this._active = 0;
    this._validation = undefined;
    this.changed();
  }

  private recompute(): void {
    if (this.pending?.kind !== 'pick') return;
    this._items = this.pending.options.items(this._value);
    // The first row that can be chosen is highlighted, as typing narrows the list.
    const first = this._items.findIndex((i) => !i.disabled);
    this._active = first < 0 ? 0 : first;
  }
}
