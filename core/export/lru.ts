/**
 * A small least-recently-used cache whose evicted values are handed to `onEvict` (to
 * dispose tensors, say). Values may be promises: a load in flight is shared by every caller.
 */
export class LruCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(
    private readonly capacity: number,
    private readonly onEvict: (value: V, key: K) => void = () => {},
  ) {}

  get size(): number {
    return this.entries.size;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** The value (now the most recently used), or undefined. */
  get(key: K): V | undefined {
    const v = this.entries.get(key);
    if (v === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, v);
    return v;
  }

  /** Stores a value, evicting the least recently used beyond capacity. */
  set(key: K, value: V): void {
    const old = this.entries.get(key);
    this.entries.delete(key);
    if (old !== undefined && old !== value) this.onEvict(old, key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) {
      const [k, v] = this.entries.entries().next().value as [K, V];
      this.entries.delete(k);
      this.onEvict(v, k);
    }
  }

  /** The cached value, or `make()`'s (stored). */
  getOrCreate(key: K, make: () => V): V {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const v = make();
    this.set(key, v);
    return v;
  }

  delete(key: K): void {
    const v = this.entries.get(key);
    if (v === undefined) return;
    this.entries.delete(key);
    this.onEvict(v, key);
  }

  clear(): void {
    for (const [k, v] of [...this.entries]) {
      this.entries.delete(k);
      this.onEvict(v, k);
    }
  }
}
