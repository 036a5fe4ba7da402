import { ChangeModel } from './model';

export interface EditorTab {
  /** Workspace-relative path of the file. */
  path: string;
  /** Unsaved edits (the tab shows a dot). */
  dirty: boolean;
}

export interface EditorTabsState {
  open: string[];
  active?: string;
}

/**
 * The editor tabs: one per file, in the order shown, the active one, and the order of
 * recent use. As in VS Code: a file opens to the right of the active tab, closing a tab
 * shows the one used most recently before it, Ctrl+PageDown/Up go by position and
 * Ctrl+Tab by recent use (held Ctrl: each Tab goes one further back; releasing Ctrl
 * settles on the tab reached).
 */
export class EditorTabsModel extends ChangeModel {
  private _tabs: EditorTab[] = [];
  private _active: string | undefined;
  /** Most recently active first. */
  private mru: string[] = [];
  /** While Ctrl is held after Ctrl+Tab: the recent-use order when it started and where we are in it. */
  private recentNav: { order: string[]; index: number } | undefined;

  get tabs(): readonly EditorTab[] {
    return this._tabs;
  }

  get active(): string | undefined {
    return this._active;
  }

  get activeIndex(): number {
    return this._tabs.findIndex((t) => t.path === this._active);
  }

  has(path: string): boolean {
    return this._tabs.some((t) => t.path === path);
  }

  /** Opens a tab for the file (or shows its tab when it is open). */
  open(path: string): void {
    if (!this.has(path)) {
      const at = this.activeIndex;
      this._tabs.splice(at < 0 ? this._tabs.length : at + 1, 0, { path, dirty: false });
      this._tabs = [...this._tabs];
    }
    this.setActive(path);
    this.changed();
  }

  activate(path: string): void {
    if (!this.has(path) || this._active === path) return;
    this.setActive(path);
    this.changed();
  }

  close(path: string): void {
    const index = this._tabs.findIndex((t) => t.path === path);
    if (index < 0) return;
    this._tabs = this._tabs.filter((t) => t.path !== path);
    this.mru = this.mru.filter((p) => p !== path);
    this.recentNav = undefined;
    if (this._active === path) this._active = this.mru[0];
    this.changed();
  }

  closeActive(): void {
    if (this._active) this.close(this._active);
  }

  closeOthers(path: string): void {
    if (!this.has(path)) return;
    this._tabs = this._tabs.filter((t) => t.path === path);
    this.mru = [path];
    this._active = path;
    this.recentNav = undefined;
    this.changed();
  }

  closeAll(): void {
    if (!this._tabs.length) return;
    this._tabs = [];
    this.mru = [];
    this._active = undefined;
    this.recentNav = undefined;
    this.changed();
  }

  /** The next tab to the right (`step` 1) or left (-1), wrapping round. */
  activateByPosition(step: 1 | -1): void {
    const n = this._tabs.length;
    if (n < 2) return;
    const i = this.activeIndex;
    this.activate(this._tabs[(((i + step) % n) + n) % n].path);
  }

  /** Ctrl+Tab: one step further back in recent use (Ctrl+Shift+Tab: forward), without reordering until `endRecentNavigation`. */
  navigateRecent(step: 1 | -1 = 1): void {
    if (this.mru.length < 2) return;
    if (!this.recentNav) this.recentNav = { order: [...this.mru], index: 0 };
    const { order } = this.recentNav;
    this.recentNav.index = (((this.recentNav.index + step) % order.length) + order.length) % order.length;
    this._active = order[this.recentNav.index];
    this.changed();
  }

  /** Ctrl released: the tab reached becomes the most recent. */
  endRecentNavigation(): void {
    if (!this.recentNav) return;
    this.recentNav = undefined;
    if (this._active) this.setActive(this._active);
    this.changed();
  }

  get navigatingRecent(): boolean {
    return this.recentNav !== undefined;
  }

  setDirty(path: string, dirty: boolean): void {
    const tab = this._tabs.find((t) => t.path === path);
    if (!tab || tab.dirty === dirty) return;
    this._tabs = this._tabs.map((t) => (t.path === path ? { ...t, dirty } : t));
    this.changed();
  }

  /** Moves a tab to another position (drag and drop). */
  move(path: string, toIndex: number): void {
    const from = this._tabs.findIndex((t) => t.path === path);
    if (from < 0) return;
    const to = Math.max(0, Math.min(this._tabs.length - 1, toIndex));
    if (from === to) return;
    const tabs = [...this._tabs];
    const [tab] = tabs.splice(from, 1);
    tabs.splice(to, 0, tab);
    this._tabs = tabs;
    this.changed();
  }

  /** Renames a tab's file (keeps its place and state). */
  rename(from: string, to: string): void {
    if (!this.has(from) || this.has(to)) return;
    this._tabs = this._tabs.map((t) => (t.path === from ? { ...t, path: to } : t));
    this.mru = this.mru.map((p) => (p === from ? to : p));
    if (this._active === from) this._active = to;
    this.changed();
  }

  toJSON(): EditorTabsState {
    return { open: this._tabs.map((t) => t.path), ...(this._active ? { active: this._active } : {}) };
  }

  /** Reopens saved tabs (strings only, each once); the active one, else the first. */
  restore(saved: unknown): void {
    const o = typeof saved === 'object' && saved !== null ? (saved as Record<string, unknown>) : {};
    const open = Array.isArray(o.open) ? [...new Set(o.open.filter((p): p is string => typeof p === 'string' && p.length > 0))] : [];
    this._tabs = open.map((path) => ({ path, dirty: false }));
    const active = typeof o.active === 'string' && open.includes(o.active) ? o.active : open[0];
    this.mru = active ? [active, ...open.filter((p) => p !== active)] : [];
    this._active = active;
    this.recentNav = undefined;
    this.changed();
  }

  private setActive(path: string): void {
    this._active = path;
    this.mru = [path, ...this.mru.filter((p) => p !== path)];
  }
}
