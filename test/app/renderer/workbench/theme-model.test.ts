import { describe, expect, it } from 'vitest';
import { ThemeModel } from '../../../../app/renderer/workbench/theme-model';

describe('ThemeModel', () => {
  it('follows the system until a theme is chosen, and tells when the theme in effect changes', () => {
    const t = new ThemeModel(false);
    const seen: string[] = [];
    const choices: string[] = [];
    t.onDidChange((k) => seen.push(k));
    t.onDidChangeChoice((c) => choices.push(c));
    expect(t.current).toBe('light');
    t.setSystemDark(true);
    expect(t.current).toBe('dark');
    // Choosing dark while the system is dark: the choice changes, the theme does not.
    t.choose('dark');
    t.setSystemDark(false);
    expect(t.current).toBe('dark');
    t.toggle();
    expect(t.current).toBe('light');
    t.choose('system');
    expect(seen).toEqual(['dark', 'light']);
    expect(choices).toEqual(['dark', 'light', 'system']);
    t.restore('purple');
    expect(t.choice).toBe('system');
    t.restore('dark');
    expect(t.choice).toBe('dark');
  });
});
