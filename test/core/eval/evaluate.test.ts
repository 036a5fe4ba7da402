import { describe, expect, it } from 'vitest';
import { buildCsr } from '../../../core/data/matrix';
import { evaluateRanking } from '../../../core/eval/evaluate';
import { rankingMetrics, userAuc } from '../../../core/eval/metrics';
import { tieRank, tieSalt } from '../../../core/eval/topk';
import { Rng } from '../../../core/util';
import { csrOf, FixedScorer, scoresOf } from './fixtures';

const L3 = 1 / Math.log2(3); // 0.6309297535714575
const L4 = 1 / Math.log2(4); // 0.5
const L5 = 1 / Math.log2(5); // 0.43067655807339306

/**
 * Three users, five items.
 * user 0: scores [.1 .9 .8 .3 .5], train {1} masked, truth {3, 0}
 *         -> ranking without item 1: [2 (.8), 4 (.5), 3 (.3), 0 (.1)]
 * user 1: scores [.5 .5 .5 .2 .5], nothing masked, truth {4}
 *         -> ties in the seeded order of seed 0 for user 1 (tieOrder): [2, 0, 1, 4, 3]
 * user 2: no truth -> skipped.
 */
function tiny() {
  const scorer = new FixedScorer(
    5,
    scoresOf([
      [0.1, 0.9, 0.8, 0.3, 0.5],
      [0.5, 0.5, 0.5, 0.2, 0.5],
      [0.3, 0.2, 0.1, 0.0, 0.9],
    ]),
  );
  return { scorer, truth: csrOf(5, [[3, 0], [4], []]), train: csrOf(5, [[1], [], [2]]) };
}

/** Items in the order equal scores take for (seed, user). */
function tieOrder(items: number[], seed: number, user: number): number[] {
  const salt = tieSalt(seed, user);
  return [...items].sort((a, b) => tieRank(salt, a) - tieRank(salt, b));
}

describe('evaluateRanking (full ranking)', () => {
  it('matches hand-computed metrics, with masking and tie order', async () => {
    const { scorer, truth, train } = tiny();
    expect(tieOrder([0, 1, 2, 4], 0, 1)).toEqual([2, 0, 1, 4]);
    const r = await evaluateRanking({ scorer, truth, exclude: [train], ks: [2, 4], keepTopK: 5 });
    expect(r.nUsers).toBe(2);
    expect(r.tiedUsers).toBe(0);
    expect(r.sampled).toBe(false);
    expect(r.protocol).toBe('full ranking over all 5 items, 1 masked part');
    // K=2: user 0 top [2,4], user 1 top [2,0]: no hits anywhere.
    for (const m of ['precision', 'recall', 'ndcg', 'hit', 'map', 'mrr']) expect(r.overall[`${m}@2`]).toBe(0);
    // K=4: user 0 hits at ranks 3, 4 (relevant 2): precision 2/4, recall 1,
    //   ndcg (1/log2 4 + 1/log2 5) / (1 + 1/log2 3) = 0.930677/1.630930 = 0.570643,
    //   AP (1/3 + 2/4) / 2 = 0.416667, mrr 1/3.
    // user 1 hit at rank 4 (relevant 1): precision 1/4, recall 1, ndcg 1/log2 5 = 0.430677,
    //   AP (1/4)/1, mrr 1/4.
    expect(r.overall['precision@4']).toBeCloseTo((0.5 + 0.25) / 2, 12);
    expect(r.overall['recall@4']).toBeCloseTo(1, 12);
    expect(r.overall['ndcg@4']).toBeCloseTo(((L4 + L5) / (1 + L3) + L5) / 2, 12);
    expect(r.overall['ndcg@4']).toBeCloseTo(0.50066, 5);
    expect(r.overall['map@4']).toBeCloseTo((5 / 12 + 1 / 4) / 2, 12);
    expect(r.overall['mrr@4']).toBeCloseTo((1 / 3 + 1 / 4) / 2, 12);
    expect(r.overall['hit@4']).toBe(1);
    // AUC user 0: positives 3 (.3), 0 (.1) vs negatives 2 (.8), 4 (.5): 0 of 4 pairs.
    // AUC user 1: positive 4 (.5) vs 0, 1, 2 (ties, 1/2 each) and 3 (.2, won): 2.5 / 4.
    expect(r.overall.auc).toBeCloseTo((0 + 0.625) / 2, 12);
    // Coverage@2: {2,4} u {2,0} = 3 of 5 items; @4: all 5.
    expect(r.overall['coverage@2']).toBeCloseTo(0.6, 12);
    expect(r.overall['coverage@4']).toBeCloseTo(1, 12);
    // The masked item 1 is never recommended to user 0, even with room for 5.
    expect(r.topK).toHaveLength(2);
    expect(Array.from(r.topK![0].items)).toEqual([2, 4, 3, 0]);
    expect(Array.from(r.topK![0].scores)).toEqual(Array.from(Float32Array.from([0.8, 0.5, 0.3, 0.1])));
    expect(r.topK![1]).toMatchObject({ user: 1 });
    expect(Array.from(r.topK![1].items)).toEqual([2, 0, 1, 4, 3]);
    // No novelty/ild without their inputs.
    expect(r.overall['novelty@2']).toBeUndefined();
    expect(r.overall['ild@2']).toBeUndefined();
    expect(Object.keys(r.segments)).toEqual([]);
  });

  it('computes novelty, ARP and intra-list diversity', async () => {
    const { scorer, truth, train } = tiny();
    // popularity [4,2,1,0,8], nUsers = 3 rows.
    // user 0 top2 [2,4]: novelty (-log2(1/3) - log2(8/3)) / 2 = (1.584963 - 1.415037)/2 = 0.084963, arp (1+8)/2 = 4.5
    // user 1 top2 [2,0]: novelty (-log2(1/3) - log2(4/3)) / 2 = (1.584963 - 0.415037)/2 = 0.584963, arp 2.5
    const itemPopularity = Int32Array.from([4, 2, 1, 0, 8]);
    // features: item0 [1,0,0], item1 [1,1,0], item2 [0,0,1], item3 zero, item4 [1,0,1].
    const itemFeatures = csrOf(3, [[0], [0, 1], [2], [], [0, 2]]);
    const r = await evaluateRanking({ scorer, truth, exclude: [train], ks: [2, 4], itemPopularity, itemFeatures });
    const nov = (p: number) => -Math.log2(Math.max(p, 1) / 3);
    expect(r.overall['novelty@2']).toBeCloseTo((nov(1) + nov(8) + nov(1) + nov(4)) / 4, 12);
    expect(r.overall['novelty@2']).toBeCloseTo((0.0849625 + 0.5849625) / 2, 6);
    expect(r.overall['arp@2']).toBeCloseTo((4.5 + 2.5) / 2, 12);
    // ild@2: user 0 {2,4}: 1 - 1/sqrt2; user 1 {2,0}: orthogonal, 1.
    const d = 1 - 1 / Math.SQRT2;
    expect(r.overall['ild@2']).toBeCloseTo((d + 1) / 2, 12);
    // ild@4: user 0 [2,4,3,0]: pairs with item 3 (no features) skipped; (2,4) d, (2,0) 1, (4,0) d -> (2d+1)/3.
    // user 1 [2,0,1,4]: (0,1) d, (0,2) 1, (0,4) d, (1,2) 1, (1,4) 1 - 1/2 = .5, (2,4) d -> (3d + 2.5)/6.
    expect(r.overall['ild@4']).toBeCloseTo(((2 * d + 1) / 3 + (3 * d + 2.5) / 6) / 2, 12);
  });

  it('ranks only the candidates and drops relevant items outside them', async () => {
    const { scorer, truth, train } = tiny();
    // candidates {0,3,4}. user 0: [4 (.5), 3 (.3), 0 (.1)], truth {3,0}; user 1: [0, 4, 3] (tie .5: 0 first), truth {4}.
    // K=2: user 0 hit at 2: recall 1/2, ndcg L3/(1+L3); user 1 hit at 2: recall 1, ndcg L3.
    const r = await evaluateRanking({ scorer, truth, exclude: [train], ks: [2], candidates: Int32Array.from([4, 0, 3]) });
    expect(r.nUsers).toBe(2);
    expect(r.protocol).toBe('full ranking over 3 candidate items, 1 masked part');
    expect(r.overall['recall@2']).toBeCloseTo(0.75, 12);
    expect(r.overall['ndcg@2']).toBeCloseTo((L3 / (1 + L3) + L3) / 2, 12);
    expect(r.overall['coverage@2']).toBeCloseTo(1, 12); // {4,3} u {0,4} = all 3 candidates
    // A user whose only relevant item is not a candidate is skipped.
    const r2 = await evaluateRanking({ scorer, truth: csrOf(5, [[2], [4], []]), exclude: [train], ks: [2], candidates: Int32Array.from([0, 3, 4]) });
    expect(r2.nUsers).toBe(1);
    // AUC over candidates only: user 0 positives 3, 0 vs negative 4 -> 0.
    expect(r.overall.auc).toBeCloseTo((0 + (0.5 + 1) / 2) / 2, 12);
  });

  it('breaks ties in a seeded order per user, counts all-tied users and never recommends masked items', async () => {
    const scorer = new FixedScorer(6, new Float32Array(12)); // every score 0
    const truth = csrOf(6, [[5], [0]]);
    const train = csrOf(6, [[0, 2], []]);
    // Seed 0: user 0's unmasked items [1,3,4,5] come as [4,5,3,1]; user 1's [0..5] as [5,2,0,3,1,4].
    expect(tieOrder([1, 3, 4, 5], 0, 0)).toEqual([4, 5, 3, 1]);
    expect(tieOrder([0, 1, 2, 3, 4, 5], 0, 1)).toEqual([5, 2, 0, 3, 1, 4]);
    const r = await evaluateRanking({ scorer, truth, exclude: [train], ks: [3], keepTopK: 3 });
    expect(Array.from(r.topK![0].items)).toEqual([4, 5, 3]);
    expect(Array.from(r.topK![1].items)).toEqual([5, 2, 0]);
    expect(r.tiedUsers).toBe(2);
    // Both relevant items land in the top 3 (ranks 2 and 3); AUC with all ties is 1/2 for both users.
    expect(r.overall['hit@3']).toBeCloseTo(1, 12);
    expect(r.overall['mrr@3']).toBeCloseTo((1 / 2 + 1 / 3) / 2, 12);
    expect(r.overall.auc).toBeCloseTo(0.5, 12);
    // Another seed, another order; the same seed, the same.
    const other = await evaluateRanking({ scorer, truth, exclude: [train], ks: [3], keepTopK: 3, seed: 1 });
    expect(Array.from(other.topK![1].items)).toEqual(tieOrder([0, 1, 2, 3, 4, 5], 1, 1).slice(0, 3));
    expect(Array.from(other.topK![1].items)).not.toEqual([5, 2, 0]);
    const again = await evaluateRanking({ scorer, truth, exclude: [train], ks: [3], keepTopK: 3, seed: 1 });
    expect(again.overall).toEqual(other.overall);
  });

  it('counts as tied only users whose rankable items all score the same', async () => {
    // user 0: [1 1 1 1] all tied. user 1: [1 1 1 2] not tied. user 2: tied except for the masked
    // item 3, so tied over what can be ranked. user 3: one rankable item: nothing to rank, not tied.
    const scorer = new FixedScorer(4, scoresOf([[1, 1, 1, 1], [1, 1, 1, 2], [3, 3, 3, 9], [0, 5, 6, 7]]));
    const truth = csrOf(4, [[0], [0], [0], [0]]);
    const train = csrOf(4, [[], [], [3], [1, 2, 3]]);
    const r = await evaluateRanking({ scorer, truth, exclude: [train], ks: [2] });
    expect(r.nUsers).toBe(4);
    expect(r.tiedUsers).toBe(2);
    // Over candidates {0, 1, 2} user 1 is tied too.
    const c = await evaluateRanking({ scorer, truth, exclude: [train], ks: [2], candidates: Int32Array.from([0, 1, 2]) });
    expect(c.tiedUsers).toBe(3);
    const sampled = await evaluateRanking({ scorer, truth, exclude: [train], ks: [2], sampled: { negatives: 10, seed: 1 } });
    expect(sampled.tiedUsers).toBe(2);
  });

  it('counts a relevant item that is also masked as a miss, and leaves it out of AUC', async () => {
    // user 0: truth {1, 2}, item 1 also in train (a repeated pair). scores favour 1, then 2.
    const scorer = new FixedScorer(4, Float32Array.from([0, 0.9, 0.8, 0.1]));
    const r = await evaluateRanking({ scorer, truth: csrOf(4, [[1, 2]]), exclude: [csrOf(4, [[1]])], ks: [1] });
    // top1 = [2]: recall 1/2, ndcg 1 / idcg(min(2,1)) = 1.
    expect(r.overall['recall@1']).toBeCloseTo(0.5, 12);
    expect(r.overall['ndcg@1']).toBeCloseTo(1, 12);
    // AUC: positive 2 (.8) vs negatives 0, 3 -> 1.
    expect(r.overall.auc).toBe(1);
  });

  it('stops on NaN scores and rejects mismatched shapes and bad ks', async () => {
    const { truth, train } = tiny();
    const nan = new FixedScorer(5, Float32Array.from({ length: 15 }, (_, i) => (i === 4 ? NaN : i)));
    await expect(evaluateRanking({ scorer: nan, truth, exclude: [train], ks: [2] })).rejects.toThrow(/NaN/);
    await expect(evaluateRanking({ scorer: new FixedScorer(4, new Float32Array(12)), truth, ks: [2] })).rejects.toThrow(/scores 4 items/);
    await expect(evaluateRanking({ scorer: tiny().scorer, truth, ks: [0] })).rejects.toThrow(/positive integers/);
    await expect(evaluateRanking({ scorer: tiny().scorer, truth, exclude: [csrOf(4, [[1]])], ks: [1] })).rejects.toThrow(/exclude\[0\]/);
  });

  it('agrees with a brute-force reference (full sort) on random data, for any batch size', async () => {
    const rng = new Rng(7);
    const nUsers = 60;
    const nItems = 45;
    // Scores rounded to a coarse grid, so that ties are frequent.
    const scores = Float32Array.from({ length: nUsers * nItems }, () => Math.round(rng.next() * 20) / 20);
    const rows = (p: number) => Array.from({ length: nUsers }, () => Array.from({ length: nItems }, (_, i) => i).filter(() => rng.next() < p));
    const truth = csrOf(nItems, rows(0.12));
    const train = csrOf(nItems, rows(0.25));
    const candidates = Int32Array.from({ length: nItems }, (_, i) => i).filter((i) => i % 3 !== 0);
    const ks = [1, 5, 10];
    for (const cand of [undefined, candidates]) {
      const scorer = new FixedScorer(nItems, scores);
      const r1 = await evaluateRanking({ scorer, truth, exclude: [train], ks, candidates: cand, batchSize: 7, seed: 3 });
      const r2 = await evaluateRanking({ scorer, truth, exclude: [train], ks, candidates: cand, seed: 3 });
      expect(r1.overall).toEqual(r2.overall);

      const sums: Record<string, number> = {};
      let users = 0;
      let aucSum = 0;
      let aucUsers = 0;
      for (let u = 0; u < nUsers; u++) {
        const row = scores.subarray(u * nItems, (u + 1) * nItems);
        const masked = new Set(Array.from(train.indices.subarray(train.indptr[u], train.indptr[u + 1])));
        const isCand = (i: number) => !cand || cand.includes(i);
        const rel = Array.from(truth.indices.subarray(truth.indptr[u], truth.indptr[u + 1])).filter(isCand);
        if (rel.length === 0) continue;
        users++;
        const eligible = Array.from({ length: nItems }, (_, i) => i).filter((i) => isCand(i) && !masked.has(i));
        const salt = tieSalt(3, u);
        const ranked = [...eligible].sort((a, b) => row[b] - row[a] || tieRank(salt, a) - tieRank(salt, b));
        for (const k of ks) {
          const m = rankingMetrics(ranked, rel, k);
          for (const [name, v] of Object.entries(m)) sums[`${name}@${k}`] = (sums[`${name}@${k}`] ?? 0) + v;
        }
        const a = userAuc(row, rel.filter((i) => !masked.has(i)), eligible);
        if (!Number.isNaN(a)) {
          aucSum += a;
          aucUsers++;
        }
      }
      expect(r1.nUsers).toBe(users);
      for (const [key, v] of Object.entries(sums)) expect(r1.overall[key]).toBeCloseTo(v / users, 12);
      expect(r1.overall.auc).toBeCloseTo(aucSum / aucUsers, 12);
    }
  });

  it('evaluates only the requested users', async () => {
    const { scorer, truth, train } = tiny();
    const r = await evaluateRanking({ scorer, truth, exclude: [train], ks: [4], users: Int32Array.from([1, 2]) });
    expect(r.nUsers).toBe(1);
    expect(r.overall['ndcg@4']).toBeCloseTo(L5, 12);
    // A repeated user counts once: mean over users 0 and 1, not 0, 0, 1.
    const twice = await evaluateRanking({ scorer, truth, exclude: [train], ks: [4], users: Int32Array.from([0, 0, 1]) });
    expect(twice.nUsers).toBe(2);
    expect(twice.overall['ndcg@4']).toBeCloseTo(((L4 + L5) / (1 + L3) + L5) / 2, 12);
    await expect(evaluateRanking({ scorer, truth, ks: [4], users: Int32Array.from([3]) })).rejects.toThrow(/outside 0..2/);
  });
});

describe('evaluateRanking segments', () => {
  it('restricts the truth to cold and warm items', async () => {
    const { scorer, truth, train } = tiny();
    const r = await evaluateRanking({ scorer, truth, exclude: [train], ks: [4], coldItems: Int32Array.from([3]), segments: true });
    expect(Object.keys(r.segments)).toEqual(['items:cold', 'items:warm']);
    // items:cold: only user 0 (truth {3}), ranking [2,4,3,0]: hit at rank 3 ->
    //   ndcg 1/log2 4 = 0.5, precision 1/4, map (1/3)/1, mrr 1/3.
    //   AUC: positive 3 (.3) vs negatives 2 (.8), 4 (.5), 0 (.1; now a negative) -> 1/3.
    expect(r.segmentUsers['items:cold']).toBe(1);
    expect(r.segments['items:cold']['ndcg@4']).toBeCloseTo(0.5, 12);
    expect(r.segments['items:cold']['map@4']).toBeCloseTo(1 / 3, 12);
    expect(r.segments['items:cold'].auc).toBeCloseTo(1 / 3, 12);
    // items:warm: user 0 truth {0} at rank 4 (ndcg L5), user 1 truth {4} at rank 4 (ndcg L5).
    expect(r.segmentUsers['items:warm']).toBe(2);
    expect(r.segments['items:warm']['ndcg@4']).toBeCloseTo(L5, 12);
    expect(r.segments['items:warm']['recall@4']).toBeCloseTo(1, 12);
    // The overall numbers are those of the unsegmented run.
    const plain = await evaluateRanking({ scorer, truth, exclude: [train], ks: [4] });
    expect(r.overall).toEqual(plain.overall);
  });

  it('buckets users by train count and items by popularity', async () => {
    const rng = new Rng(3);
    const nUsers = 40;
    const nItems = 30;
    const scores = Float32Array.from({ length: nUsers * nItems }, () => rng.next());
    const trainRows = Array.from({ length: nUsers }, (_, u) => Array.from({ length: nItems }, (_, i) => i).filter(() => rng.next() < 0.05 + u / 80));
    const truthRows = Array.from({ length: nUsers }, (_, u) => [(u * 7) % nItems, (u * 11 + 3) % nItems].filter((i) => !trainRows[u].includes(i)));
    const train = csrOf(nItems, trainRows);
    const truth = csrOf(nItems, truthRows);
    const itemPopularity = new Int32Array(nItems);
    for (const i of train.indices) itemPopularity[i]++;
    const r = await evaluateRanking({ scorer: new FixedScorer(nItems, scores), truth, exclude: [train], ks: [5], trainCounts: train, itemPopularity, segments: true });
    const activity = Object.keys(r.segments).filter((s) => s.startsWith('users:activity['));
    expect(activity.length).toBeGreaterThanOrEqual(3);
    expect(activity.reduce((n, s) => n + r.segmentUsers[s], 0)).toBe(r.nUsers);
    // Each activity bucket equals an evaluation restricted to its users.
    for (const name of activity) {
      const [lo, hi] = name.slice('users:activity['.length, -1).split('-').map(Number);
      const users = Int32Array.from({ length: nUsers }, (_, u) => u).filter((u) => trainRows[u].length >= lo && trainRows[u].length <= hi);
      const only = await evaluateRanking({ scorer: new FixedScorer(nItems, scores), truth, exclude: [train], ks: [5], itemPopularity, users });
      expect(r.segmentUsers[name]).toBe(only.nUsers);
      for (const [key, v] of Object.entries(only.overall)) expect(r.segments[name][key]).toBeCloseTo(v, 12);
    }
    // Head/mid/tail: each equals an evaluation with the truth restricted to those items.
    for (const name of ['items:head', 'items:mid', 'items:tail']) expect(r.segments[name]).toBeDefined();
    const order = Array.from({ length: nItems }, (_, i) => i).sort((a, b) => itemPopularity[b] - itemPopularity[a] || a - b);
    const total = itemPopularity.reduce((a, b) => a + b, 0);
    let before = 0;
    const head = new Set<number>();
    for (const i of order) {
      if (before < 0.2 * total) head.add(i);
      before += itemPopularity[i];
    }
    const headTruth = csrOf(nItems, truthRows.map((row) => row.filter((i) => head.has(i))));
    const onlyHead = await evaluateRanking({ scorer: new FixedScorer(nItems, scores), truth: headTruth, exclude: [train], ks: [5], itemPopularity });
    expect(r.segmentUsers['items:head']).toBe(onlyHead.nUsers);
    for (const key of ['ndcg@5', 'recall@5', 'map@5', 'auc', 'novelty@5']) expect(r.segments['items:head'][key]).toBeCloseTo(onlyHead.overall[key], 12);
  });

  it('evaluates users without training history in their own segment', async () => {
    // tiny(): train rows [[1], [], [2]]: user 1 has no history. Its numbers alone: truth {4} at rank 4.
    const { scorer, truth, train } = tiny();
    const r = await evaluateRanking({ scorer, truth, exclude: [train], ks: [4], trainCounts: train, segments: { activityBuckets: 0 } });
    expect(r.segmentUsers['users:no-history']).toBe(1);
    expect(r.segments['users:no-history']['ndcg@4']).toBeCloseTo(L5, 12);
    const alone = await evaluateRanking({ scorer, truth, exclude: [train], ks: [4], users: Int32Array.from([1]) });
    expect(r.segments['users:no-history']).toEqual(alone.overall);
  });

  it('adds cold/warm user segments when cold users are given', async () => {
    const { scorer, truth, train } = tiny();
    const r = await evaluateRanking({ scorer, truth, exclude: [train], ks: [4], coldUsers: Int32Array.from([1]), segments: { activityBuckets: 0 } });
    expect(r.segmentUsers).toEqual({ 'users:cold': 1, 'users:warm': 1 });
    expect(r.segments['users:cold']['ndcg@4']).toBeCloseTo(L5, 12);
  });
});

describe('evaluateRanking sampled', () => {
  it('is labelled sampled and matches the hand computation when every negative is drawn', async () => {
    const { scorer, truth, train } = tiny();
    const r = await evaluateRanking({ scorer, truth, exclude: [train], ks: [2, 4], sampled: { negatives: 100, seed: 1 } });
    expect(r.sampled).toBe(true);
    expect(r.protocol).toMatch(/^sampled: 100 negatives per user/);
    expect(Object.keys(r.overall)).toEqual(['hit@2', 'ndcg@2', 'mrr@2', 'hit@4', 'ndcg@4', 'mrr@4', 'auc']);
    expect(r.topK).toBeUndefined();
    // user 0: negatives {2 (.8), 4 (.5)}; relevant 3 (.3) and 0 (.1) both rank 3.
    //   hit@4 1, ndcg@4 1/log2 4 = .5, mrr 1/3, auc 0.
    // user 1: negatives {0,1,2 (.5 ties), 3 (.2)}; the tie order of seed 1 for user 1 is [0,4,2,1],
    //   so only item 0 goes before relevant 4 (.5), which ranks 2.
    //   hit@2 1, ndcg 1/log2 3, mrr 1/2, auc (3 * 1/2 + 1) / 4 = .625.
    expect(tieOrder([0, 1, 2, 4], 1, 1)).toEqual([0, 4, 2, 1]);
    expect(r.overall['hit@2']).toBe(0.5);
    expect(r.overall['hit@4']).toBe(1);
    expect(r.overall['ndcg@2']).toBeCloseTo(L3 / 2, 12);
    expect(r.overall['ndcg@4']).toBeCloseTo((0.5 + L3) / 2, 12);
    expect(r.overall['mrr@4']).toBeCloseTo((1 / 3 + 1 / 2) / 2, 12);
    expect(r.overall.auc).toBeCloseTo(0.3125, 12);
  });

  it('never samples masked or relevant items, and repeats for a seed', async () => {
    // 200 items; user scores: relevant item 0 -> .5, masked items 1..20 -> 1.0, others 0.
    const nItems = 200;
    const row = Float32Array.from({ length: nItems }, (_, i) => (i === 0 ? 0.5 : i <= 20 ? 1 : 0));
    const scorer = new FixedScorer(nItems, Float32Array.from([...row, ...row]));
    const truth = csrOf(nItems, [[0], [0, 5]]);
    const all = Array.from({ length: 20 }, (_, i) => i + 1);
    const exclude = [csrOf(nItems, [all, all.filter((i) => i !== 5)])];
    // user 1's item 5 is relevant (score 1): if it were drawn as a negative, item 0 would drop to rank 2.
    const r = await evaluateRanking({ scorer, truth, exclude, ks: [1], sampled: { negatives: 150, seed: 9 } });
    // user 0: item 0 ranks 1. user 1: item 0 ranks 1, item 5 ranks 1 -> hit@1 = 1.
    expect(r.overall['hit@1']).toBe(1);
    const again = await evaluateRanking({ scorer, truth, exclude, ks: [1], sampled: { negatives: 150, seed: 9 } });
    expect(again.overall).toEqual(r.overall);
  });

  it('depends on the seed when sampling fewer negatives than available', async () => {
    const rng = new Rng(5);
    const nItems = 100;
    const nUsers = 30;
    const scores = Float32Array.from({ length: nUsers * nItems }, () => rng.next());
    const truth = buildCsr(nUsers, nItems, Int32Array.from({ length: nUsers }, (_, u) => u), Int32Array.from({ length: nUsers }, (_, u) => (u * 13) % nItems));
    const run = (seed: number) => evaluateRanking({ scorer: new FixedScorer(nItems, scores), truth, ks: [5], sampled: { negatives: 10, seed } });
    const [a, b, c] = await Promise.all([run(1), run(1), run(2)]);
    expect(a.overall).toEqual(b.overall);
    expect(a.overall.auc).not.toBe(c.overall.auc);
  });
});
