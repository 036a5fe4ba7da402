import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatDuration, progressDetail, RunProgressDisplay } from '../../../core/cli/progress-display';
import type { RunProgressEvent } from '../../../core/workspace';

function event(over: Partial<RunProgressEvent>): RunProgressEvent {
  return { runId: 'r', preview: false, phase: 'train', startedAt: 0, elapsedMs: 0, emittedAt: 0, points: [], ...over };
}

/** A stream that says it is a terminal, and records what is written to it. */
function fakeTerminal(): { stream: NodeJS.WriteStream; text: () => string } {
  let written = '';
  const w = new Writable({
    write(chunk, _enc, cb) {
      written += chunk.toString();
      cb();
    },
  }) as unknown as NodeJS.WriteStream & Record<string, unknown>;
  Object.assign(w, {
    isTTY: true,
    columns: 160,
    rows: 40,
    cursorTo: (_x: number, _y?: number, cb?: () => void) => (cb?.(), true),
    moveCursor: (_dx: number, _dy: number, cb?: () => void) => (cb?.(), true),
    clearLine: (_dir: number, cb?: () => void) => (cb?.(), true),
    clearScreenDown: (cb?: () => void) => (cb?.(), true),
    getWindowSize: () => [160, 40],
  });
  return { stream: w, text: () => written };
}

describe('run progress on a terminal', () => {
  it('formats durations and the detail: epoch of total with early stopping, loss, best so far', () => {
    expect(formatDuration(5)).toBe('5 s');
    expect(formatDuration(185)).toBe('3 min 05 s');
    expect(formatDuration(3720)).toBe('1 h 02 min');
    const d = progressDetail(event({ loss: 0.69114, fit: { epoch: 27, epochs: 200, patience: 3, best: { metric: 'ndcg@10', value: 0.31234, epoch: 25 } } }));
    expect(d).toBe('epoch 27/200 (early stop after 3 without gain) | loss 0.6911 | best ndcg@10 0.3123 @25');
  });

  it('draws a bar with the phase, the percentage, the detail and the ETA, and prints log lines above it', async () => {
    const t = fakeTerminal();
    const plain: string[] = [];
    const d = new RunProgressDisplay(t.stream, (l) => plain.push(l));
    d.update(event({ fraction: 0.25, etaSeconds: 65, loss: 0.5, fit: { epoch: 2, epochs: 8 } }));
    d.log('epoch 1/8: loss 0.9000');
    await new Promise((r) => setTimeout(r, 250));
    d.stop();
    const out = t.text();
    expect(out).toContain('train');
    expect(out).toContain('25%');
    expect(out).toContain('epoch 2/8 | loss 0.5000');
    expect(out).toContain('ETA 1 min 05 s');
    expect(out).toContain('epoch 1/8: loss 0.9000');
    expect(plain).toEqual([]);
  });

  it('prints plain log lines and no bar where the output is not a terminal', () => {
    const plain: string[] = [];
    let written = '';
    const pipe = new Writable({
      write(chunk, _e, cb) {
        written += chunk.toString();
        cb();
      },
    }) as unknown as NodeJS.WriteStream;
    const d = new RunProgressDisplay(pipe, (l) => plain.push(l));
    d.update(event({ fraction: 0.5 }));
    d.log('epoch 1/2: loss 0.5');
    d.stop();
    expect(plain).toEqual(['epoch 1/2: loss 0.5']);
    expect(written).toBe('');
  });
});
