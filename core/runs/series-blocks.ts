import type { SeriesPoint } from './types';

/**
 * A metric series' summary pyramid: its points, in arrival order (seq), cut into blocks of
 * 16, 256, 4096 and 65536 points, each block keeping its count and its lowest and highest
 * point. A chart of a whole long series reads blocks instead of points, so drawing 100 runs
 * of 10,000 steps reads a few rows per run, not two million points, and every spike is
 * still there: a block's min and max are real points. Blocks are written as points arrive
 * (logMetrics), merged into a block that a previous batch started.
 *
 * Stored packed: a row holds CHUNK consecutive blocks of one size as float64s, FIELDS per
 * block. Reading a value out of SQLite costs about as much as reading a row (~0.25 us), so
 * eleven columns a block made 100 runs' blocks cost 180 ms; a blob of 64 blocks costs one.
 *
 * Only meaningful while a series is ordered (every step >= the steps before it): then seq
 * order is step order and a block is a contiguous step range. A series that ever went back
 * is downsampled from its points (SqliteRunStore.readSeries).
 */
// Migration 3 fills blocks of these sizes for stores written before blocks existed: another
// size needs a migration that fills it.
export const BLOCK_SIZES = [16, 256, 4096, 65536] as const;
/** Blocks per stored row. */
export const CHUNK = 64;
/** Per block: points, then the min point and the max point as step, seq, epoch, time, value. */
export const FIELDS = 11;

/** A block's extreme point: step, seq, epoch (NaN: none), time, value. */
export type BlockPoint = [step: number, seq: number, epoch: number, time: number, value: number];

/** One block: series, size, index (seq / size), points, min point, max point. */
export interface Block {
  seriesId: number;
  size: number;
  block: number;
  points: number;
  min: BlockPoint;
  max: BlockPoint;
}

/**
 * `a` beats `b` as a minimum (sign 1) or maximum (sign -1): NaN never beats a number, and
 * on a tie the earlier point stays, as in downsampleSeries.
 */
function beats(a: number, b: number, sign: 1 | -1): boolean {
  if (Number.isNaN(a)) return false;
  if (Number.isNaN(b)) return true;
  return sign === 1 ? a < b : a > b;
}

/** Folds a batch's points into blocks, one open block per series and size at a time. */
export class BlockBuilder {
  private readonly open = new Map<number, Block[]>();
  private readonly done: Block[] = [];

  add(seriesId: number, step: number, seq: number, epoch: number | null, time: number, value: number): void {
    const e = epoch ?? NaN;
    let blocks = this.open.get(seriesId);
    if (!blocks) this.open.set(seriesId, (blocks = []));
    for (let l = 0; l < BLOCK_SIZES.length; l++) {
      const size = BLOCK_SIZES[l];
      const index = Math.floor(seq / size);
      const b = blocks[l];
      if (b === undefined || b.block !== index) {
        if (b !== undefined) this.done.push(b);
        const p: BlockPoint = [step, seq, e, time, value];
        blocks[l] = { seriesId, size, block: index, points: 1, min: p, max: p };
        continue;
      }
      b.points++;
      if (beats(value, b.min[4], 1)) b.min = [step, seq, e, time, value];
      if (beats(value, b.max[4], -1)) b.max = [step, seq, e, time, value];
    }
  }

  /** Every block the batch touched; the first of a series may continue a stored block. */
  blocks(): Block[] {
    const out = [...this.done];
    for (const blocks of this.open.values()) out.push(...blocks);
    return out;
  }
}

/** A stored row: CHUNK blocks (fewer in the last row) of one series and size. */
export interface ChunkRow {
  seriesId: number;
  size: number;
  chunk: number;
  data: Float64Array;
}

/**
 * The rows `blocks` changes, each merged with what it held (`stored`: the row's blob, if
 * any): counts add up, the lower min and the higher max win, on a tie the stored point
 * (the earlier) stays.
 */
export function mergeIntoChunks(blocks: readonly Block[], stored: (seriesId: number, size: number, chunk: number) => Uint8Array | undefined): ChunkRow[] {
  const rows = new Map<string, ChunkRow>();
  for (const b of blocks) {
    const chunk = Math.floor(b.block / CHUNK);
    const key = `${b.seriesId}:${b.size}:${chunk}`;
    let row = rows.get(key);
    const at = (b.block % CHUNK) * FIELDS;
    if (!row) {
      const old = stored(b.seriesId, b.size, chunk);
      const data = new Float64Array(Math.max(old ? old.byteLength / 8 : 0, at + FIELDS));
      // A copy: SQLite's buffer need not be aligned for a Float64Array view.
      if (old) new Uint8Array(data.buffer).set(old);
      rows.set(key, (row = { seriesId: b.seriesId, size: b.size, chunk, data }));
    } else if (row.data.length < at + FIELDS) {
      const grown = new Float64Array(at + FIELDS);
      grown.set(row.data);
      row.data = grown;
    }
    const d = row.data;
    if (d[at] === 0) {
      d[at] = b.points;
      d.set(b.min, at + 1);
      d.set(b.max, at + 6);
      continue;
    }
    d[at] += b.points;
    if (beats(b.min[4], d[at + 5], 1)) d.set(b.min, at + 1);
    if (beats(b.max[4], d[at + 10], -1)) d.set(b.max, at + 6);
  }
  return [...rows.values()];
}

/** A stored point as read: step, seq, epoch, time, value (null: none, NaN). */
export type PointRow = [step: number, seq: number, epoch: number | null, time: number, value: number | null];

/** One block (FIELDS values) of consecutive points in series order. */
export function blockOfPoints(rows: readonly PointRow[]): Float64Array {
  const d = new Float64Array(FIELDS);
  d[0] = rows.length;
  let lo: BlockPoint | undefined;
  let hi: BlockPoint | undefined;
  for (const [step, seq, epoch, time, value] of rows) {
    const p: BlockPoint = [step, seq, epoch ?? NaN, time, value ?? NaN];
    if (!lo || beats(p[4], lo[4], 1)) lo = p;
    if (!hi || beats(p[4], hi[4], -1)) hi = p;
  }
  if (lo && hi) {
    d.set(lo, 1);
    d.set(hi, 6);
  }
  return d;
}

/** The coarsest block size that still gives at least `buckets` blocks of `points`, if any. */
export function blockSizeFor(points: number, buckets: number): number | undefined {
  for (let l = BLOCK_SIZES.length - 1; l >= 0; l--) if (Math.ceil(points / BLOCK_SIZES[l]) >= buckets) return BLOCK_SIZES[l];
  return undefined;
}

/** The blocks of stored rows (in chunk order) as one array, FIELDS per block. */
export function concatChunks(rows: readonly Uint8Array[]): Float64Array {
  const out = new Float64Array(rows.reduce((n, r) => n + r.byteLength / 8, 0));
  const bytes = new Uint8Array(out.buffer);
  let o = 0;
  for (const r of rows) {
    bytes.set(r, o);
    o += r.byteLength;
  }
  return out;
}

function toPoint(d: Float64Array, at: number): SeriesPoint {
  const [step, epoch, time, value] = [d[at], d[at + 2], d[at + 3], d[at + 4]];
  return Number.isNaN(epoch) ? { step, time, value } : { step, epoch, time, value };
}

/**
 * A whole ordered series from its blocks (`data`, FIELDS per block, in block order) and its
 * first and last points (as a block's point: step, seq, epoch, time, value): the blocks are
 * grouped into `buckets` runs of consecutive blocks (block j in bucket floor(j * buckets /
 * blocks)), each bucket gives its min and max point in series order (one when they are the
 * same point, the first min when the bucket is all NaN), between the first and the last
 * point. Bucket edges fall on block edges, so buckets hold whole blocks and differ in size
 * by at most one block.
 */
export function pointsFromBlocks(data: Float64Array, buckets: number, first: BlockPoint, last: BlockPoint): SeriesPoint[] {
  const ends = Float64Array.from([...first, ...last]);
  const out: SeriesPoint[] = [toPoint(ends, 0)];
  const n = data.length / FIELDS;
  let seqOut = first[1];
  // `at`: the offset of a point (step, seq, epoch, time, value) in `data`.
  const push = (at: number) => {
    const seq = data[at + 1];
    if (seq <= seqOut || seq >= last[1]) return;
    out.push(toPoint(data, at));
    seqOut = seq;
  };
  let j = 0;
  for (let b = 0; b < buckets && j < n; b++) {
    let lo = -1;
    let hi = -1;
    for (; j < n && Math.floor((j * buckets) / n) === b; j++) {
      const min = j * FIELDS + 1;
      const max = j * FIELDS + 6;
      if (lo < 0 || beats(data[min + 4], data[lo + 4], 1)) lo = min;
      if (hi < 0 || beats(data[max + 4], data[hi + 4], -1)) hi = max;
    }
    if (lo < 0) continue;
    if (Number.isNaN(data[lo + 4]) || data[lo + 1] === data[hi + 1]) push(lo);
    else if (data[lo + 1] < data[hi + 1]) {
      push(lo);
      push(hi);
    } else {
      push(hi);
      push(lo);
    }
  }
  if (last[1] > first[1]) out.push(toPoint(ends, 5));
  return out;
}
