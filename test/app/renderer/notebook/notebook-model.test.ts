import { describe, expect, it } from 'vitest';
import { NotebookModel, type NotebookChange } from '../../../../app/renderer/notebook/notebook-model';
import { CellEditError } from '../../../../app/renderer/notebook/cell-edits';
import type { Notebook } from '../../../../core/notebook';

function notebook(): Notebook {
  return {
    format: 1,
    metadata: { name: 'nb' },
    cells: [
      { id: 'c1', kind: 'markdown', source: '# Title' },
      { id: 'c2', kind: 'data', source: '{"source": "sample"}', outputs: [{ kept: 'never' }] },
      { id: 'c3', kind: 'model', source: '{"type": "mf"}' },
    ],
  };
}

const ids = (m: NotebookModel) => m.cells.map((c) => c.id);

describe('NotebookModel: edits as data', () => {
  it('inserts, deletes, moves, changes source and kind, each undone and redone in order', () => {
    const m = new NotebookModel(notebook());
    const changes: NotebookChange[] = [];
    m.onDidChange((c) => changes.push(c));
    m.applyEdits([{ type: 'insert', index: 1, cell: { id: 'c4', kind: 'split', source: '{}' } }]);
    expect(ids(m)).toEqual(['c1', 'c4', 'c2', 'c3']);
    m.applyEdits([{ type: 'move', cellId: 'c3', to: 0 }]);
    expect(ids(m)).toEqual(['c3', 'c1', 'c4', 'c2']);
    m.applyEdits([{ type: 'kind', cellId: 'c1', kind: 'train' }]);
    m.applyEdits([{ type: 'source', cellId: 'c2', source: '{"source": "ml-100k"}' }]);
    m.applyEdits([{ type: 'delete', cellId: 'c4' }]);
    expect(ids(m)).toEqual(['c3', 'c1', 'c2']);
    expect(m.cell('c1')?.kind).toBe('train');

    expect(m.undo()).toBe(true);
    expect(ids(m)).toEqual(['c3', 'c1', 'c4', 'c2']);
    m.undo();
    expect(m.cell('c2')?.source).toBe('{"source": "sample"}');
    m.undo();
    expect(m.cell('c1')?.kind).toBe('markdown');
    m.undo();
    expect(ids(m)).toEqual(['c1', 'c4', 'c2', 'c3']);
    m.undo();
    expect(ids(m)).toEqual(['c1', 'c2', 'c3']);
    expect(m.undo()).toBe(false);
    expect(m.canRedo).toBe(true);
    for (let i = 0; i < 5; i++) m.redo();
    expect(ids(m)).toEqual(['c3', 'c1', 'c2']);
    expect(m.cell('c2')?.source).toBe('{"source": "ml-100k"}');
    expect(m.redo()).toBe(false);
    // Listeners hear each change with its reason; an undo reports the edits it applied.
    expect(changes.map((c) => c.reason)).toEqual(['edit', 'edit', 'edit', 'edit', 'edit', 'undo', 'undo', 'undo', 'undo', 'undo', 'redo', 'redo', 'redo', 'redo', 'redo']);
    expect(changes[5].edits).toEqual([{ type: 'insert', index: 2, cell: { id: 'c4', kind: 'split', source: '{}' } }]);
  });

  it('applies a list of edits as one step, and all or nothing when one cannot apply', () => {
    const m = new NotebookModel(notebook());
    m.applyEdits([
      { type: 'delete', cellId: 'c1' },
      { type: 'insert', index: 0, cell: { id: 'c9', kind: 'markdown', source: 'x' } },
    ]);
    expect(ids(m)).toEqual(['c9', 'c2', 'c3']);
    m.undo();
    expect(ids(m)).toEqual(['c1', 'c2', 'c3']);
    expect(() => m.applyEdits([{ type: 'delete', cellId: 'c1' }, { type: 'delete', cellId: 'nope' }])).toThrow(CellEditError);
    expect(ids(m)).toEqual(['c1', 'c2', 'c3']);
    expect(() => m.applyEdits([{ type: 'insert', index: 0, cell: { id: 'c2', kind: 'data', source: '' } }])).toThrow(/exists already/);
    expect(() => m.applyEdits([{ type: 'move', cellId: 'c1', to: 3 }])).toThrow(/Cannot move to 3/);
  });

  it('merges keystrokes of one cell into one undo step until the spell ends', () => {
    const m = new NotebookModel(notebook());
    for (const s of ['{"t', '{"ty', '{"typ']) m.applyEdits([{ type: 'source', cellId: 'c3', source: s }], { mergeText: true });
    // Another cell's typing is a new step.
    m.applyEdits([{ type: 'source', cellId: 'c1', source: '# T' }], { mergeText: true });
    m.applyEdits([{ type: 'source', cellId: 'c3', source: '{"type' }], { mergeText: true });
    m.stopTextMerge();
    m.applyEdits([{ type: 'source', cellId: 'c3', source: '{"type"' }], { mergeText: true });
    m.undo();
    expect(m.cell('c3')?.source).toBe('{"type');
    m.undo();
    expect(m.cell('c3')?.source).toBe('{"typ');
    m.undo();
    expect(m.cell('c1')?.source).toBe('# Title');
    m.undo();
    expect(m.cell('c3')?.source).toBe('{"type": "mf"}');
    expect(m.canUndo).toBe(false);
    m.redo();
    expect(m.cell('c3')?.source).toBe('{"typ');
  });

  it('is dirty after an edit, clean once saved, and clean again when undone back to the saved state', () => {
    const m = new NotebookModel(notebook());
    const dirty: boolean[] = [];
    m.onDidChangeDirty((d) => dirty.push(d));
    expect(m.dirty).toBe(false);
    m.applyEdits([{ type: 'source', cellId: 'c1', source: 'a' }]);
    expect(m.dirty).toBe(true);
    m.undo();
    expect(m.dirty).toBe(false);
    m.redo();
    const v = m.version;
    m.applyEdits([{ type: 'source', cellId: 'c1', source: 'b' }]);
    // A save of an earlier state: still dirty (the later edit is not on disk).
    m.markSaved(v);
    expect(m.dirty).toBe(true);
    m.undo();
    expect(m.dirty).toBe(false);
    m.markSaved();
    expect(dirty).toEqual([true, false, true, false]);
  });

  it('serialises to clean notebook JSON without outputs, and reset replaces the document with no undo across it', () => {
    const m = new NotebookModel(notebook());
    const text = m.serialize();
    expect(JSON.parse(text)).toEqual({ format: 1, metadata: { name: 'nb' }, cells: notebook().cells.map(({ id, kind, source }) => ({ id, kind, source })) });
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).not.toContain('outputs');
    m.applyEdits([{ type: 'delete', cellId: 'c1' }]);
    const changes: NotebookChange[] = [];
    m.onDidChange((c) => changes.push(c));
    m.reset({ format: 1, metadata: {}, cells: [{ id: 'x', kind: 'markdown', source: 'reloaded' }] });
    expect(ids(m)).toEqual(['x']);
    expect(m.dirty).toBe(false);
    expect(m.canUndo).toBe(false);
    expect(changes[0].reason).toBe('reset');
  });

  it('gives new cells the next free id', () => {
    const m = new NotebookModel(notebook());
    expect(m.newCellId()).toBe('c4');
    m.applyEdits([{ type: 'insert', index: 0, cell: { id: 'c10', kind: 'markdown', source: '' } }]);
    expect(m.newCellId()).toBe('c11');
  });

  it('refuses text that is not a notebook, naming the file', () => {
    expect(() => NotebookModel.fromText('{"format": 1, "cells": [', 'a.recnb')).toThrow(/a\.recnb is not valid JSON/);
  });
});
