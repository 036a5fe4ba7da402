import { Emitter, type Event } from '../../../core/util';
import { ChangeModel } from './model';
import type { Problem, ProblemsService } from './services';

export interface ProblemGroup {
  resource: string;
  problems: Problem[];
  errors: number;
  warnings: number;
}

const SEVERITY_ORDER: Record<Problem['severity'], number> = { error: 0, warning: 1, info: 2 };

/**
 * The problems panel's model: each owner (the notebook editor, a run) replaces its own
 * list per file. Reveal asks whoever shows the file to go to the problem; the shell
 * opens the file first, so the editor may not be listening yet: the request waits
 * until it takes it (`takePendingReveal`).
 */
export class ProblemsModel extends ChangeModel implements ProblemsService {
  /** resource -> owner -> problems */
  private readonly byResource = new Map<string, Map<string, Problem[]>>();
  private readonly pending = new Map<string, { problem: Problem; at: number }>();
  private readonly _onDidReveal = new Emitter<Problem>();
  readonly onDidReveal: Event<Problem> = this._onDidReveal.event;

  /**
   * `beforeReveal` is told before a reveal fires (the shell opens the file). A reveal
   * nobody took within `pendingMs` is dropped, so a file opened much later is not moved.
   */
  constructor(
    private readonly beforeReveal: (problem: Problem) => void = () => {},
    private readonly pendingMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  set(owner: string, resource: string, problems: Problem[]): void {
    let owners = this.byResource.get(resource);
    if (!problems.length) {
      if (!owners?.has(owner)) return;
      owners.delete(owner);
      if (!owners.size) this.byResource.delete(resource);
    } else {
      if (!owners) this.byResource.set(resource, (owners = new Map()));
      owners.set(
        owner,
        problems.map((p) => ({ ...p, owner, resource })),
      );
    }
    this.changed();
  }

  all(): readonly Problem[] {
    return this.groups().flatMap((g) => g.problems);
  }

  /** By file (in path order), each file's problems by cell, line, then severity. */
  groups(): ProblemGroup[] {
    return [...this.byResource.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([resource, owners]) => {
        const problems = [...owners.values()].flat().sort(
          (a, b) =>
            (a.cellIndex ?? Infinity) - (b.cellIndex ?? Infinity) ||
            (a.line ?? 0) - (b.line ?? 0) ||
            (a.column ?? 0) - (b.column ?? 0) ||
            SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity],
        );
        return { resource, problems, errors: problems.filter((p) => p.severity === 'error').length, warnings: problems.filter((p) => p.severity === 'warning').length };
      });
  }

  counts(): { errors: number; warnings: number; infos: number } {
    const all = this.all();
    return {
      errors: all.filter((p) => p.severity === 'error').length,
      warnings: all.filter((p) => p.severity === 'warning').length,
      infos: all.filter((p) => p.severity === 'info').length,
    };
  }

  reveal(problem: Problem): void {
    this.pending.set(problem.resource, { problem, at: this.now() });
    this.beforeReveal(problem);
    this._onDidReveal.fire(problem);
  }

  takePendingReveal(resource: string): Problem | undefined {
    const p = this.pending.get(resource);
    this.pending.delete(resource);
    return p && this.now() - p.at <= this.pendingMs ? p.problem : undefined;
  }

  /** Forgets what was reported for a file (its tab closed). */
  clearResource(resource: string): void {
    if (this.byResource.delete(resource)) this.changed();
    this.pending.delete(resource);
  }

  override dispose(): void {
    this._onDidReveal.dispose();
    super.dispose();
  }
}
