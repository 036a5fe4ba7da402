import fs from 'node:fs';
import path from 'node:path';
import { RunStoreError } from './errors';
import { RUN_STATUSES, type MetricPoint, type RunSnapshot, type RunStore, type SegmentMetrics } from './types';

/** A run's record in its artifact folder: everything the store knows but its series. */
export const RUN_FILE = 'run.json';
/** Every metric point of the run, in the order logged: `key,step,epoch,time,value`. */
export const SERIES_FILE = 'series.csv';
const RUN_FILE_FORMAT = 1;

/** JSON has no NaN or infinities; a metric may be any of them, so they are written as text. */
function encodeNumber(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

function decodeNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') return Number(v);
  return NaN;
}

function mapMetrics<A, B>(m: Record<string, Record<string, A>>, f: (v: A) => B): Record<string, Record<string, B>> {
  return Object.fromEntries(Object.entries(m).map(([segment, values]) => [segment, Object.fromEntries(Object.entries(values).map(([k, v]) => [k, f(v)]))]));
}

function csvField(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Writes through a temporary file: a crash mid-write never leaves half a run.json. */
function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/**
 * Writes a run as the store has it into `dir` (its artifact folder): `run.json` and, when
 * it has metric series, `series.csv`. `reclab runs recover` rebuilds a lost store from
 * these files. Called when a run starts and again when it ends.
 */
export function writeRunFiles(store: RunStore, runId: string, dir: string): void {
  const snapshot = store.getRunSnapshot(runId);
  if (!snapshot) throw new RunStoreError(`No run ${JSON.stringify(runId)} to write into ${dir}.`, 'RUN_NOT_FOUND');
  const { series = [], finalMetrics, ...run } = snapshot;
  fs.mkdirSync(dir, { recursive: true });
  if (series.length > 0) {
    const lines = ['key,step,epoch,time,value'];
    for (const p of series) lines.push(`${csvField(p.key)},${p.step},${p.epoch ?? ''},${p.time},${p.value}`);
    writeAtomic(path.join(dir, SERIES_FILE), lines.join('\n') + '\n');
  }
  writeAtomic(path.join(dir, RUN_FILE), JSON.stringify({ format: RUN_FILE_FORMAT, ...run, finalMetrics: mapMetrics(finalMetrics, encodeNumber) }, null, 2) + '\n');
}

/** Splits one CSV line whose fields may be quoted (RFC 4180, no line breaks inside). */
function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = '';
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') {
          v += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else v += line[i++];
      }
      out.push(v);
      i++; // the comma
    } else {
      const end = line.indexOf(',', i);
      const stop = end < 0 ? line.length : end;
      out.push(line.slice(i, stop));
      i = stop + 1;
    }
  }
  return out;
}

function readSeries(file: string): MetricPoint[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const points: MetricPoint[] = [];
  for (let n = 1; n < lines.length; n++) {
    if (lines[n] === '') continue;
    const [key, step, epoch, time, value] = splitCsvLine(lines[n]);
    const p: MetricPoint = { key, step: Number(step), time: Number(time), value: Number(value) };
    if (epoch !== '') p.epoch = Number(epoch);
    if (!Number.isSafeInteger(p.step) || !Number.isFinite(p.time) || key === '') throw new RunStoreError(`${file}, line ${n + 1}: not a metric point (${lines[n]}).`, 'BAD_RUN_FILE');
    points.push(p);
  }
  return points;
}

/**
 * Reads what `writeRunFiles` wrote in `dir`; `undefined` when there is no run.json.
 * Throws (with the file named) when run.json is not a run record.
 */
export function readRunFiles(dir: string): RunSnapshot | undefined {
  const file = path.join(dir, RUN_FILE);
  if (!fs.existsSync(file)) return undefined;
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new RunStoreError(`${file} is not valid JSON (${(e as Error).message}).`, 'BAD_RUN_FILE');
  }
  const { format, finalMetrics, ...run } = raw;
  if (format !== RUN_FILE_FORMAT) throw new RunStoreError(`${file} has format ${JSON.stringify(format)}; this RecLab reads format ${RUN_FILE_FORMAT}: a newer RecLab wrote it.`, 'BAD_RUN_FILE');
  const problems: string[] = [];
  if (typeof run.id !== 'string') problems.push('no id');
  if (typeof run.experiment !== 'string' || typeof run.name !== 'string') problems.push('no experiment or name');
  if (!RUN_STATUSES.includes(run.status as never)) problems.push(`status ${JSON.stringify(run.status)}`);
  if (typeof run.startTime !== 'number') problems.push('no start time');
  if (run.spec === undefined) problems.push('no spec');
  if (problems.length) throw new RunStoreError(`${file} is not a run record (${problems.join(', ')}).`, 'BAD_RUN_FILE');
  const seriesFile = path.join(dir, SERIES_FILE);
  return {
    ...(run as Omit<RunSnapshot, 'finalMetrics'>),
    params: (run.params as Record<string, string>) ?? {},
    tags: (run.tags as Record<string, string>) ?? {},
    artifacts: (run.artifacts as RunSnapshot['artifacts']) ?? [],
    finalMetrics: mapMetrics((finalMetrics ?? {}) as SegmentMetrics, decodeNumber),
    ...(fs.existsSync(seriesFile) ? { series: readSeries(seriesFile) } : {}),
  };
}
