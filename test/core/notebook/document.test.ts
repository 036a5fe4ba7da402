import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { notebookToSpec, parseNotebook, specFromText } from '../../../core/notebook';

const nb = (cells: unknown[], metadata: unknown = { name: 'n', seed: 7 }) => JSON.stringify({ format: 1, metadata, cells });

describe('notebook document', () => {
  it('assembles config cells into one spec with defaults, later cells overriding earlier ones', () => {
    const text = nb([
      { id: 'a', kind: 'markdown', source: '# hi' },
      { id: 'b', kind: 'data', source: '{"source":"sample"}' },
      { id: 'c', kind: 'model', source: '{"type":"mostpop"}' },
      { id: 'd', kind: 'model', source: '{"type":"ease","lambda":100}' },
    ]);
    const spec = notebookToSpec(parseNotebook(text));
    expect(spec.name).toBe('n');
    expect(spec.seed).toBe(7);
    expect(spec.model).toEqual({ type: 'ease', lambda: 100 });
    expect(spec.split).toEqual({ kind: 'random', ratios: [0.8, 0.1, 0.1] });
    expect(spec.evaluate.ks).toEqual([5, 10, 20]);
  });

  it('names the cell whose JSON is broken', () => {
    const text = nb([{ id: 'cfg', kind: 'data', source: '{"source": ' }]);
    expect(() => notebookToSpec(parseNotebook(text, 'x.recnb'), 'x.recnb')).toThrow(/x\.recnb, cell 'cfg' \(data\): the source is not valid JSON/);
  });

  it('rejects a broken document, an unknown cell kind and duplicate ids with the place named', () => {
    expect(() => parseNotebook('{"format": 1, "cells": [', 'a.recnb')).toThrow(/a\.recnb is not valid JSON/);
    expect(() => parseNotebook(nb([{ id: 'a', kind: 'python', source: '' }]), 'b.recnb')).toThrow(/b\.recnb is not a valid RecLab notebook: cells\[0\]\.kind/);
    expect(() => parseNotebook(nb([{ id: 'a', kind: 'markdown', source: '' }, { id: 'a', kind: 'markdown', source: '' }]))).toThrow(/two cells have the id 'a'/);
    expect(() => parseNotebook(JSON.stringify({ format: 2, cells: [] }))).toThrow(/format/);
  });

  it('validates spec values and says which', () => {
    const text = nb([{ id: 'a', kind: 'data', source: '{"source":"parquet"}' }, { id: 'b', kind: 'model', source: '{"type":"ease"}' }]);
    expect(() => notebookToSpec(parseNotebook(text), 'c.recnb')).toThrow(
      "c.recnb: invalid experiment spec: cell 'a' (data): data.source: unknown value 'parquet'. Valid values: sample, movielens-100k, csv, workspace.",
    );
  });

  it('reads plain JSON specs and notebooks through one entry', () => {
    const spec = specFromText('{"data":{"source":"sample"},"model":{"type":"mostpop"}}', 's.json');
    expect(spec.model.type).toBe('mostpop');
  });

  it('every shipped experiment notebook parses', () => {
    const dir = path.resolve(__dirname, '..', '..', '..', 'experiments');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.recnb'));
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const f of files) {
      const spec = specFromText(fs.readFileSync(path.join(dir, f), 'utf8'), f);
      expect(spec.model.type, f).toBeTruthy();
    }
  });
});
