import { describe, expect, it } from 'vitest';
import { CommandService } from '../../../../app/renderer/workbench/commands';

describe('CommandService', () => {
  it('refuses a second command with a taken id, and a disposed registration frees it', () => {
    const c = new CommandService();
    const first = c.register({ id: 'x', title: 'X', run: () => {} });
    expect(() => c.register({ id: 'x', title: 'X again', run: () => {} })).toThrow(/'x' is already registered/);
    first.dispose();
    const second = c.register({ id: 'x', title: 'X again', run: () => {} });
    // Disposing the old registration again does not remove the new one.
    first.dispose();
    expect(c.get('x')?.title).toBe('X again');
    second.dispose();
    expect(c.list()).toEqual([]);
  });

  it('runs only commands that apply now, reports failures instead of throwing, and tells what ran', async () => {
    const errors: [string, string][] = [];
    const c = new CommandService((id, e) => errors.push([id, (e as Error).message]));
    const ran: string[] = [];
    const executed: string[] = [];
    c.onDidExecute((id) => executed.push(id));
    let enabled = false;
    c.register({ id: 'gated', title: 'Gated', when: () => enabled, run: () => void ran.push('gated') });
    c.register({ id: 'boom', title: 'Boom', run: async () => Promise.reject(new Error('disk full')) });
    await c.execute('gated');
    enabled = true;
    await c.execute('gated');
    await c.execute('boom');
    await c.execute('missing');
    expect(ran).toEqual(['gated']);
    expect(executed).toEqual(['gated', 'boom']);
    expect(errors).toEqual([
      ['boom', 'disk full'],
      ['missing', "There is no command 'missing'."],
    ]);
    expect(c.isEnabled('gated')).toBe(true);
  });

  it('fires onDidChange when commands come and go', () => {
    const c = new CommandService();
    let changes = 0;
    c.onDidChange(() => changes++);
    c.register({ id: 'a', title: 'A', run: () => {} }).dispose();
    expect(changes).toBe(2);
  });
});
