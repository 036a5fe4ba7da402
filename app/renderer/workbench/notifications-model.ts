import { ChangeModel } from './model';
import type { Notification } from './services';

export interface Toast extends Notification {
  id: number;
  /** How many times the same message came while shown (VS Code folds repeats). */
  count: number;
}

/** Information without buttons hides itself after this long; warnings and errors stay until closed. */
export const INFO_TIMEOUT_MS = 8000;
const MAX_TOASTS = 5;

/**
 * The notifications at the bottom right: newest at the bottom, at most a few (the oldest
 * goes), a repeat of a shown message counted rather than stacked.
 */
export class NotificationsModel extends ChangeModel {
  private _toasts: Toast[] = [];
  private nextId = 1;
  private readonly timers = new Map<number, ReturnType<typeof setTimeout>>();

  constructor(private readonly timeoutMs = INFO_TIMEOUT_MS) {
    super();
  }

  get toasts(): readonly Toast[] {
    return this._toasts;
  }

  notify(n: Notification): number {
    const same = this._toasts.find((t) => t.message === n.message && t.severity === n.severity);
    if (same) {
      this._toasts = this._toasts.map((t) => (t === same ? { ...t, count: t.count + 1 } : t));
      this.schedule(same.id, n);
      this.changed();
      return same.id;
    }
    const toast: Toast = { ...n, id: this.nextId++, count: 1 };
    this._toasts = [...this._toasts, toast];
    while (this._toasts.length > MAX_TOASTS) this.remove(this._toasts[0].id);
    this.schedule(toast.id, n);
    this.changed();
    return toast.id;
  }

  dismiss(id: number): void {
    if (this.remove(id)) this.changed();
  }

  dismissAll(): void {
    if (!this._toasts.length) return;
    for (const t of [...this._toasts]) this.remove(t.id);
    this.changed();
  }

  /** Runs a toast's button and closes it. */
  runAction(id: number, index: number): void {
    const action = this._toasts.find((t) => t.id === id)?.actions?.[index];
    this.dismiss(id);
    action?.run();
  }

  private schedule(id: number, n: Notification): void {
    clearTimeout(this.timers.get(id));
    if (n.severity !== 'info' || n.actions?.length) return;
    this.timers.set(
      id,
      setTimeout(() => this.dismiss(id), this.timeoutMs),
    );
  }

  private remove(id: number): boolean {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    const before = this._toasts.length;
    this._toasts = this._toasts.filter((t) => t.id !== id);
    return this._toasts.length !== before;
  }

  override dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    super.dispose();
  }
}
