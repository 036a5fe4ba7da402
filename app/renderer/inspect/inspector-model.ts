import type { RunInspection, UserInspection, UserSearchResult } from '../../../core/export';
import type { ApiClient } from '../../common/api';
import { ChangeModel } from '../workbench/model';

/** Users listed per search (the list is a window on the run's users; typing narrows it). */
export const USER_PAGE = 200;

/** One run's side of the inspector: what it offers, and the chosen user's lists. */
export interface InspectedRun {
  runId: string;
  run?: RunInspection;
  user?: UserInspection;
  error?: string;
  loading: boolean;
}

/** Items recommended by both runs to the user (the side-by-side view marks them). */
export function overlapOf(a: UserInspection | undefined, b: UserInspection | undefined): Set<string> {
  if (!a || !b) return new Set();
  const other = new Set(b.recommendations.map((r) => r.item));
  return new Set(a.recommendations.map((r) => r.item).filter((i) => other.has(i)));
}

/**
 * The recommendations inspector without its DOM: the run (and an optional second run for
 * the same user), the user search with a keyboard cursor, and the chosen user's history
 * and top-K from the host. Replies older than the latest request are dropped, so typing
 * fast never shows a stale list.
 */
export class InspectorModel extends ChangeModel {
  readonly main: InspectedRun;
  private _second: InspectedRun | undefined;
  private _query = '';
  private _users: UserSearchResult | undefined;
  private _usersError: string | undefined;
  private _cursor = 0;
  private _user: string | undefined;
  private _k = 10;
  private searchGen = 0;
  private userGen = 0;
  /** The latest search, until it answers. */
  private searching: Promise<void> | undefined;

  constructor(
    private readonly api: ApiClient,
    runId: string,
  ) {
    super();
    this.main = { runId, loading: true };
  }

  get second(): InspectedRun | undefined {
    return this._second;
  }
  get query(): string {
    return this._query;
  }
  get users(): UserSearchResult | undefined {
    return this._users;
  }
  get usersError(): string | undefined {
    return this._usersError;
  }
  get cursor(): number {
    return this._cursor;
  }
  get user(): string | undefined {
    return this._user;
  }
  get k(): number {
    return this._k;
  }
  get overlap(): Set<string> {
    return overlapOf(this.main.user, this._second?.user);
  }

  /** Reads the run, lists its first users and shows the first of them. */
  async load(): Promise<void> {
    try {
      this.main.run = await this.api.call('inspect.run', { runId: this.main.runId });
    } catch (e) {
      this.main.error = (e as Error).message;
    }
    this.main.loading = false;
    this.changed();
    if (!this.main.run) return;
    await this.search('');
    // The first user shows unless the user typed (or chose) one meanwhile.
    const first = this._users?.users[0];
    if (first && !this._user && this._query === '') await this.select(first.id);
  }

  search(query: string): Promise<void> {
    this.searching = this.runSearch(query);
    return this.searching;
  }

  private async runSearch(query: string): Promise<void> {
    this._query = query;
    this.changed();
    const gen = ++this.searchGen;
    try {
      const users = await this.api.call('inspect.users', { runId: this.main.runId, query: query.trim(), offset: 0, limit: USER_PAGE });
      if (gen !== this.searchGen) return;
      this._users = users;
      this._usersError = undefined;
      // An exact id typed puts the cursor on it.
      const exact = users.users.findIndex((u) => u.id === query.trim());
      this._cursor = Math.max(0, exact);
    } catch (e) {
      if (gen !== this.searchGen) return;
      this._usersError = (e as Error).message;
    }
    this.changed();
  }

  /** Moves the list's cursor by `delta` rows (arrows, Page Up/Down), within the list. */
  moveCursor(delta: number): void {
    const n = this._users?.users.length ?? 0;
    if (!n) return;
    this._cursor = Math.min(n - 1, Math.max(0, this._cursor + delta));
    this.changed();
  }

  setCursor(index: number): void {
    this._cursor = index;
    this.changed();
  }

  /** Shows the user under the cursor, once the list answers what was typed (Enter right after typing picks from the new list). */
  async selectCursor(): Promise<void> {
    let pending: Promise<void> | undefined;
    while (pending !== this.searching) {
      pending = this.searching;
      await pending;
    }
    const u = this._users?.users[this._cursor];
    if (u) await this.select(u.id);
  }

  async select(user: string): Promise<void> {
    this._user = user;
    const idx = this._users?.users.findIndex((u) => u.id === user) ?? -1;
    if (idx >= 0) this._cursor = idx;
    await this.reloadUser();
  }

  async setK(k: number): Promise<void> {
    if (!Number.isInteger(k) || k < 1 || k > 1000 || k === this._k) return;
    this._k = k;
    await this.reloadUser();
  }

  /** Puts a second run beside the first for the same user (undefined removes it). */
  async setSecond(runId: string | undefined): Promise<void> {
    if (!runId || runId === this.main.runId) {
      this._second = undefined;
      this.changed();
      return;
    }
    const side: InspectedRun = { runId, loading: true };
    this._second = side;
    this.changed();
    try {
      side.run = await this.api.call('inspect.run', { runId });
    } catch (e) {
      side.error = (e as Error).message;
    }
    if (this._second !== side) return;
    if (side.run && this._user) await this.loadSide(side, this._user, this.userGen);
    side.loading = false;
    this.changed();
  }

  private async reloadUser(): Promise<void> {
    const user = this._user;
    if (!user) return;
    const gen = ++this.userGen;
    const sides = [this.main, ...(this._second?.run ? [this._second] : [])];
    for (const s of sides) s.loading = true;
    this.changed();
    await Promise.all(sides.map((s) => this.loadSide(s, user, gen)));
    if (gen !== this.userGen) return;
    for (const s of sides) s.loading = false;
    this.changed();
  }

  private async loadSide(side: InspectedRun, user: string, gen: number): Promise<void> {
    try {
      const r = await this.api.call('inspect.user', { runId: side.runId, user, k: this._k, historyLimit: 200 });
      if (gen !== this.userGen) return;
      side.user = r;
      side.error = undefined;
    } catch (e) {
      if (gen !== this.userGen) return;
      side.user = undefined;
      // A user the second run does not know (another split or dataset) is said, not thrown.
      side.error = (e as Error).message;
    }
  }
}
