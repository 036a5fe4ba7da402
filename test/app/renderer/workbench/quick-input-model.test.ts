import { describe, expect, it } from 'vitest';
import { fuzzyRank } from '../../../../app/renderer/workbench/fuzzy';
import { QuickInputModel, type QuickPickItem } from '../../../../app/renderer/workbench/quick-input-model';

const items: QuickPickItem[] = [
  { id: 'baseline', label: 'Baseline (EASE)' },
  { id: 'hybrid', label: 'Hybrid with gate' },
  { id: 'cold', label: 'Cold start', disabled: true },
];
const filter = (q: string) => fuzzyRank(q, items, (i) => i.label).map((r) => r.item);

describe('QuickInputModel', () => {
  it('filters as the user types, highlights the first row that can be chosen, and resolves with the choice', async () => {
    const m = new QuickInputModel();
    const chosen = m.showPick({ placeholder: 'Select a template', items: filter });
    expect(m.visible).toBe(true);
    expect(m.items.map((i) => i.id)).toEqual(['baseline', 'hybrid', 'cold']);
    m.setValue('gate');
    expect(m.items.map((i) => i.id)).toEqual(['hybrid']);
    m.setValue('');
    m.move(-1);
    expect(m.activeIndex).toBe(2);
    // A disabled row cannot be chosen.
    expect(m.accept()).toBe(false);
    m.move(1);
    expect(m.activeIndex).toBe(0);
    m.moveClamped(-5);
    expect(m.activeIndex).toBe(0);
    m.setActive(1);
    expect(m.accept()).toBe(true);
    expect((await chosen)?.id).toBe('hybrid');
    expect(m.visible).toBe(false);
  });

  it('skips disabled rows when choosing which to highlight', () => {
    const m = new QuickInputModel();
    void m.showPick({ placeholder: '', items: () => [items[2], items[0]] });
    expect(m.activeIndex).toBe(1);
  });

  it('resolves undefined when dismissed or replaced by another request', async () => {
    const m = new QuickInputModel();
    const first = m.showPick({ placeholder: 'one', items: filter });
    const second = m.showInput({ prompt: 'Name' });
    expect(await first).toBeUndefined();
    expect(m.mode).toBe('input');
    m.dismiss();
    expect(await second).toBeUndefined();
    expect(m.visible).toBe(false);
  });

  it('keeps an input box open while its value is refused, with the reason', async () => {
    const m = new QuickInputModel();
    const name = m.showInput({ prompt: 'Name of the new notebook', value: 'a/b', validate: (v) => (v.includes('/') ? 'No slashes.' : undefined) });
    expect(m.validation).toBe('No slashes.');
    expect(m.accept()).toBe(false);
    expect(m.visible).toBe(true);
    m.setValue('ab');
    expect(m.validation).toBeUndefined();
    expect(m.accept()).toBe(true);
    expect(await name).toBe('ab');
  });
});
