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
  const blocks = Math.ceil(n / size);
  const out = [0];
  for (let b = 0; b < buckets; b++) {
    const members: number[] = [];
    for (let j = 0; j < blocks; j++) if (Math.floor((j * buckets) / blocks) === b) for (let i = j * size; i < Math.min(n, (j + 1) * size); i++) members.push(i);
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
    for (const i of picked) if (i > out[out.length - 1] && i < n - 1) out.push(i);
  }
  out.push(n - 1);
  return out.map((i) => points[i]);
}
