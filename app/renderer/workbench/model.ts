import { Emitter, type Disposable, type Event } from '../../../core/util';

/**
 * The base of the workbench's plain TypeScript models: state that changes, one event
 * that says so, and a version number React's `useSyncExternalStore` can compare
 * (components read the model's getters when the version moves).
 */
export abstract class ChangeModel implements Disposable {
  private readonly _onDidChange = new Emitter<void>();
  readonly onDidChange: Event<void> = this._onDidChange.event;
  private _version = 0;
  protected readonly disposables: Disposable[] = [];

  get version(): number {
    return this._version;
  }

  protected changed(): void {
    this._version++;
    this._onDidChange.fire();
  }

  dispose(): void {
    for (const d of this.disposables.splice(0).reverse()) d.dispose();
    this._onDidChange.dispose();
  }
}
