import { describe, expect, it } from 'vitest';
import { notIn } from '../../../../app/renderer/workbench/run-log-model';

describe('notIn: live lines that came while the history was on its way', () => {
  it('drops the ones the history already ends with, keeps the rest in order', () => {
    expect(notIn(['a', 'b', 'c'], ['b', 'c', 'd', 'e'])).toEqual(['d', 'e']);
    expect(notIn(['a', 'b', 'c'], ['c'])).toEqual([]);
    expect(notIn(['a', 'b', 'c'], ['d'])).toEqual(['d']);
    expect(notIn([], ['a'])).toEqual(['a']);
    expect(notIn(['a'], [])).toEqual([]);
    // The longest overlap wins: a repeated line is not dropped twice.
    expect(notIn(['x', 'epoch', 'epoch'], ['epoch', 'epoch', 'done'])).toEqual(['done']);
  });
});
