import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NotificationsModel } from '../../../../app/renderer/workbench/notifications-model';

describe('NotificationsModel', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('hides information after a while, keeps warnings, errors and anything with buttons until closed', () => {
    const m = new NotificationsModel(8000);
    m.notify({ severity: 'info', message: 'Run finished' });
    m.notify({ severity: 'error', message: 'Run failed' });
    m.notify({ severity: 'info', message: 'Connection restored', actions: [{ label: 'OK', run: () => {} }] });
    vi.advanceTimersByTime(7999);
    expect(m.toasts).toHaveLength(3);
    vi.advanceTimersByTime(1);
    expect(m.toasts.map((t) => t.message)).toEqual(['Run failed', 'Connection restored']);
    m.dismissAll();
    expect(m.toasts).toEqual([]);
  });

  it('counts a repeated message instead of stacking it, and restarts its timer', () => {
    const m = new NotificationsModel(1000);
    m.notify({ severity: 'info', message: 'Saved' });
    vi.advanceTimersByTime(900);
    m.notify({ severity: 'info', message: 'Saved' });
    vi.advanceTimersByTime(900);
    expect(m.toasts).toMatchObject([{ message: 'Saved', count: 2 }]);
    vi.advanceTimersByTime(100);
    expect(m.toasts).toEqual([]);
  });

  it('runs a button and closes its toast; keeps at most five, dropping the oldest', () => {
    const m = new NotificationsModel();
    const ran: string[] = [];
    const id = m.notify({ severity: 'error', message: 'x failed', actions: [{ label: 'Show Log', run: () => ran.push('log') }] });
    m.runAction(id, 0);
    expect(ran).toEqual(['log']);
    expect(m.toasts).toEqual([]);
    for (let i = 0; i < 7; i++) m.notify({ severity: 'warning', message: `w${i}` });
    expect(m.toasts.map((t) => t.message)).toEqual(['w2', 'w3', 'w4', 'w5', 'w6']);
    m.dispose();
  });
});
