import type { NotebookRunState } from '../../common/api';
import type { OutputSection, PreviewStage, RunMetricPoint, RunOutputs, RunPhase } from '../../../core/experiment';
import type { LiveRunInfo, RunFinishedEvent, RunOutputEvent, RunProgressEvent } from '../../../core/workspace';
import { Emitter, type Disposable, type Event } from '../../../core/util';
import { sectionOfPhase, sectionsCovered } from './cell-sections';

export type RunStatus = 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED';
export type SectionStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'killed';

/** What one stage of a run shows under its cell: ✓/✗, elapsed time, output, error. */
export interface SectionState {
  runId: string;
  status: SectionStatus;
  /** Client clock, ms: when the stage began (the previous one ended). */
  startedAt?: number;
  elapsedMs?: number;
  error?: { code: string; message: string };
}

/** The latest run of the notebook, live or finished. */
export interface RunInfo {
  runId: string;
  preview: boolean;
  until?: PreviewStage;
  status: RunStatus;
  /** Whether its events are still coming (false for a run read back from the store). */
  live: boolean;
  covered: OutputSection[];
  startedAt: number;
  endedAt?: number;
  phase?: RunPhase;
  progress?: RunProgressEvent;
  error?: { code: string; message: string };
}

export interface ChartPoint {
  x: number;
  y: number;
}

/** The train cell's series: loss per step and the validation metric per epoch. */
export interface TrainSeries {
  runId: string;
  loss: ChartPoint[];
  valid: ChartPoint[];
  validKey?: string;
  /** Steps and epochs the fit plans, for an x-axis that does not jump. */
  totalSteps?: number;
  epochs?: number;
}

/** New chart points from one progress event, with its emit time (to measure the delay to the chart). */
export interface SeriesAppend {
  runId: string;
  loss: ChartPoint[];
  valid: ChartPoint[];
  emittedAt?: number;
  /** When the event reached this model (client clock, ms since the epoch). */
  receivedAt: number;
}

type Pending = { kind: 'progress'; e: RunProgressEvent } | { kind: 'output'; e: RunOutputEvent } | { kind: 'finished'; e: RunFinishedEvent };
/** Events of runs not (yet) known to this notebook, kept until its `runs.start` reply arrives. */
const PENDING_LIMIT = 500;

/**
 * The notebook's run state, folded from the run's events with no DOM: which run, each
 * stage's status and elapsed time, each stage's output (a cell keeps the output of its
 * last execution, as in Jupyter), live progress, and the train cell's series. Events can
 * arrive before `runs.start` answers with the run's id: they wait in a bounded buffer.
 */
export class NotebookRunModel implements Disposable {
  private latest: RunInfo | undefined;
  private readonly states = new Map<OutputSection, SectionState>();
  private outs: RunOutputs = {};
  private trainSeries: TrainSeries | undefined;
  private pending: Pending[] = [];

  private readonly _onDidChange = new Emitter<void>();
  readonly onDidChange: Event<void> = this._onDidChange.event;
  private readonly _onDidAppendSeries = new Emitter<SeriesAppend>();
  /** Chart points as they arrive (the chart extends its traces; never redraws all). */
  readonly onDidAppendSeries: Event<SeriesAppend> = this._onDidAppendSeries.event;

  constructor(private readonly now: () => number = Date.now) {}

  get run(): RunInfo | undefined {
    return this.latest;
  }

  get outputs(): RunOutputs {
    return this.outs;
  }

  get series(): TrainSeries | undefined {
    return this.trainSeries;
  }

  section(section: OutputSection): SectionState | undefined {
    return this.states.get(section);
  }

  get running(): boolean {
    return this.latest?.live === true && this.latest.status === 'RUNNING';
  }

  /** A run this notebook started (the reply of `runs.start`): its stages queue, buffered events apply. */
  start(runId: string, preview: boolean, until?: PreviewStage): void {
    const covered = sectionsCovered(until);
    const t = this.now();
    this.latest = { runId, preview, until, status: 'RUNNING', live: true, covered, startedAt: t };
    for (const s of covered) {
      this.states.set(s, { runId, status: 'queued' });
      delete (this.outs as Record<string, unknown>)[s];
    }
    this.states.set(covered[0], { runId, status: 'running', startedAt: t });
    if (covered.includes('train')) this.trainSeries = { runId, loss: [], valid: [] };
    const mine = this.pending.filter((p) => p.e.runId === runId);
    this.pending = this.pending.filter((p) => p.e.runId !== runId);
    this._onDidChange.fire();
    for (const p of mine) this.apply(p);
  }

  /** A run of this notebook already going on when it was opened. */
  adopt(info: LiveRunInfo, outputs: RunOutputs, series?: Record<string, { step: number; value: number; epoch?: number }[]>): void {
    this.start(info.runId, info.preview, info.until);
    for (const [section, value] of Object.entries(outputs)) if (value) this.onOutput({ runId: info.runId, preview: info.preview, section: section as OutputSection, value });
    if (series && this.trainSeries) this.fillSeries(series);
    this.onProgress({ ...info.progress, points: [] });
  }

  onProgress(e: RunProgressEvent): void {
    if (!this.isCurrent(e.runId)) return this.hold({ kind: 'progress', e });
    const run = this.latest!;
    const wasTuning = run.phase === 'tune';
    run.phase = e.phase;
    run.progress = e;
    const section = sectionOfPhase(e.phase);
    if (section && run.covered.includes(section)) {
      const t = this.now();
      // Stages the throttled events skipped past have ended (their outputs may still be on the way).
      for (const s of run.covered.slice(0, run.covered.indexOf(section))) {
        const st = this.states.get(s);
        if (st && (st.status === 'queued' || st.status === 'running')) this.finishSection(s, 'succeeded', t);
      }
      const st = this.states.get(section);
      if (st && st.status === 'queued') this.states.set(section, { ...st, status: 'running', startedAt: t });
    }
    const series = this.trainSeries;
    if (series && series.runId === e.runId) {
      if (wasTuning && e.phase === 'train') {
        // The final fit starts its steps at 0 again: its chart is its own.
        series.loss = [];
        series.valid = [];
      }
      if (e.fit?.epochs && e.fit.stepsPerEpoch && e.phase === 'train') {
        series.totalSteps = e.fit.epochs * e.fit.stepsPerEpoch;
        series.epochs = e.fit.epochs;
      }
      const loss: ChartPoint[] = [];
      const valid: ChartPoint[] = [];
      for (const p of e.points) this.addPoint(series, p, loss, valid);
      series.loss.push(...loss);
      series.valid.push(...valid);
      this._onDidChange.fire();
      if (loss.length || valid.length) this._onDidAppendSeries.fire({ runId: e.runId, loss, valid, emittedAt: e.emittedAt, receivedAt: this.now() });
      return;
    }
    this._onDidChange.fire();
  }

  onOutput(e: RunOutputEvent): void {
    if (!this.isCurrent(e.runId)) return this.hold({ kind: 'output', e });
    (this.outs as Record<string, unknown>)[e.section] = e.value;
    const run = this.latest!;
    const t = this.now();
    const own = this.states.get(e.section);
    // A full run reports the model's summary after the fit: its stage ended long before.
    if (own && (own.status === 'queued' || own.status === 'running')) {
      this.finishSection(e.section, 'succeeded', t);
      const next = run.covered[run.covered.indexOf(e.section) + 1];
      const st = next && this.states.get(next);
      if (st && st.status === 'queued') this.states.set(next, { ...st, status: 'running', startedAt: t });
    }
    this._onDidChange.fire();
  }

  onFinished(e: RunFinishedEvent): void {
    if (!this.isCurrent(e.runId)) return this.hold({ kind: 'finished', e });
    const run = this.latest!;
    const t = this.now();
    run.status = e.status;
    run.live = false;
    run.endedAt = t;
    run.error = e.error;
    for (const [section, value] of Object.entries(e.outputs)) if (value && run.covered.includes(section as OutputSection)) (this.outs as Record<string, unknown>)[section] = value;
    this.settle(run, e.status, e.error, t);
    this._onDidChange.fire();
  }

  /** The notebook's last recorded run, read back from the store when the notebook opens. */
  load(state: NotebookRunState): void {
    const covered = sectionsCovered(undefined);
    this.latest = { runId: state.runId, preview: false, status: state.status, live: false, covered, startedAt: state.startTime, endedAt: state.endTime, error: state.error ? { code: state.status, message: state.error } : undefined };
    this.outs = { ...state.outputs };
    this.states.clear();
    for (const s of covered) {
      if (!this.outs[s]) continue;
      this.states.set(s, { runId: state.runId, status: 'succeeded', elapsedMs: s === 'train' && this.outs.train ? this.outs.train.seconds * 1000 : undefined });
    }
    if (state.status === 'RUNNING') {
      // Still running in another window, or a worker that died: the live events will tell.
      this.latest.live = true;
    } else if (state.status !== 'FINISHED') {
      const failed = covered.find((s) => !this.outs[s]);
      if (failed) this.states.set(failed, { runId: state.runId, status: state.status === 'KILLED' ? 'killed' : 'failed', error: this.latest.error });
    }
    this.trainSeries = { runId: state.runId, loss: [], valid: [] };
    this.fillSeries(state.series);
    this._onDidChange.fire();
  }

  dispose(): void {
    this._onDidChange.dispose();
    this._onDidAppendSeries.dispose();
  }

  private isCurrent(runId: string): boolean {
    return this.latest?.runId === runId && this.latest.live;
  }

  private hold(p: Pending): void {
    // A late event of a run this notebook has moved on from is dropped, not held.
    if (this.latest?.runId === p.e.runId) return;
    this.pending.push(p);
    if (this.pending.length > PENDING_LIMIT) this.pending.splice(0, this.pending.length - PENDING_LIMIT);
  }

  private apply(p: Pending): void {
    if (p.kind === 'progress') this.onProgress(p.e);
    else if (p.kind === 'output') this.onOutput(p.e);
    else this.onFinished(p.e);
  }

  private addPoint(series: TrainSeries, p: RunMetricPoint, loss: ChartPoint[], valid: ChartPoint[]): void {
    if (p.key === 'train/loss') loss.push({ x: p.step, y: p.value });
    else if (p.key.startsWith('valid/')) {
      series.validKey ??= p.key;
      if (p.key === series.validKey) valid.push({ x: p.epoch ?? p.step, y: p.value });
    }
  }

  private fillSeries(series: Record<string, { step: number; value: number; epoch?: number }[]>): void {
    const s = this.trainSeries!;
    s.loss = (series['train/loss'] ?? []).map((p) => ({ x: p.step, y: p.value }));
    s.validKey = Object.keys(series).find((k) => k.startsWith('valid/'));
    s.valid = s.validKey ? series[s.validKey].map((p) => ({ x: p.epoch ?? p.step, y: p.value })) : [];
    const train = this.outs.train;
    if (train?.epochs) s.epochs = train.epochs;
  }

  private finishSection(section: OutputSection, status: SectionStatus, t: number, error?: SectionState['error']): void {
    const st = this.states.get(section);
    if (!st) return;
    const elapsedMs = st.startedAt !== undefined ? Math.max(0, t - st.startedAt) : st.elapsedMs;
    this.states.set(section, { ...st, status, elapsedMs, ...(error ? { error } : {}) });
  }

  /** The run's end: every stage done (FINISHED), or the stage it was in failed or killed and the rest never ran. */
  private settle(run: RunInfo, status: RunStatus, error: RunInfo['error'], t: number): void {
    let stopped = false;
    for (const s of run.covered) {
      const st = this.states.get(s);
      if (!st || st.runId !== run.runId) continue;
      if (st.status === 'succeeded' || st.status === 'failed' || st.status === 'killed') continue;
      if (status === 'FINISHED') this.finishSection(s, 'succeeded', t);
      else if (!stopped) {
        stopped = true;
        this.finishSection(s, status === 'KILLED' ? 'killed' : 'failed', t, error ?? { code: status, message: status === 'KILLED' ? 'cancelled' : 'the run failed' });
      } else this.states.delete(s);
    }
  }
}
