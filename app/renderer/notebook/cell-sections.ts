import type { CellKind } from '../../../core/notebook';
import type { OutputSection, PreviewStage, RunPhase } from '../../../core/experiment';
import type { SpecSection } from '../../../core/spec';
import type { CellData } from './cell-edits';

/**
 * How cells relate to a run: which cell fills each spec section (the last of its kind,
 * as `notebookToSpec` reads them), which cell shows each stage's output, and what
 * running a cell means.
 */

export type ConfigKind = Exclude<CellKind, 'markdown'>;

/** The stages of a run in order, as the cell kinds that configure them. */
export const STAGE_ORDER: readonly ConfigKind[] = ['data', 'split', 'features', 'model', 'train', 'evaluate'];

export function isConfigKind(kind: CellKind): kind is ConfigKind {
  return kind !== 'markdown';
}

/** The cell each section comes from: the last config cell of its kind (a later one overrides). */
export function effectiveCells(cells: readonly CellData[]): Map<SpecSection, CellData> {
  const out = new Map<SpecSection, CellData>();
  for (const c of cells) if (isConfigKind(c.kind)) out.set(c.kind, c);
  return out;
}

/**
 * The cell that shows a stage's output. Training output goes under the train cell, or the
 * model cell of a model without one (a baseline fits in its model cell).
 */
export function outputCell(cells: readonly CellData[], section: OutputSection): CellData | undefined {
  const eff = effectiveCells(cells);
  if (section === 'train') return eff.get('train') ?? eff.get('model');
  return eff.get(section);
}

/** The stage output a run phase produces (`load` fills the data cell, `tune` the train output). */
export function sectionOfPhase(phase: RunPhase): OutputSection | undefined {
  switch (phase) {
    case 'load':
      return 'data';
    case 'split':
    case 'features':
    case 'model':
    case 'evaluate':
      return phase;
    case 'tune':
    case 'train':
      return 'train';
    case 'export':
      return 'evaluate';
    default:
      return undefined;
  }
}

/** What running a cell of this kind starts: a preview up to its stage, or (train, evaluate) the whole notebook. */
export function runScopeOf(kind: ConfigKind): { until?: PreviewStage } {
  return kind === 'train' || kind === 'evaluate' ? {} : { until: kind };
}

/** The sections a run covers, in order: a preview's up to its stage, a recorded run's all. */
export function sectionsCovered(until: PreviewStage | undefined): OutputSection[] {
  const all: OutputSection[] = ['data', 'split', 'features', 'model', 'train', 'evaluate'];
  return until ? all.slice(0, all.indexOf(until) + 1) : all;
}

/** The source of a new cell: a starting point that says what goes in it. */
export function defaultSource(kind: CellKind): string {
  switch (kind) {
    case 'markdown':
      return '';
    case 'data':
      return '{\n  "source": "sample"\n}';
    case 'split':
      return '{\n  "kind": "random",\n  "ratios": [0.8, 0.1, 0.1]\n}';
    case 'features':
      return '{\n  "item": [],\n  "user": []\n}';
    case 'model':
      return '{\n  "type": "mf",\n  "dim": 32\n}';
    case 'train':
      return '{\n  "epochs": 10\n}';
    case 'evaluate':
      return '{\n  "ks": [10]\n}';
  }
}
