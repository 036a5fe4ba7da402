import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh temp folder per test; `cleanup` removes them all. */
export function tempDirs(): { make: () => string; cleanup: () => void } {
  const dirs: string[] = [];
  return {
    make: () => {
      const d = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-runs-test-'));
      dirs.push(d);
      return d;
    },
    cleanup: () => {
      for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
    },
  };
}

interface Point {
  step: number;
  value: number;
}

/**
 * What the store gives for a whole ordered series of `points` downsampled to `maxPoints`
 * once it reads blocks (core/runs/series-blocks.ts), written out from its definition: the
 * points cut into blocks of the coarsest size of 16, 256, 4096, 65536 that gives at least
 * `buckets` blocks, block j in bucket floor(j * buckets / blocks), each bucket's lowest
 * and highest point (NaN never wins, the earlier point on a tie, the bucket's first point
 * when all are NaN) in series order, between the first and the last point. Undefined when
 * the store reads points instead (too few points per bucket).
 */
export function blockAlignedDownsample<P extends Point>(points: readonly P[], maxPoints: number): P[] | undefined {
  const n = points.length;
  const buckets = Math.floor((maxPoints - 2) / 2);
  if (n <= maxPoints || buckets === 0) return undefined;
  const size = [65536, 4096, 256, 16].find((s) => Math.ceil(n / s) >= buckets);
  if (size === undefined) return undefined;
  const groups: number[][] = [];
  for (let start = 0; start < n; start += size) groups.push(range(start, Math.min(n, start + size)));
  return downsampleGroups(points, groups, buckets);
}

/**
 * The same for the points at indices s0..s1 of an ordered series logged in one go (index =
 * seq), as a zoom reads them: blocks of 16 inside the range, and the points before the
 * first and after the last whole block as a group each.
 */
export function rangeBlockAligned<P extends Point>(points: readonly P[], s0: number, s1: number, maxPoints: number): P[] {
  const buckets = Math.floor((maxPoints - 2) / 2);
  const [j0, j1] = [Math.ceil(s0 / 16), Math.floor((s1 + 1) / 16)];
  const groups: number[][] = [];
  if (j0 * 16 > s0) groups.push(range(s0, j0 * 16));
  for (let j = j0; j < j1; j++) groups.push(range(j * 16, (j + 1) * 16));
  if (s1 + 1 > j1 * 16) groups.push(range(j1 * 16, s1 + 1));
  return downsampleGroups(points, groups, buckets);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/** Groups (of point indices, in order) j in bucket floor(j * buckets / groups); each bucket's min and max between the first and last point. */
function downsampleGroups<P extends Point>(points: readonly P[], groups: number[][], buckets: number): P[] {
  const first = groups[0][0];
  const lastGroup = groups[groups.length - 1];
  const last = lastGroup[lastGroup.length - 1];
  const out = [first];
  for (let b = 0; b < buckets; b++) {
    const members = groups.filter((_, j) => Math.floor((j * buckets) / groups.length) === b).flat();
    if (members.length === 0) continue;
    let lo = -1;
    let hi = -1;
    for (const i of members) {
      const v = points[i].value;
      if (Number.isNaN(v)) continue;
      if (lo < 0 || v < points[lo].value) lo = i;
      if (hi < 0 || v > points[hi].value) hi = i;
    }
    const picked = lo < 0 ? [members[0]] : lo === hi ? [lo] : [Math.min(lo, hi), Math.max(lo, hi)];
    for (const i of picked) if (i > out[out.length - 1] && i < last) out.push(i);
  }
  out.push(last);
  return out.map((i) => points[i]);
}
