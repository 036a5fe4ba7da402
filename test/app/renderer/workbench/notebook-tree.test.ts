import { describe, expect, it } from 'vitest';
import { fileName, folderOf, NotebookTreeState, notebookTreeRows } from '../../../../app/renderer/workbench/notebook-tree';

const entry = (path: string) => ({ path, name: fileName(path).replace(/\.recnb$/, ''), mtimeMs: 0, size: 0 });

describe('notebookTreeRows', () => {
  const entries = ['z.recnb', 'examples/b.recnb', 'examples/a10.recnb', 'examples/a9.recnb', 'examples/deep/x.recnb', 'a.recnb'].map(entry);

  it('lists folders first, then files, by name with numbers in order, folders open unless collapsed', () => {
    expect(notebookTreeRows(entries, new Set()).map((r) => `${'  '.repeat(r.depth)}${r.kind === 'folder' ? `${r.name}/` : r.name}`)).toEqual([
      'examples/',
      '  deep/',
      '    x.recnb',
      '  a9.recnb',
      '  a10.recnb',
      '  b.recnb',
      'a.recnb',
      'z.recnb',
    ]);
    expect(notebookTreeRows(entries, new Set(['examples/deep'])).map((r) => r.path)).toEqual(['examples', 'examples/deep', 'examples/a9.recnb', 'examples/a10.recnb', 'examples/b.recnb', 'a.recnb', 'z.recnb']);
    expect(notebookTreeRows(entries, new Set(['examples'])).map((r) => [r.path, r.expanded])).toEqual([
      ['examples', false],
      ['a.recnb', undefined],
      ['z.recnb', undefined],
    ]);
  });

  it('splits paths into file and folder', () => {
    expect(fileName('examples/deep/x.recnb')).toBe('x.recnb');
    expect(folderOf('examples/deep/x.recnb')).toBe('examples/deep');
    expect(folderOf('x.recnb')).toBe('');
  });
});

describe('NotebookTreeState', () => {
  it('toggles folders, reveals a file by opening the folders above it, and round-trips', () => {
    const s = new NotebookTreeState();
    s.collapseAll(['examples', 'examples/deep', 'other']);
    s.reveal('examples/deep/x.recnb');
    expect(s.toJSON()).toEqual(['other']);
    s.setExpanded('other', true);
    s.setExpanded('examples', false);
    s.toggle('examples');
    s.toggle('x');
    expect(s.toJSON()).toEqual(['x']);
    const t = new NotebookTreeState();
    t.restore([...s.toJSON(), 3]);
    expect(t.toJSON()).toEqual(['x']);
  });
});
