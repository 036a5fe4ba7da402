import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateNotebook } from '../../../../app/renderer/notebook/cell-validation';
import { notebookProblems, runBlocker } from '../../../../app/renderer/notebook/notebook-problems';
import { defaultSource, STAGE_ORDER } from '../../../../app/renderer/notebook/cell-sections';
import { locatePath, parseJsonWithPositions } from '../../../../app/renderer/notebook/json-locate';
import type { CellData } from '../../../../app/renderer/notebook/cell-edits';
import { NOTEBOOK_TEMPLATES, parseNotebook } from '../../../../core/notebook';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const hybrid = parseNotebook(fs.readFileSync(path.join(ROOT, 'experiments', 'hybrid-gate-sample.recnb'), 'utf8'));
const cells = (over: Record<string, string>): CellData[] => hybrid.cells.map((c) => ({ id: c.id, kind: c.kind, source: over[c.id] ?? c.source }));

describe('validateNotebook', () => {
  it('finds nothing wrong with the example notebooks', () => {
    for (const f of fs.readdirSync(path.join(ROOT, 'experiments')).filter((f) => f.endsWith('.recnb'))) {
      const nb = parseNotebook(fs.readFileSync(path.join(ROOT, 'experiments', f), 'utf8'), f);
      expect(validateNotebook(nb.cells, nb.metadata), f).toEqual([]);
    }
  });

  it('finds nothing wrong with a new notebook from any template', () => {
    for (const t of NOTEBOOK_TEMPLATES) {
      const nb = t.build('new');
      expect(validateNotebook(nb.cells, nb.metadata), t.id).toEqual([]);
    }
  });

  it('puts a JSON syntax error on its cell, with line and column', () => {
    // c5 is the model cell: a missing comma after "fusion": "gate" on line 3.
    const d = validateNotebook(cells({ c5: '{\n  "type": "hybrid",\n  "fusion": "gate"\n  "dim": 32\n}' }));
    expect(d).toEqual([
      { cellId: 'c5', severity: 'error', source: 'json', message: "not valid JSON: line 4, column 3: expected ',' between entries", range: { startLine: 4, startColumn: 3, endLine: 4, endColumn: 8 } },
    ]);
  });

  it("names a misspelt model parameter, on the model cell, underlining the key's property", () => {
    const src = '{\n  "type": "hybrid",\n  "fusion": "gate",\n  "dimm": 32\n}';
    const d = validateNotebook(cells({ c5: src }));
    expect(d).toEqual([
      {
        cellId: 'c5',
        severity: 'error',
        source: 'spec',
        message: "model.dimm: unknown parameter 'dimm' for model type 'hybrid'; did you mean 'dim'?",
        range: { startLine: 4, startColumn: 3, endLine: 4, endColumn: 13 },
      },
    ]);
    const p = notebookProblems('examples/h.recnb', cells({ c5: src }), d);
    expect(p).toEqual([
      { owner: 'notebook', resource: 'examples/h.recnb', severity: 'error', cellId: 'c5', cellIndex: 5, line: 4, column: 3, message: "cell 5 (model): model.dimm: unknown parameter 'dimm' for model type 'hybrid'; did you mean 'dim'?" },
    ]);
  });

  it('reports a bad value inside a list on the item, and a value of the wrong type on its property', () => {
    const features = JSON.stringify({ item: [{ type: 'tfidf', column: 'title' }, { type: 'tfidff', column: 'tags' }] }, null, 2);
    const [f] = validateNotebook(cells({ c4: features }));
    expect(f.cellId).toBe('c4');
    expect(f.message).toMatch(/^features\.item\[1\]\.type: unknown feature transformer 'tfidff'.*did you mean 'tfidf'/);
    expect(features.split('\n')[f.range!.startLine - 1]).toContain('"type": "tfidff"');
    const [lr] = validateNotebook(cells({ c6: '{\n  "epochs": "many"\n}' }));
    expect(lr).toMatchObject({ cellId: 'c6', source: 'spec', range: { startLine: 2, startColumn: 3, endLine: 2, endColumn: 19 } });
    expect(lr.message).toMatch(/^train\.epochs: /);
  });

  it('checks a cell that a later one of its kind overrides on its own, and blames a missing section on the notebook', () => {
    const withTwo: CellData[] = [...cells({}), { id: 'c8', kind: 'model', source: '{"type": "mf"}' }];
    withTwo[4] = { ...withTwo[4], source: '{"type": "hybrid", "dimm": 3}' };
    const d = validateNotebook(withTwo);
    expect(d.map((x) => [x.cellId, x.message.split(':')[0]])).toEqual([['c5', 'model.dimm']]);
    const noData = validateNotebook(cells({}).filter((c) => c.kind !== 'data'));
    expect(noData).toHaveLength(1);
    expect(noData[0].cellId).toBeUndefined();
    expect(noData[0].message).toMatch(/^no data cell: add one/);
  });

  it('says an empty config cell is empty, and does not pile schema errors on a cell whose JSON is broken', () => {
    const d = validateNotebook(cells({ c2: '   ', c5: '{"type": ' }));
    // '{"type": ' lacks both a value and the closing brace.
    expect(d.map((x) => [x.cellId, x.source])).toEqual([
      ['c2', 'json'],
      ['c5', 'json'],
      ['c5', 'json'],
    ]);
    expect(d.slice(1).map((x) => x.message)).toEqual(['not valid JSON: line 1, column 10: expected a value', "not valid JSON: line 1, column 10: expected '}' to close the object"]);
    expect(d[0].message).toBe('the data cell is empty: write its settings as a JSON object');
  });

  it('starts every kind of new cell from a valid source', () => {
    const fresh: CellData[] = STAGE_ORDER.map((kind, i) => ({ id: `n${i}`, kind, source: defaultSource(kind) }));
    expect(validateNotebook(fresh)).toEqual([]);
  });
});

describe('runBlocker', () => {
  it("names the cell's own error first, then the first error elsewhere, and nothing when all is well", () => {
    const bad = cells({ c5: '{"type": "hybrid", "dimm": 3}' });
    const d = validateNotebook(bad);
    expect(runBlocker(bad, d, 'c5')).toBe("This cell has an error: model.dimm: unknown parameter 'dimm' for model type 'hybrid'; did you mean 'dim'?");
    expect(runBlocker(bad, d, 'c2')).toBe("Cell 5 (model) has an error: model.dimm: unknown parameter 'dimm' for model type 'hybrid'; did you mean 'dim'?");
    expect(runBlocker(bad, d)).toMatch(/^Cell 5 \(model\) has an error/);
    expect(runBlocker(cells({}), [])).toBeUndefined();
  });
});

describe('json-locate', () => {
  it('refuses what JSON.parse refuses: comments and trailing commas', () => {
    expect(parseJsonWithPositions('{"a": 1, // x\n}').errors[0].message).toMatch(/comments are not allowed/);
    expect(parseJsonWithPositions('{"a": 1,}').errors[0].message).toBe('line 1, column 9: expected a property name in double quotes');
    expect(parseJsonWithPositions('{"a": [1, 2]}').value).toEqual({ a: [1, 2] });
  });

  it('falls back to the opening of the deepest existing object for a missing key', () => {
    const text = '{\n  "optimizer": {\n    "lr": 1\n  }\n}';
    const { tree } = parseJsonWithPositions(text);
    expect(locatePath(text, tree, ['optimizer', 'type'])).toEqual({ startLine: 2, startColumn: 16, endLine: 2, endColumn: 17 });
    // A property spanning lines: its key only.
    expect(locatePath(text, tree, ['optimizer'])).toEqual({ startLine: 2, startColumn: 3, endLine: 2, endColumn: 14 });
  });
});
