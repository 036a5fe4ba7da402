import cliProgress from 'cli-progress';
import type { RunProgressEvent } from '../workspace';

const SCALE = 1000;

/** "1 h 02 min", "3 min 05 s", "12 s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${s} s`;
}

/** What the bar says after the percentage: epoch of total, loss, best validation value so far. */
export function progressDetail(e: RunProgressEvent): string {
  const parts: string[] = [];
  const f = e.fit;
  if (f?.epoch && f.epochs) parts.push(`epoch ${f.epoch}/${f.epochs}${f.patience !== undefined ? ` (early stop after ${f.patience} without gain)` : ''}`);
  if (e.loss !== undefined) parts.push(`loss ${e.loss.toFixed(4)}`);
  if (f?.best) parts.push(`best ${f.best.metric} ${f.best.value.toFixed(4)} @${f.best.epoch}`);
  return parts.join(' | ');
}

/**
 * A run's progress on a terminal: one bar (cli-progress) with the phase, epoch of total,
 * loss, best-so-far and ETA, and the worker's log lines above it. Where stderr is not a
 * terminal (a pipe, CI), log lines only, as plain lines.
 */
export class RunProgressDisplay {
  private readonly bars: cliProgress.MultiBar | undefined;
  private bar: cliProgress.SingleBar | undefined;

  constructor(
    stream: NodeJS.WriteStream,
    private readonly plain: (line: string) => void,
  ) {
    if (stream.isTTY) {
      this.bars = new cliProgress.MultiBar(
        {
          stream,
          format: '{phase} [{bar}] {percentage}% | {detail} | ETA {etaText}',
          hideCursor: true,
          clearOnComplete: true,
          barsize: 24,
          fps: 10,
        },
        cliProgress.Presets.shades_classic,
      );
    }
  }

  update(e: RunProgressEvent): void {
    if (!this.bars) return;
    // After the fit, its epoch, loss and ETA no longer describe what the run is doing.
    const fitDone = e.phase === 'evaluate' || e.phase === 'export';
    const payload = {
      phase: e.phase.padEnd(8),
      detail: (fitDone ? '' : progressDetail(e)) || '-',
      etaText: !fitDone && e.etaSeconds !== undefined ? formatDuration(e.etaSeconds) : '-',
    };
    const value = fitDone ? SCALE : Math.round((e.fraction ?? 0) * SCALE);
    if (!this.bar) this.bar = this.bars.create(SCALE, value, payload);
    else this.bar.update(value, payload);
  }

  log(line: string): void {
    if (this.bars) this.bars.log(line + '\n');
    else this.plain(line);
  }

  stop(): void {
    this.bars?.stop();
  }
}
