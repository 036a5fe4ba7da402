import { describe, expect, it } from 'vitest';
import { evaluateRanking } from '../../../core/eval/evaluate';
import { PopularityFallbackScorer } from '../../../core/eval/fallback';
import type { Scorer } from '../../../core/eval/types';
import { csrOf, FixedScorer, scoresOf } from './fixtures';

/** A fixed scorer that remembers which users it was asked about. */
class RecordingScorer implements Scorer {
  readonly asked: number[] = [];
  private readonly inner: FixedScorer;
  constructor(
    readonly nItems: number,
    scores: Float32Array,
  ) {
    this.inner = new FixedScorer(nItems, scores);
  }
  scoreUsers(users: Int32Array, out: Float32Array): void {
    this.asked.push(...users);
    this.inner.scoreUsers(users, out);
  }
}

/**
 * Four items, three users. User 0 has history (train {3}); users 1 and 2 have none, and the
 * model gives them one score for every item, as EASE does. Training popularity [5, 1, 9, 1].
 */
function setup() {
  const model = new RecordingScorer(4, scoresOf([[0.1, 0.9, 0.3, 0.2], [0, 0, 0, 0], [0, 0, 0, 0]]));
  const train = csrOf(4, [[3], [], []]);
  const trainCounts = Int32Array.from([1, 0, 0]);
  const popularity = Int32Array.from([5, 1, 9, 1]);
  return { model, train, trainCounts, popularity, truth: csrOf(4, [[1], [2], [0]]) };
}

describe('PopularityFallbackScorer', () => {
  it('ranks users without history by popularity and asks the model only about the others', async () => {
    const { model, train, trainCounts, popularity, truth } = setup();
    const scorer = new PopularityFallbackScorer(model, trainCounts, popularity);
    const r = await evaluateRanking({ scorer, truth, exclude: [train], ks: [1, 2], keepTopK: 2, trainCounts: train, segments: { activityBuckets: 0 } });
    expect(model.asked).toEqual([0]);
    // user 0 (model, item 3 masked): [1 (.9), 2 (.3)]; user 1: [2 (9), 0 (5)]; user 2: the same.
    expect(r.topK!.map((t) => Array.from(t.items))).toEqual([
      [1, 2],
      [2, 0],
      [2, 0],
    ]);
    // hit@1: users 0 and 1 yes, user 2 (truth {0}) at rank 2 -> 2/3; hit@2 all.
    expect(r.overall['hit@1']).toBeCloseTo(2 / 3, 12);
    expect(r.overall['hit@2']).toBe(1);
    expect(r.tiedUsers).toBe(0);
    expect(r.segments['users:no-history']['hit@1']).toBeCloseTo(1 / 2, 12);
  });

  it('without it, those users are all tied and counted so', async () => {
    const { model, train, popularity: _p, truth } = setup();
    const r = await evaluateRanking({ scorer: model, truth, exclude: [train], ks: [1] });
    expect(model.asked).toEqual([0, 1, 2]);
    expect(r.tiedUsers).toBe(2);
  });

  it('passes a batch of users with history straight through, and checks the item count', async () => {
    const { model, trainCounts, popularity } = setup();
    const scorer = new PopularityFallbackScorer(model, trainCounts, popularity);
    const out = new Float32Array(4);
    await scorer.scoreUsers(Int32Array.from([0]), out);
    expect(Array.from(out)).toEqual(Array.from(Float32Array.from([0.1, 0.9, 0.3, 0.2])));
    expect(() => new PopularityFallbackScorer(model, trainCounts, Int32Array.from([1, 2]))).toThrow(/2 entries but the model scores 4 items/);
  });
});
