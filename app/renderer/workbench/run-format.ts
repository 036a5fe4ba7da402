import type { RunProgressEvent } from '../../../core/workspace';

/** What the status bar and the runs view say about a run: plain functions of its state. */

const PHASE_LABELS: Record<RunProgressEvent['phase'], string> = {
  starting: 'starting',
  load: 'loading data',
  split: 'splitting',
  features: 'fitting features',
  model: 'building the model',
  tune: 'tuning',
  train: 'train',
  evaluate: 'evaluating',
  export: 'saving the model',
};

/** `train epoch 3/8`, `tune`, `evaluating`. */
export function phaseText(p: Pick<RunProgressEvent, 'phase' | 'fit'>): string {
  const label = PHASE_LABELS[p.phase] ?? p.phase;
  if ((p.phase === 'train' || p.phase === 'tune') && p.fit?.epoch && p.fit.epochs) return `${label} epoch ${p.fit.epoch}/${p.fit.epochs}`;
  return label;
}

/** `41 s`, `2 min 5 s`, `1 h 3 min`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) {
    const m = Math.floor(s / 60);
    const r = s % 60;
    return r ? `${m} min ${r} s` : `${m} min`;
  }
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  return m ? `${h} h ${m} min` : `${h} h`;
}

/** Share done as a whole percentage, when the run knows it (training, tuning). */
export function percentOf(p: Pick<RunProgressEvent, 'phase' | 'fraction'>): number | undefined {
  if (p.fraction === undefined || (p.phase !== 'train' && p.phase !== 'tune')) return undefined;
  return Math.floor(Math.min(1, Math.max(0, p.fraction)) * 100);
}

/** `train epoch 3/8 · 38% · ETA 41 s` */
export function progressDetail(p: RunProgressEvent): string {
  const parts = [phaseText(p)];
  const pct = percentOf(p);
  if (pct !== undefined) parts.push(`${pct}%`);
  if (p.etaSeconds !== undefined && pct !== undefined) parts.push(`ETA ${formatDuration(p.etaSeconds)}`);
  return parts.join(' · ');
}

/** `hybrid-gate-sample: train epoch 3/8 · 38% · ETA 41 s` */
export function progressText(name: string, p: RunProgressEvent): string {
  return `${name}${p.preview ? ' (preview)' : ''}: ${progressDetail(p)}`;
}

/** `just now`, `5 min ago`, `3 h ago`, `yesterday`, `12 Mar`. */
export function formatRelativeTime(time: number, now: number): string {
  const s = (now - time) / 1000;
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.max(1, Math.round(s / 60))} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  if (s < 2 * 86_400) return 'yesterday';
  const d = new Date(time);
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getMonth()];
  return new Date(now).getFullYear() === d.getFullYear() ? `${d.getDate()} ${month}` : `${d.getDate()} ${month} ${d.getFullYear()}`;
}

/** A metric as lists show it: 4 decimals, `–` when absent. */
export function formatMetric(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(4);
}

/** `12,345` */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Density as a percentage with two significant digits: `4.0%`, `0.63%`, `0.0012%`. */
export function formatDensity(d: number): string {
  if (!(d > 0)) return '0%';
  const pct = d * 100;
  return `${pct >= 1 ? pct.toFixed(1) : pct.toPrecision(2)}%`;
}
