/**
 * Fuzzy matching for the command palette and Quick Open, in the manner of VS Code's:
 * the query's characters must appear in order (case-insensitive, spaces ignored), and
 * matches that start words, run together or start the text score higher, so "tgl thm"
 * finds "Toggle Color Theme" and "hgs" finds "hybrid-gate-sample". Returns the matched
 * positions for highlighting.
 */
export interface FuzzyMatch {
  score: number;
  /** Indexes in the target of the matched characters, ascending. */
  positions: number[];
}

const SEPARATORS = new Set([' ', '/', '\\', '-', '_', '.', ':', '(', ')', '[', ']', '@']);

function isWordStart(target: string, j: number): boolean {
  if (j === 0) return true;
  const prev = target[j - 1];
  if (SEPARATORS.has(prev)) return true;
  const c = target[j];
  // camelCase and digits after letters: "runAll", "ml100k".
  return (prev === prev.toLowerCase() && c !== c.toLowerCase()) || (/[0-9]/.test(c) && !/[0-9]/.test(prev));
}

const START = 8;
const WORD_START = 6;
const CONSECUTIVE = 5;
const SAME_CASE = 1;
const BASE = 1;
const GAP = 1;

/** The best match of `query` in `target`, or undefined when the characters are not all there in order. */
export function fuzzyMatch(query: string, target: string): FuzzyMatch | undefined {
  const q = query.replace(/\s+/g, '');
  if (!q) return { score: 0, positions: [] };
  const m = q.length;
  const n = target.length;
  if (m > n) return undefined;
  const ql = q.toLowerCase();
  const tl = target.toLowerCase();
  // score[i][j]: best score with query[i] matched at target[j]; -Infinity where impossible.
  const score: Float64Array[] = [];
  const from: Int32Array[] = [];
  for (let i = 0; i < m; i++) {
    const row = new Float64Array(n).fill(-Infinity);
    const back = new Int32Array(n).fill(-1);
    const prev = i > 0 ? score[i - 1] : undefined;
    // Best of the previous row strictly before j-1 (a gap), kept as we go.
    let bestGap = -Infinity;
    let bestGapAt = -1;
    for (let j = i; j < n; j++) {
      if (prev && j >= 2 && prev[j - 2] > bestGap) {
        bestGap = prev[j - 2];
        bestGapAt = j - 2;
      }
      if (tl[j] !== ql[i]) continue;
      let own = BASE + (target[j] === q[i] ? SAME_CASE : 0);
      if (j === 0) own += START;
      else if (isWordStart(target, j)) own += WORD_START;
      if (!prev) {
        row[j] = own - (j > 0 ? GAP : 0);
        continue;
      }
      const viaConsecutive = j >= 1 ? prev[j - 1] + CONSECUTIVE : -Infinity;
      const viaGap = bestGap - GAP;
      if (viaConsecutive === -Infinity && viaGap === -Infinity) continue;
      if (viaConsecutive >= viaGap) {
        row[j] = own + viaConsecutive;
        back[j] = j - 1;
      } else {
        row[j] = own + viaGap;
        back[j] = bestGapAt;
      }
    }
    score.push(row);
    from.push(back);
  }
  let best = -Infinity;
  let at = -1;
  const last = score[m - 1];
  for (let j = 0; j < n; j++) {
    if (last[j] > best) {
      best = last[j];
      at = j;
    }
  }
  if (at < 0) return undefined;
  const positions = new Array<number>(m);
  for (let i = m - 1; i >= 0; i--) {
    positions[i] = at;
    at = from[i][at];
  }
  return { score: best, positions };
}

export interface Ranked<T> {
  item: T;
  match: FuzzyMatch;
}

/**
 * Items that match, best first: by score, then shorter text, then the order given
 * (so a list already in a useful order, recently used first, keeps it among equals).
 */
export function fuzzyRank<T>(query: string, items: readonly T[], text: (item: T) => string): Ranked<T>[] {
  const out: (Ranked<T> & { index: number; length: number })[] = [];
  items.forEach((item, index) => {
    const t = text(item);
    const match = fuzzyMatch(query, t);
    if (match) out.push({ item, match, index, length: t.length });
  });
  if (query.trim()) out.sort((a, b) => b.match.score - a.match.score || a.length - b.length || a.index - b.index);
  return out.map(({ item, match }) => ({ item, match }));
}
