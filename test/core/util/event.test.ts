import { describe, expect, it } from 'vitest';
import { DisposableStore, Emitter, toDisposable } from '../../../core/util';

describe('Emitter', () => {
  it('delivers to each subscription until it is disposed, and a throwing listener does not stop the others', () => {
    const errors: unknown[] = [];
    const em = new Emitter<number>((e) => errors.push(e));
    const a: number[] = [];
    const b: number[] = [];
    const l = (n: number) => a.push(n);
    const s1 = em.event(l);
    const s2 = em.event(l);
    em.event(() => {
      throw new Error('boom');
    });
    em.event((n) => b.push(n));
    em.fire(1);
    s1.dispose();
    em.fire(2);
    s2.dispose();
    s2.dispose();
    em.fire(3);
    expect(a).toEqual([1, 1, 2]);
    expect(b).toEqual([1, 2, 3]);
    expect(errors).toHaveLength(3);
    em.dispose();
    expect(em.listenerCount).toBe(0);
  });

  it('DisposableStore disposes in reverse order, once; items added after dispose are disposed at once', () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.add(toDisposable(() => order.push('a')));
    store.add(toDisposable(() => order.push('b')));
    store.dispose();
    store.dispose();
    store.add(toDisposable(() => order.push('late')));
    expect(order).toEqual(['b', 'a', 'late']);
  });
});
