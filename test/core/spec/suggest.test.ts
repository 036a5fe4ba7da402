import { describe, expect, it } from 'vitest';
import { closestName, editDistance } from '../../../core/spec';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps as one edit each, ignoring case', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3); // k->s, e->i, +g
    expect(editDistance('dimm', 'dim')).toBe(1);
    expect(editDistance('ltaent', 'latent')).toBe(1); // one swap, not two substitutions
    expect(editDistance('batchsize', 'batchSize')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('abc', 'abc')).toBe(0);
  });
});

describe('closestName', () => {
  it('suggests a near name, the earlier one on ties, and nothing for a far one', () => {
    expect(closestName('neumff', ['mf', 'gmf', 'neumf', 'mlp'])).toBe('neumf');
    expect(closestName('lamda', ['lambda'])).toBe('lambda');
    expect(closestName('gmf', ['mf', 'gmf'])).toBe('gmf');
    expect(closestName('ab', ['ac', 'ad'])).toBe('ac');
    // One edit per three characters: 'learningRate' is nowhere near 'lr'.
    expect(closestName('learningRate', ['lr', 'l2'])).toBeUndefined();
    expect(closestName('xyzzy', ['random', 'ease'])).toBeUndefined();
  });
});
