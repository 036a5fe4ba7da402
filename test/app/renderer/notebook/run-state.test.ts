import { describe, expect, it } from 'vitest';
import { NotebookRunModel, type SeriesAppend } from '../../../../app/renderer/notebook/run-state';
import type { RunProgressEvent } from '../../../../core/workspace';
import type { RunMetricPoint, RunOutputs } from '../../../../core/experiment';

let clock = 0;
const model = () => {
  clock = 10_000;
  return new NotebookRunModel(() => clock);
};
const progress = (runId: string, over: Partial<RunProgressEvent>): RunProgressEvent => ({
  runId,
  preview: false,
  phase: 'train',
  startedAt: 0,
  elapsedMs: 0,
  emittedAt: 123,
  points: [],
  ...over,
});
const loss = (step: number, value: number): RunMetricPoint => ({ key: 'train/loss', value, step, epoch: 1, time: 0 });
const outputs: Required<Pick<RunOutputs, 'data' | 'split'>> = {
  data: { stats: { users: 3, items: 4, interactions: 5, density: 5 / 12 } as never, popularity: [{ rank: 1, count: 3 }] },
  split: { kind: 'random', seed: 1, parts: { train: { interactions: 3, users: 3, items: 3 }, valid: { interactions: 1, users: 1, items: 1 }, test: { interactions: 1, users: 1, items: 1 } }, fingerprint: 'f' },
};

describe('NotebookRunModel', () => {
  it("folds a recorded run's events: stages run in order with their elapsed time, chart points arrive as appends", () => {
    const m = model();
    const appends: SeriesAppend[] = [];
    m.onDidAppendSeries((a) => appends.push(a));
    m.start('r1', false);
    expect(m.section('data')).toEqual({ runId: 'r1', status: 'running', startedAt: 10_000 });
    expect(m.section('evaluate')?.status).toBe('queued');
    clock = 10_400;
    m.onOutput({ runId: 'r1', preview: false, section: 'data', value: outputs.data });
    expect(m.section('data')).toMatchObject({ status: 'succeeded', elapsedMs: 400 });
    expect(m.section('split')).toMatchObject({ status: 'running', startedAt: 10_400 });
    expect(m.outputs.data).toBe(outputs.data);
    // The throttled events skip split, features and model: they have ended once training runs.
    clock = 11_000;
    m.onProgress(progress('r1', { phase: 'train', fit: { epoch: 1, epochs: 4, stepInEpoch: 2, stepsPerEpoch: 50 }, points: [loss(1, 0.9), loss(2, 0.8)] }));
    expect(m.section('split')).toMatchObject({ status: 'succeeded', elapsedMs: 600 });
    expect(m.section('model')?.status).toBe('succeeded');
    expect(m.section('train')).toMatchObject({ status: 'running', startedAt: 11_000 });
    expect(m.series).toMatchObject({ runId: 'r1', totalSteps: 200, epochs: 4, loss: [{ x: 1, y: 0.9 }, { x: 2, y: 0.8 }] });
    m.onProgress(progress('r1', { points: [loss(3, 0.7), { key: 'valid/ndcg@10', value: 0.2, step: 50, epoch: 1, time: 0 }, { key: 'train/epoch_loss', value: 0.85, step: 50, epoch: 1, time: 0 }] }));
    expect(appends).toEqual([
      { runId: 'r1', loss: [{ x: 1, y: 0.9 }, { x: 2, y: 0.8 }], valid: [], emittedAt: 123, receivedAt: 11_000 },
      { runId: 'r1', loss: [{ x: 3, y: 0.7 }], valid: [{ x: 1, y: 0.2 }], emittedAt: 123, receivedAt: 11_000 },
    ]);
    expect(m.series?.validKey).toBe('valid/ndcg@10');
    // The model's summary comes after the fit: it fills the model cell, its stage's time stays.
    clock = 14_000;
    m.onOutput({ runId: 'r1', preview: false, section: 'model', value: { type: 'mf', parameters: 10, config: {} } });
    // (Its stage was skipped past by the throttled events: its own time is not known.)
    expect(m.section('model')).toEqual({ runId: 'r1', status: 'succeeded', elapsedMs: undefined });
    expect(m.section('train')).toMatchObject({ status: 'running', startedAt: 11_000 });
    expect(m.outputs.model?.parameters).toBe(10);
    clock = 15_000;
    m.onFinished({ runId: 'r1', preview: false, status: 'FINISHED', outputs: { ...outputs, train: { seconds: 4 } } });
    expect(m.run).toMatchObject({ status: 'FINISHED', live: false, endedAt: 15_000 });
    expect(m.section('train')).toMatchObject({ status: 'succeeded', elapsedMs: 4000 });
    expect(m.section('evaluate')?.status).toBe('succeeded');
    expect(m.outputs.train).toEqual({ seconds: 4 });
    expect(m.running).toBe(false);
  });

  it('ends a killed run KILLED on the stage it was in, and forgets the stages that never ran', () => {
    const m = model();
    m.start('r2', false);
    m.onOutput({ runId: 'r2', preview: false, section: 'data', value: outputs.data });
    m.onProgress(progress('r2', { phase: 'train' }));
    m.onFinished({ runId: 'r2', preview: false, status: 'KILLED', error: { code: 'CANCELLED', message: 'The run was cancelled.' }, outputs: {} });
    expect(m.run?.status).toBe('KILLED');
    expect(m.section('train')).toMatchObject({ status: 'killed', error: { code: 'CANCELLED', message: 'The run was cancelled.' } });
    expect(m.section('evaluate')).toBeUndefined();
    expect(m.section('data')?.status).toBe('succeeded');
  });

  it('puts the error of a failed preview on the stage that failed, and keeps other cells\' outputs of earlier runs', () => {
    const m = model();
    m.start('r1', false);
    m.onOutput({ runId: 'r1', preview: false, section: 'data', value: outputs.data });
    m.onOutput({ runId: 'r1', preview: false, section: 'split', value: outputs.split });
    m.onFinished({ runId: 'r1', preview: false, status: 'FINISHED', outputs: { ...outputs } });
    m.start('preview-1', true, 'data');
    // The data cell re-runs; the split cell keeps its last output.
    expect(m.outputs.data).toBeUndefined();
    expect(m.outputs.split).toBe(outputs.split);
    expect(m.section('split')?.runId).toBe('r1');
    m.onProgress(progress('preview-1', { preview: true, phase: 'load' }));
    m.onFinished({ runId: 'preview-1', preview: true, status: 'FAILED', error: { code: 'DATA', message: 'No dataset ml-100k: import it first.' }, outputs: {} });
    expect(m.section('data')).toMatchObject({ runId: 'preview-1', status: 'failed', error: { message: 'No dataset ml-100k: import it first.' } });
    expect(m.section('split')).toMatchObject({ runId: 'r1', status: 'succeeded' });
  });

  it('holds events that arrive before runs.start answers, and drops late ones of a run it moved on from', () => {
    const m = model();
    m.onProgress(progress('r3', { phase: 'load' }));
    m.onOutput({ runId: 'r3', preview: false, section: 'data', value: outputs.data });
    m.onProgress(progress('other', { phase: 'train', points: [loss(1, 5)] }));
    m.start('r3', false);
    expect(m.section('data')?.status).toBe('succeeded');
    expect(m.section('split')?.status).toBe('running');
    expect(m.series?.loss).toEqual([]);
    m.onFinished({ runId: 'r3', preview: false, status: 'FINISHED', outputs: {} });
    m.onProgress(progress('r3', { points: [loss(9, 1)] }));
    expect(m.series?.loss).toEqual([]);
  });

  it("starts the chart over when the final fit follows tuning", () => {
    const m = model();
    m.start('r4', false);
    m.onProgress(progress('r4', { phase: 'tune', points: [loss(1, 3), loss(2, 2)] }));
    m.onProgress(progress('r4', { phase: 'train', points: [loss(1, 1)] }));
    expect(m.series?.loss).toEqual([{ x: 1, y: 1 }]);
  });

  it("reads a notebook's last run back: outputs, stages done, the stage that failed, and the series", () => {
    const m = model();
    m.load({
      runId: 'r5',
      status: 'FAILED',
      startTime: 1,
      endTime: 2,
      error: 'Training diverged: lower the learning rate.',
      outputs: { ...outputs },
      series: { 'train/loss': [{ step: 1, value: 2, time: 0 }], 'valid/ndcg@10': [{ step: 50, epoch: 1, value: 0.1, time: 0 }] },
    });
    expect(m.section('split')?.status).toBe('succeeded');
    expect(m.section('features')).toMatchObject({ status: 'failed', error: { message: 'Training diverged: lower the learning rate.' } });
    expect(m.series).toMatchObject({ loss: [{ x: 1, y: 2 }], valid: [{ x: 1, y: 0.1 }], validKey: 'valid/ndcg@10' });
    expect(m.running).toBe(false);
  });
});
