import { useCallback } from 'react';
import type { TrainOutput as TrainOutputValue } from '../../../../core/experiment';
import type { RunProgressEvent } from '../../../../core/workspace';
import { LiveLineChart, type ChartPoint, type EventTimes } from '../../charts/live-line-chart';
import type { ThemeService } from '../../workbench/services';
import type { NotebookRunModel } from '../run-state';
import { formatDuration, formatMetric } from './format';

export interface TrainOutputProps {
  runs: NotebookRunModel;
  /** The fit's summary once training has ended. */
  value?: TrainOutputValue;
  /** Live progress while this cell's stage runs. */
  progress?: RunProgressEvent;
  onCancel?(): void;
  /** The metric early stopping watches (the evaluate cell's), until the series names it. */
  metric?: string;
  theme: ThemeService;
}

/** Progress of the fit: bar, epoch and step of total, ETA, loss and the best value so far. */
function FitProgress({ progress, onCancel }: { progress: RunProgressEvent; onCancel?(): void }) {
  const fit = progress.fit;
  const pct = progress.fraction !== undefined ? Math.round(progress.fraction * 1000) / 10 : undefined;
  const parts: string[] = [];
  if (fit?.epoch && fit.epochs) parts.push(`epoch ${fit.epoch} / ${fit.epochs}`);
  if (fit?.stepsPerEpoch) parts.push(`step ${fit.stepInEpoch ?? 0} / ${fit.stepsPerEpoch}`);
  if (progress.loss !== undefined) parts.push(`loss ${formatMetric(progress.loss)}`);
  if (fit?.best) parts.push(`best ${fit.best.metric} ${formatMetric(fit.best.value)} (epoch ${fit.best.epoch})`);
  return (
    <div className="fit-progress" role="group" aria-label="Training progress">
      <div className="fit-progress-row">
        <span className="fit-phase">{progress.phase === 'tune' ? 'Tuning' : 'Training'}</span>
        <div className="progress-bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
          <div className="progress-bar-fill" style={{ width: `${pct ?? 0}%` }} />
        </div>
        <span className="fit-percent">{pct !== undefined ? `${pct.toFixed(1)} %` : ''}</span>
        <span className="fit-eta">{progress.etaSeconds !== undefined ? `ETA ${formatDuration(progress.etaSeconds * 1000)}` : 'ETA …'}</span>
        {onCancel ? (
          <button type="button" className="button secondary" onClick={onCancel} title="Stop the run: it ends KILLED with what it logged">
            <span className="codicon codicon-debug-stop" aria-hidden /> Cancel
          </button>
        ) : null}
      </div>
      <div className="fit-detail">{parts.join(' · ')}</div>
    </div>
  );
}

/**
 * The train cell's output: live charts (loss per step, the validation metric per epoch)
 * that grow with each progress event, progress with ETA and Cancel while it trains, and
 * the fit's summary once done.
 */
export function TrainOutput({ runs, value, progress, onCancel, metric, theme }: TrainOutputProps) {
  const series = runs.series;
  const runId = series?.runId;
  const subscribeLoss = useCallback(
    (append: (points: readonly ChartPoint[], times?: EventTimes) => void) => runs.onDidAppendSeries((a) => a.runId === runId && a.loss.length > 0 && append(a.loss, a)),
    [runs, runId],
  );
  const subscribeValid = useCallback(
    (append: (points: readonly ChartPoint[], times?: EventTimes) => void) => runs.onDidAppendSeries((a) => a.runId === runId && a.valid.length > 0 && append(a.valid, a)),
    [runs, runId],
  );
  const showCharts = series && (progress || series.loss.length > 0 || series.valid.length > 0);
  const validName = series?.validKey?.replace(/^valid\//, '') ?? metric ?? 'ndcg@10';
  return (
    <div className="output output-train">
      {progress ? <FitProgress progress={progress} onCancel={onCancel} /> : null}
      {showCharts ? (
        <div className="chart-row">
          <div className="output-chart" data-chart="loss">
            <LiveLineChart
              key={`loss-${runId}`}
              title="Training loss per step"
              xTitle="step"
              yTitle="loss"
              points={() => runs.series?.loss ?? []}
              subscribe={subscribeLoss}
              xRange={series.totalSteps ? [0, series.totalSteps] : undefined}
              color="--chart-1"
              emptyText="Waiting for the first loss…"
              theme={theme}
            />
          </div>
          <div className="output-chart" data-chart="valid">
            <LiveLineChart
              key={`valid-${runId}`}
              title={`Validation ${validName} per epoch`}
              xTitle="epoch"
              yTitle={validName}
              points={() => runs.series?.valid ?? []}
              subscribe={subscribeValid}
              xRange={series.epochs ? [0.5, series.epochs + 0.5] : undefined}
              xIntegers
              color="--chart-2"
              emptyText="Measured after each epoch"
              markers
              theme={theme}
            />
          </div>
        </div>
      ) : null}
      {value ? (
        <div className="output-meta">
          <span>trained in {formatDuration(value.seconds * 1000)}</span>
          {value.epochs !== undefined ? <span>{value.epochs} epochs</span> : null}
          {value.bestEpoch !== undefined ? (
            <span>
              best epoch {value.bestEpoch}
              {value.bestMetric !== undefined ? ` (${validName} ${formatMetric(value.bestMetric)})` : ''}
            </span>
          ) : null}
          {value.stoppedEarly ? <span>stopped early</span> : null}
          {value.tuned ? <span>tuned: {JSON.stringify(value.tuned)}</span> : null}
        </div>
      ) : null}
    </div>
  );
}
