/**
 * Edit distance between two names, ignoring case: Levenshtein distance plus adjacent
 * transpositions counted as one edit (optimal string alignment), the usual typos in a
 * key or a type name (`dimm`, `lamda`, `neumff`, `ltaent`).
 */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  // Three rows of the dynamic programme: the one two back is needed for transpositions.
  let twoBack = new Array<number>(t.length + 1).fill(0);
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  let current = new Array<number>(t.length + 1).fill(0);
  for (let i = 1; i <= s.length; i++) {
    current[0] = i;
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d = Math.min(d, twoBack[j - 2] + 1);
      current[j] = d;
    }
    [twoBack, previous, current] = [previous, current, twoBack];
  }
  return previous[t.length];
}

/**
 * The candidate nearest to `word` when it is near enough to be a typo of it (at most one
 * edit per three characters, and at least one), else undefined. Ties go to the earlier
 * candidate, so callers list the likelier names first.
 */
export function closestName(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance && d <= Math.max(1, Math.floor(Math.max(word.length, c.length) / 3))) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** `; did you mean 'x'?` when a candidate is close to `word`, else the empty string. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const near = closestName(word, candidates);
  return near === undefined ? '' : `; did you mean '${near}'?`;
}
