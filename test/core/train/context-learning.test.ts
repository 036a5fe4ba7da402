import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCsr, type Dataset } from '../../../core/data';
import { fitFeaturePipeline, type FittedPipeline } from '../../../core/features';
import type { FitContext } from '../../../core/models';
import '../../../core/models/neural/deepfm';
import '../../../core/models/neural/two-tower';
import '../../../core/models/neural/wide-deep';
import { initBackend } from '../../../core/train/backend';
import { NeuralRecommender } from '../../../core/train/neural-recommender';
import { Rng } from '../../../core/util';

/*
 * A dataset where what a user picks depends ONLY on the time of day: items 0-7 are
 * "morning" items, only ever chosen at 08:xx UTC; items 8-15 "evening" items, chosen at
 * 20:xx. Every user picks 3 random items of each kind, so neither the user nor the item id
 * says which half the user wants next; the hour does. Even users' latest interaction is in
 * the morning, odd users' in the evening.
 */
const USERS = 24;
const ITEMS = 16;
const DAY = 86_400;
const T0 = 1_704_067_200; // 2024-01-01 00:00 UTC

function timeOfDayDataset(): Dataset {
  const rng = new Rng(5);
  const user: number[] = [];
  const item: number[] = [];
  const timestamp: number[] = [];
  for (let u = 0; u < USERS; u++) {
    const morning = rng.shuffle(Array.from({ length: 8 }, (_, i) => i)).slice(0, 3);
    const evening = rng.shuffle(Array.from({ length: 8 }, (_, i) => 8 + i)).slice(0, 3);
    // Days 0..5, alternating; the last day's kind follows the user's parity.
    const kinds = u % 2 === 0 ? ['e', 'm', 'e', 'm', 'e', 'm'] : ['m', 'e', 'm', 'e', 'm', 'e'];
    let mi = 0;
    let ei = 0;
    kinds.forEach((kind, day) => {
      user.push(u);
      item.push(kind === 'm' ? morning[mi++] : evening[ei++]);
      timestamp.push(T0 + day * DAY + (kind === 'm' ? 8 : 20) * 3600 + rng.int(3600));
    });
  }
  const n = user.length;
  return {
    name: 'time-of-day',
    source: 'test',
    userIds: Array.from({ length: USERS }, (_, u) => `u${u}`),
    itemIds: Array.from({ length: ITEMS }, (_, i) => `i${i}`),
    interactions: { user: Int32Array.from(user), item: Int32Array.from(item), rating: new Float32Array(n).fill(NaN), timestamp: Float64Array.from(timestamp), context: {} },
    userAttributes: [],
    itemAttributes: [],
  };
}

const isMorningItem = (i: number) => i < 8;

/** AUC of user u's unseen morning (or evening) items over their unseen items of the other kind under scores `s` (ties count 1/2). */
function userAuc(seen: Set<string>, u: number, s: Float32Array, morning: boolean): number {
  const unseen = Array.from({ length: ITEMS }, (_, i) => i).filter((i) => !seen.has(`${u}:${i}`));
  const pos = unseen.filter((i) => isMorningItem(i) === morning);
  const neg = unseen.filter((i) => isMorningItem(i) !== morning);
  let wins = 0;
  for (const p of pos) for (const q of neg) wins += s[p] > s[q] ? 1 : s[p] === s[q] ? 0.5 : 0;
  return wins / (pos.length * neg.length);
}

/** Mean `userAuc` over every user and both contexts, the scores from `score(u, morning)`. */
function contextAuc(seen: Set<string>, score: (u: number, morning: boolean) => Float32Array): number {
  let total = 0;
  for (let u = 0; u < USERS; u++) for (const morning of [true, false]) total += userAuc(seen, u, score(u, morning), morning);
  return total / (2 * USERS);
}

describe('context-aware models learn what only the context tells', () => {
  const ds = timeOfDayDataset();
  const trainIndex = Int32Array.from({ length: ds.interactions.user.length }, (_, k) => k);
  const train = buildCsr(USERS, ITEMS, ds.interactions.user, ds.interactions.item);
  const seen = new Set(Array.from(ds.interactions.user, (u, k) => `${u}:${ds.interactions.item[k]}`));
  let pipeline: FittedPipeline;
  let rows: { morning: Float32Array; evening: Float32Array };

  beforeAll(async () => {
    await initBackend('wasm');
    pipeline = fitFeaturePipeline({ context: [{ type: 'temporal', parts: ['hour'], missingIndicator: false }] }, ds, trainIndex);
    rows = {
      morning: pipeline.transformContext([{ timestamp: T0 + 30 * DAY + 8 * 3600 + 600 }]),
      evening: pipeline.transformContext([{ timestamp: T0 + 30 * DAY + 20 * 3600 + 600 }]),
    };
  });

  const models: [string, Record<string, unknown>][] = [
    ['wide-deep', { type: 'wide-deep', embeddingDim: 8, hidden: [16] }],
    ['deepfm', { type: 'deepfm', embeddingDim: 8, hidden: [16] }],
    ['two-tower', { type: 'two-tower', dim: 8, idDim: 8, userHidden: [16], itemHidden: [16] }],
  ];

  it.each(models)('%s ranks the items of the hour first with context, and cannot without', async (_name, model) => {
    const fit = async (withContext: boolean) => {
      const rec = new NeuralRecommender(model as { type: string }, { epochs: 25, batchSize: 48, loss: 'bce', negatives: 4, evalEvery: 0, optimizer: { type: 'adam', lr: 0.01 } }, {
        contextDim: withContext ? pipeline.contextDim : 0,
        trainContext: withContext ? pipeline.contextFeatures(trainIndex) : undefined,
      });
      await rec.fit({ dataset: ds, train, trainIndex, seed: 7 } as FitContext);
      return rec;
    };
    const inContext = (rec: NeuralRecommender) => (u: number, morning: boolean) => {
      const row = morning ? rows.morning : rows.evening;
      return tf.tidy(
        () =>
          rec.architecture!.score(
            { users: tf.fill([ITEMS], u, 'int32') as tf.Tensor1D, items: tf.range(0, ITEMS, 1, 'int32') as tf.Tensor1D, context: tf.tile(tf.tensor2d(row, [1, row.length]), [ITEMS, 1]) as tf.Tensor2D },
            false,
          ).dataSync() as Float32Array,
      );
    };

    const before = tf.memory().numTensors;
    const aware = await fit(true);
    const blind = await fit(false);
    try {
      expect(aware.contextDim).toBe(2);
      expect(blind.contextDim).toBe(0);
      expect(contextAuc(seen, inContext(aware))).toBeGreaterThan(0.85);
      // Without context a user's scores are the same at 8:00 and 20:00, so the two AUCs of a user sum to 1.
      expect(contextAuc(seen, inContext(blind))).toBeCloseTo(0.5, 6);

      // Full ranking (scoreUsers) ranks each user in their latest training context: the
      // morning for even users, the evening for odd ones.
      const all = new Float32Array(USERS * ITEMS);
      aware.scoreUsers(Int32Array.from({ length: USERS }, (_, u) => u), all);
      let latest = 0;
      for (let u = 0; u < USERS; u++) latest += userAuc(seen, u, all.subarray(u * ITEMS, (u + 1) * ITEMS), u % 2 === 0);
      expect(latest / USERS).toBeGreaterThan(0.85);
    } finally {
      aware.dispose();
      blind.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
