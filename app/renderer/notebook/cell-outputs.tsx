import type { OutputSection, RunOutputs } from '../../../core/experiment';
import type { RunProgressEvent } from '../../../core/workspace';
import type { ThemeService } from '../workbench/services';
import type { NotebookRunModel, SectionState } from './run-state';
import { CellError, CellStatus } from './outputs/cell-status';
import { DataOutput } from './outputs/data-output';
import { EvaluateOutput } from './outputs/evaluate-output';
import { FeaturesOutput } from './outputs/features-output';
import { ModelOutput } from './outputs/model-output';
import { SplitOutput } from './outputs/split-output';
import { TrainOutput } from './outputs/train-output';

/** What one stage shows under the cell that configures it. */
export interface SectionView {
  section: OutputSection;
  state: SectionState;
  preview: boolean;
  output: RunOutputs[OutputSection];
  /** The train stage's live progress while it runs. */
  progress?: RunProgressEvent;
}

export interface CellOutputsProps {
  sections: readonly SectionView[];
  runs: NotebookRunModel;
  /** The metric the evaluate cell optimises (its segment table's column). */
  metric?: string;
  onCancel(): void;
  theme: ThemeService;
}

function SectionOutput({ view, runs, metric, onCancel, theme }: { view: SectionView } & Omit<CellOutputsProps, 'sections'>) {
  const o = view.output;
  switch (view.section) {
    case 'data':
      return o ? <DataOutput key={view.state.runId} value={o as NonNullable<RunOutputs['data']>} theme={theme} /> : null;
    case 'split':
      return o ? <SplitOutput value={o as NonNullable<RunOutputs['split']>} /> : null;
    case 'features':
      return o ? <FeaturesOutput value={o as NonNullable<RunOutputs['features']>} /> : null;
    case 'model':
      return o ? <ModelOutput value={o as NonNullable<RunOutputs['model']>} /> : null;
    case 'train':
      return <TrainOutput runs={runs} value={o as RunOutputs['train']} progress={view.progress} onCancel={view.progress ? onCancel : undefined} metric={metric} theme={theme} />;
    case 'evaluate':
      return o ? <EvaluateOutput value={o as NonNullable<RunOutputs['evaluate']>} metric={metric} /> : null;
  }
}

/** The run status, error and outputs under a cell, for each stage it shows. */
export function CellOutputs(props: CellOutputsProps) {
  if (props.sections.length === 0) return null;
  return (
    <div className="cell-outputs">
      {props.sections.map((view) => (
        <div key={view.section} className="cell-output" data-section={view.section}>
          <CellStatus state={view.state} preview={view.preview} />
          {view.state.error && view.state.status === 'failed' ? <CellError error={view.state.error} /> : null}
          <SectionOutput view={view} {...props} />
        </div>
      ))}
    </div>
  );
}
