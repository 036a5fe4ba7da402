import { describe, expect, it } from 'vitest';
import { ProblemsModel } from '../../../../app/renderer/workbench/problems-model';
import type { Problem } from '../../../../app/renderer/workbench/services';

const p = (message: string, extra: Partial<Problem> = {}): Problem => ({ owner: 'notebook', resource: 'a.recnb', severity: 'error', message, ...extra });

describe('ProblemsModel', () => {
  it('lets each owner replace its own problems per file, grouped by file and ordered by cell and line', () => {
    const m = new ProblemsModel();
    m.set('notebook', 'b.recnb', [p('late', { cellIndex: 5, line: 1 }), p('early', { cellIndex: 2, line: 3, severity: 'warning' }), p('first line', { cellIndex: 2, line: 1 })]);
    m.set('notebook', 'a.recnb', [p('x')]);
    m.set('run', 'b.recnb', [p('from the run', { cellIndex: 3 })]);
    expect(m.groups().map((g) => [g.resource, g.problems.map((x) => x.message), g.errors, g.warnings])).toEqual([
      ['a.recnb', ['x'], 1, 0],
      ['b.recnb', ['first line', 'early', 'from the run', 'late'], 3, 1],
    ]);
    // The resource and owner of each problem are the ones it was set under.
    expect(m.all().find((x) => x.message === 'from the run')).toMatchObject({ owner: 'run', resource: 'b.recnb' });
    m.set('notebook', 'b.recnb', []);
    expect(m.groups().find((g) => g.resource === 'b.recnb')!.problems.map((x) => x.message)).toEqual(['from the run']);
    expect(m.counts()).toEqual({ errors: 2, warnings: 0, infos: 0 });
    m.clearResource('b.recnb');
    expect(m.all().map((x) => x.message)).toEqual(['x']);
  });

  it('does not fire a change for clearing what was not there', () => {
    const m = new ProblemsModel();
    let n = 0;
    m.onDidChange(() => n++);
    m.set('notebook', 'a.recnb', []);
    expect(n).toBe(0);
  });

  it('opens the file before a reveal, and keeps the request for an editor that was not listening yet, for a while', () => {
    let now = 0;
    const opened: string[] = [];
    const m = new ProblemsModel((x) => opened.push(x.resource), 10_000, () => now);
    const heard: string[] = [];
    m.onDidReveal((x) => heard.push(x.message));
    const problem = p('bad json', { cellId: 'c3', cellIndex: 3 });
    m.reveal(problem);
    expect(opened).toEqual(['a.recnb']);
    expect(heard).toEqual(['bad json']);
    expect(m.takePendingReveal('a.recnb')).toEqual(problem);
    expect(m.takePendingReveal('a.recnb')).toBeUndefined();
    m.reveal(problem);
    now = 10_001;
    expect(m.takePendingReveal('a.recnb')).toBeUndefined();
  });
});
