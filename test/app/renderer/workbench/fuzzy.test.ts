import { describe, expect, it } from 'vitest';
import { fuzzyMatch, fuzzyRank } from '../../../../app/renderer/workbench/fuzzy';

describe('fuzzyMatch', () => {
  it('finds the characters in order, ignoring case and spaces, and says where', () => {
    expect(fuzzyMatch('hgs', 'hybrid-gate-sample')?.positions).toEqual([0, 7, 12]);
    expect(fuzzyMatch('tgl thm', 'Preferences: Toggle between Light/Dark Themes')).toBeDefined();
    expect(fuzzyMatch('RUN', 'Notebook: Run All')?.positions).toEqual([10, 11, 12]);
    expect(fuzzyMatch('xyz', 'Notebook: Run All')).toBeUndefined();
    expect(fuzzyMatch('lla', 'all')).toBeUndefined();
    expect(fuzzyMatch('', 'anything')).toEqual({ score: 0, positions: [] });
  });

  it('prefers word starts and runs of characters over scattered ones', () => {
    // "run" at a word start, not the r-u-n scattered through "Prune unused".
    expect(fuzzyMatch('run', 'Prune unused: Run now')?.positions).toEqual([14, 15, 16]);
    const start = fuzzyMatch('tog', 'Toggle Panel')!.score;
    const middle = fuzzyMatch('tog', 'Phototogram')!.score;
    expect(start).toBeGreaterThan(middle);
  });
});

describe('fuzzyRank', () => {
  it('orders by score, then the shorter text, then the order given', () => {
    const items = ['View: Toggle Panel Visibility', 'Preferences: Toggle between Light/Dark Themes', 'View: Toggle Primary Side Bar Visibility', 'Notebook: New Notebook…'];
    expect(fuzzyRank('tog', items, (s) => s).map((r) => r.item)).toEqual([
      'View: Toggle Panel Visibility',
      'View: Toggle Primary Side Bar Visibility',
      'Preferences: Toggle between Light/Dark Themes',
    ]);
    // Nothing typed: everything, in the order given.
    expect(fuzzyRank('', items, (s) => s).map((r) => r.item)).toEqual(items);
  });
});
