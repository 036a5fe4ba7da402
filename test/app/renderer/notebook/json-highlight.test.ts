import { describe, expect, it } from 'vitest';
import { highlightJson } from '../../../../app/renderer/notebook/json-highlight';

describe('highlightJson', () => {
  it('colours keys, strings, numbers, keywords and punctuation, line by line', () => {
    const lines = highlightJson('{\n  "type": "mf",\n  "dim": 32, "x": [true, null]\n}');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toEqual([{ text: '{', token: 'punct' }]);
    expect(lines[1]).toEqual([
      { text: '  ', token: 'text' },
      { text: '"type"', token: 'key' },
      { text: ':', token: 'punct' },
      { text: ' ', token: 'text' },
      { text: '"mf"', token: 'string' },
      { text: ',', token: 'punct' },
    ]);
    expect(lines[2].filter((s) => s.token !== 'text' && s.token !== 'punct').map((s) => [s.text, s.token])).toEqual([
      ['"dim"', 'key'],
      ['32', 'number'],
      ['"x"', 'key'],
      ['true', 'keyword'],
      ['null', 'keyword'],
    ]);
    // Every character is kept, in order.
    expect(lines.map((l) => l.map((s) => s.text).join('')).join('\n')).toBe('{\n  "type": "mf",\n  "dim": 32, "x": [true, null]\n}');
  });

  it('underlines exactly the range of a diagnostic, cutting tokens at its edges', () => {
    // "dimm": 64 on line 2, columns 3 to 12.
    const lines = highlightJson('{\n  "dimm": 64\n}', [{ startLine: 2, startColumn: 3, endLine: 2, endColumn: 13 }]);
    expect(lines[1]).toEqual([
      { text: '  ', token: 'text' },
      { text: '"dimm"', token: 'key', error: true },
      { text: ':', token: 'punct', error: true },
      { text: ' ', token: 'text', error: true },
      { text: '64', token: 'number', error: true },
    ]);
    const mid = highlightJson('"abcdef"', [{ startLine: 1, startColumn: 3, endLine: 1, endColumn: 5 }]);
    expect(mid[0]).toEqual([
      { text: '"a', token: 'string' },
      { text: 'bc', token: 'string', error: true },
      { text: 'def"', token: 'string' },
    ]);
  });

  it('keeps broken JSON readable', () => {
    const lines = highlightJson('{"type": ');
    expect(lines[0].map((s) => s.text).join('')).toBe('{"type": ');
    expect(lines[0][1]).toEqual({ text: '"type"', token: 'key' });
  });
});
