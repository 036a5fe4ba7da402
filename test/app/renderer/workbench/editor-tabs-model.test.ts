import { describe, expect, it } from 'vitest';
import { EditorTabsModel } from '../../../../app/renderer/workbench/editor-tabs-model';

const paths = (m: EditorTabsModel) => m.tabs.map((t) => t.path);

describe('EditorTabsModel', () => {
  it('keeps one tab per file, opening new ones to the right of the active tab', () => {
    const m = new EditorTabsModel();
    m.open('a');
    m.open('b');
    m.open('c');
    m.activate('a');
    m.open('d');
    expect(paths(m)).toEqual(['a', 'd', 'b', 'c']);
    m.open('b');
    expect(paths(m)).toEqual(['a', 'd', 'b', 'c']);
    expect(m.active).toBe('b');
  });

  it('shows the most recently used tab when the active one closes', () => {
    const m = new EditorTabsModel();
    for (const p of ['a', 'b', 'c', 'd']) m.open(p);
    m.activate('b');
    m.activate('d');
    m.close('d');
    expect(m.active).toBe('b');
    m.close('a');
    expect(m.active).toBe('b');
    m.closeActive();
    expect(m.active).toBe('c');
    m.closeActive();
    expect(m.active).toBeUndefined();
    expect(m.tabs).toEqual([]);
  });

  it('goes to the next and previous tab by position, wrapping round (Ctrl+PageDown/Up)', () => {
    const m = new EditorTabsModel();
    for (const p of ['a', 'b', 'c']) m.open(p);
    m.activateByPosition(1);
    expect(m.active).toBe('a');
    m.activateByPosition(-1);
    expect(m.active).toBe('c');
    m.activateByPosition(-1);
    expect(m.active).toBe('b');
  });

  it('goes back through recent use while Ctrl is held, and settles when it is released (Ctrl+Tab)', () => {
    const m = new EditorTabsModel();
    for (const p of ['a', 'b', 'c', 'd']) m.open(p);
    // Recent use: d, c, b, a.
    m.navigateRecent();
    expect(m.active).toBe('c');
    m.navigateRecent();
    expect(m.active).toBe('b');
    m.endRecentNavigation();
    // Recent use is now b, d, c, a: a quick Ctrl+Tab goes back to d.
    m.navigateRecent();
    m.endRecentNavigation();
    expect(m.active).toBe('d');
    m.navigateRecent();
    m.endRecentNavigation();
    expect(m.active).toBe('b');
    // Shift goes the other way: to the least recent.
    m.navigateRecent(-1);
    expect(m.active).toBe('a');
    m.endRecentNavigation();
    expect(m.navigatingRecent).toBe(false);
  });

  it('marks tabs dirty, moves, renames and closes the others', () => {
    const m = new EditorTabsModel();
    for (const p of ['a', 'b', 'c']) m.open(p);
    m.setDirty('b', true);
    expect(m.tabs.find((t) => t.path === 'b')?.dirty).toBe(true);
    m.move('c', 0);
    expect(paths(m)).toEqual(['c', 'a', 'b']);
    m.rename('b', 'b2');
    expect(paths(m)).toEqual(['c', 'a', 'b2']);
    expect(m.tabs[2].dirty).toBe(true);
    m.closeOthers('a');
    expect(paths(m)).toEqual(['a']);
    expect(m.active).toBe('a');
  });

  it('round-trips the open tabs and the active one, reading saved state defensively', () => {
    const m = new EditorTabsModel();
    for (const p of ['x/a.recnb', 'b.recnb']) m.open(p);
    m.activate('x/a.recnb');
    const n = new EditorTabsModel();
    n.restore(JSON.parse(JSON.stringify(m.toJSON())));
    expect(paths(n)).toEqual(['x/a.recnb', 'b.recnb']);
    expect(n.active).toBe('x/a.recnb');
    n.restore({ open: ['a', 'a', 3, '', 'b'], active: 'gone' });
    expect(paths(n)).toEqual(['a', 'b']);
    expect(n.active).toBe('a');
    n.restore(undefined);
    expect(n.tabs).toEqual([]);
  });
});
