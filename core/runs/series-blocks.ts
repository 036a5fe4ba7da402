import type { SeriesPoint } from './types';

/**
 * A metric series' summary pyramid: its points, in arrival order (seq), cut into blocks of
 * 16, 256, 4096 and 65536 points, each block keeping its count and its lowest and highest
 * point. A chart of a whole long series reads blocks instead of points, so drawing 100 runs
 * of 10,000 steps reads tens of thousands of rows, not two million, and every spike is
 * still there: a block's min and max are real points. Blocks are written as points arrive
 * (logMetrics), merged into a block that a previous batch started.
 *
 * Only meaningful while a series is ordered (every step >= the steps before it): then seq
 * order is step order and a block is a contiguous step range. A series that ever went back
 * is downsampled from its points (SqliteRunStore.readSeries).
 */
// Migration 3 fills blocks of these sizes for stores written before blocks existed: another
// size needs a migration that fills it.
export const BLOCK_SIZES = [16, 256, 4096, 65536] as const;

/** A block's extreme point: step, seq, epoch, time, value (null: NaN, as SQLite stores it). */
export type BlockPoint = [step: number, seq: number, epoch: number | null, time: number, value: number | null];

/** One block as it is stored: series, size, index (seq / size), points, min point, max point. */
export interface Block {
  seriesId: number;
  size: number;
  block: number;
  points: number;
  min: BlockPoint;
  max: BlockPoint;
}

/**
 * `a` beats `b` as a minimum (sign 1) or maximum (sign -1): NaN (null) never beats a number,
 * and on a tie the earlier point stays, as in downsampleSeries.
 */
function beats(a: number | null, b: number | null, sign: 1 | -1): boolean {
  if (a === null) return false;
  if (b === null) return true;
  return sign === 1 ? a < b : a > b;
}

/** Folds a batch's points into blocks, one open block per series and size at a time. */
export class BlockBuilder {
  private readonly open = new Map<number, Block[]>();
  private readonly done: Block[] = [];

  add(seriesId: number, step: number, seq: number, epoch: number | null, time: number, value: number): void {
    const v = Number.isNaN(value) ? null : value;
    let blocks = this.open.get(seriesId);
    if (!blocks) this.open.set(seriesId, (blocks = []));
    for (let l = 0; l < BLOCK_SIZES.length; l++) {
      const size = BLOCK_SIZES[l];
      const index = Math.floor(seq / size);
      const b = blocks[l];
      if (b === undefined || b.block !== index) {
        if (b !== undefined) this.done.push(b);
        const p: BlockPoint = [step, seq, epoch, time, v];
        blocks[l] = { seriesId, size, block: index, points: 1, min: p, max: p };
        continue;
      }
      b.points++;
      if (beats(v, b.min[4], 1)) b.min = [step, seq, epoch, time, v];
      if (beats(v, b.max[4], -1)) b.max = [step, seq, epoch, time, v];
    }
  }

  /** Every block the batch touched; the first of a series may continue a stored block. */
  blocks(): Block[] {
    const out = [...this.done];
    for (const blocks of this.open.values()) out.push(...blocks);
    return out;
  }
}

/** The coarsest block size that still gives at least `buckets` blocks of `points`, if any. */
export function blockSizeFor(points: number, buckets: number): number | undefined {
  for (let l = BLOCK_SIZES.length - 1; l >= 0; l--) if (Math.ceil(points / BLOCK_SIZES[l]) >= buckets) return BLOCK_SIZES[l];
  return undefined;
}

/** A stored block row as read: block, min point, max point (points per row: 5 + 5). */
export type BlockRow = [block: number, ...min: BlockPoint, ...max: BlockPoint];

function toPoint(step: number, epoch: number | null, time: number, value: number | null): SeriesPoint {
  const v = value === null ? NaN : value;
  return epoch === null ? { step, time, value: v } : { step, epoch, time, value: v };
}

/**
 * A whole ordered series from its blocks (in block order) and its first and last points:
 * the blocks are grouped into `buckets` runs of consecutive blocks (block j in bucket
 * floor(j * buckets / blocks)), each bucket gives its min and max point in series order
 * (one when they are the same point, the first min when the bucket is all NaN), between
 * the first and the last point. Bucket edges fall on block edges, so buckets hold whole
 * blocks and differ in size by at most one block.
 */
export function pointsFromBlocks(rows: readonly BlockRow[], buckets: number, first: BlockPoint, last: BlockPoint): SeriesPoint[] {
  const out: SeriesPoint[] = [toPoint(first[0], first[2], first[3], first[4])];
  const n = rows.length;
  let seqOut = first[1];
  const push = (p: BlockPoint) => {
    if (p[1] <= seqOut || p[1] >= last[1]) return;
    out.push(toPoint(p[0], p[2], p[3], p[4]));
    seqOut = p[1];
  };
  let j = 0;
  for (let b = 0; b < buckets && j < n; b++) {
    let lo: BlockPoint | undefined;
    let hi: BlockPoint | undefined;
    for (; j < n && Math.floor((j * buckets) / n) === b; j++) {
      const r = rows[j];
      const min: BlockPoint = [r[1], r[2], r[3], r[4], r[5]];
      const max: BlockPoint = [r[6], r[7], r[8], r[9], r[10]];
      if (lo === undefined || beats(min[4], lo[4], 1)) lo = min;
      if (hi === undefined || beats(max[4], hi[4], -1)) hi = max;
    }
    if (lo === undefined || hi === undefined) continue;
    if (lo[4] === null || hi[4] === null) push(lo);
    else if (lo[1] === hi[1]) push(lo);
    else {
      const [a, b] = lo[1] < hi[1] ? [lo, hi] : [hi, lo];
      push(a);
      push(b);
    }
  }
  if (last[1] > first[1]) out.push(toPoint(last[0], last[2], last[3], last[4]));
  return out;
}
