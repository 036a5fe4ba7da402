import { ChangeModel } from './model';

/**
 * A value read from the host that a view shows: absent until the first reply, with
 * `loading` and the last `error` (its message says what to do), refreshed on demand.
 * Concurrent refreshes share one request; a reply older than the latest is dropped.
 */
export class ResourceModel<T> extends ChangeModel {
  private _value: T | undefined;
  private _loading = false;
  private _error: string | undefined;
  private inflight: Promise<void> | undefined;
  private generation = 0;

  constructor(private readonly load: () => Promise<T>) {
    super();
  }

  get value(): T | undefined {
    return this._value;
  }

  get loading(): boolean {
    return this._loading;
  }

  get error(): string | undefined {
    return this._error;
  }

  refresh(): Promise<void> {
    if (this.inflight) return this.inflight;
    const gen = ++this.generation;
    this._loading = true;
    this.changed();
    this.inflight = this.load().then(
      (v) => {
        if (gen !== this.generation) return;
        this._value = v;
        this._error = undefined;
      },
      (e: Error) => {
        if (gen === this.generation) this._error = e.message;
      },
    );
    return this.inflight.finally(() => {
      this.inflight = undefined;
      this._loading = false;
      this.changed();
    });
  }

  /** Sets the value without asking the host (after a call that returned it). */
  set(value: T): void {
    this.generation++;
    this._value = value;
    this._error = undefined;
    this.changed();
  }
}
