import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCsr, type CsrMatrix } from '../../../core/data';
import type { ArchitectureBatch, NeuralArchitecture } from '../../../core/models';
import { initBackend } from '../../../core/train/backend';
import { batchContextRows, gatherRows, latestUserInteractions, positiveInteractions } from '../../../core/train/context-rows';
import { parseTrainSpec, trainArchitecture } from '../../../core/train/trainer';

/*
 * Interactions (index: user, item, time):
 *   0: u0 i1 t=50    1: u0 i0 t=10    2: u1 i2 t=NaN   3: u0 i1 t=30
 *   4: u1 i2 t=5     5: u1 i0 t=5     6: u2 i1 t=NaN   7: u2 i1 t=NaN
 * Training part: all but 1 (and in a shuffled order, as splits give them).
 */
const interactions = {
  user: Int32Array.from([0, 0, 1, 0, 1, 1, 2, 2]),
  item: Int32Array.from([1, 0, 2, 1, 2, 0, 1, 1]),
  timestamp: Float64Array.from([50, 10, NaN, 30, 5, 5, NaN, NaN]),
};
const trainIndex = Int32Array.from([3, 0, 4, 2, 5, 7, 6]);
const train = buildCsr(4, 3, interactions.user, interactions.item, trainIndex);

describe('context rows of training positives and users', () => {
  it('maps each CSR entry to the latest interaction of its pair (missing time earliest, ties by index)', () => {
    // CSR entries: u0: [i1]; u1: [i0, i2]; u2: [i1]; u3: none.
    expect(Array.from(train.indptr)).toEqual([0, 1, 3, 4, 4]);
    expect(Array.from(train.indices)).toEqual([1, 0, 2, 1]);
    // (u0,i1): interactions 3 (t=30) and 0 (t=50) -> 0, at trainIndex position 1.
    // (u1,i0): interaction 5 -> position 4. (u1,i2): 2 (no time) and 4 (t=5) -> 4, position 2.
    // (u2,i1): 6 and 7, both without time -> the later index 7, position 5.
    expect(Array.from(positiveInteractions(train, interactions, trainIndex))).toEqual([1, 4, 2, 5]);
  });

  it("finds each user's latest training interaction, -1 for a user without one", () => {
    // u0: 0 (t=50) -> position 1; u1: 4 and 5 tie at t=5 -> 5, position 4; u2: 7 -> position 5.
    expect(Array.from(latestUserInteractions(4, interactions, trainIndex))).toEqual([1, 4, 5, -1]);
  });

  it('gathers rows, zeros for -1', () => {
    const table = Float32Array.from([1, 2, 3, 4, 5, 6]);
    expect(Array.from(gatherRows(table, 2, [2, -1, 0]))).toEqual([5, 6, 0, 0, 1, 2]);
  });

  it('lays out a pairwise batch as [positives | each positive repeated for its negatives]', () => {
    const context = { dim: 2, values: Float32Array.from([0, 0, 10, 11, 20, 21, 30, 31]) };
    const sources = Int32Array.from([3, 1, 2, 0]);
    // Rows 1..3 of the epoch come from entries 1, 2, 0; two negatives each.
    expect(Array.from(batchContextRows(context, sources, 1, 4, 2))).toEqual([10, 11, 20, 21, 0, 0, 10, 11, 10, 11, 20, 21, 20, 21, 0, 0, 0, 0]);
    expect(Array.from(batchContextRows(context, sources, 0, 2))).toEqual([30, 31, 10, 11]);
  });
});

/** Users 0..5 with 1..3 positives each over 12 items; context of entry p = [100 * user + item, p]. */
function recordingSetup(): { train: CsrMatrix; values: Float32Array } {
  const users: number[] = [];
  const items: number[] = [];
  for (let u = 0; u < 6; u++) {
    for (let q = 0; q <= u % 3; q++) {
      users.push(u);
      items.push((u * 5 + q * 7) % 12);
    }
  }
  const m = buildCsr(6, 12, Int32Array.from(users), Int32Array.from(items));
  const values = new Float32Array(m.indices.length * 2);
  for (let u = 0; u < 6; u++) {
    for (let p = m.indptr[u]; p < m.indptr[u + 1]; p++) {
      values[2 * p] = 100 * u + m.indices[p];
      values[2 * p + 1] = p;
    }
  }
  return { train: m, values };
}

/** An architecture whose logit is w * (sum of the context row); it records every batch it scores. */
function recordingArchitecture(seen: { users: number[]; items: number[]; context: number[][] }[]): NeuralArchitecture {
  const w = tf.variable(tf.zeros([1]), true, `recording_w_${Math.random()}`);
  return {
    type: 'recording',
    variables: [w],
    score: (batch: ArchitectureBatch) => {
      const c = batch.context!;
      const flat = Array.from(c.dataSync());
      seen.push({
        users: Array.from(batch.users.dataSync()),
        items: Array.from(batch.items.dataSync()),
        context: Array.from({ length: c.shape[0] }, (_, r) => flat.slice(2 * r, 2 * r + 2)),
      });
      return tf.mul(tf.sum(c, 1), w) as tf.Tensor1D;
    },
    summary: () => ({ type: 'recording', parameters: 1 }),
    dispose: () => w.dispose(),
  };
}

describe('training batches carry the context of the positive behind each row', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });
  const { train: m, values } = recordingSetup();
  const isPositive = (u: number, i: number) => Array.from(m.indices.subarray(m.indptr[u], m.indptr[u + 1])).includes(i);

  it('bce: a positive row has its own entry\'s context; each negative the context of a positive of its user, 1 + negatives rows per entry', async () => {
    const seen: { users: number[]; items: number[]; context: number[][] }[] = [];
    const arch = recordingArchitecture(seen);
    const before = tf.memory().numTensors;
    await trainArchitecture(arch, m, parseTrainSpec({ epochs: 1, batchSize: 5, loss: 'bce', negatives: 3, evalEvery: 0, optimizer: { type: 'sgd', lr: 0.1 } }), {
      seed: 4,
      context: { dim: 2, values },
    });
    expect(tf.memory().numTensors).toBe(before);
    const perEntry = new Array(m.indices.length).fill(0);
    const positiveRows = new Array(m.indices.length).fill(0);
    for (const b of seen) {
      b.users.forEach((u, r) => {
        const [code, p] = b.context[r];
        // The entry the context names belongs to this row's user.
        expect(Math.floor(code / 100)).toBe(u);
        expect(code).toBe(values[2 * p]);
        perEntry[p]++;
        if (isPositive(u, b.items[r])) {
          // A positive row carries its own pair's context.
          expect(code % 100).toBe(b.items[r]);
          positiveRows[p]++;
        }
      });
    }
    expect(perEntry).toEqual(new Array(m.indices.length).fill(4));
    expect(positiveRows).toEqual(new Array(m.indices.length).fill(1));
    arch.dispose();
  });

  it.each(['bpr', 'softmax'] as const)('%s: positive r has its own context and negatives r*k..r*k+k-1 repeat it', async (loss) => {
    const seen: { users: number[]; items: number[]; context: number[][] }[] = [];
    const arch = recordingArchitecture(seen);
    const k = 2;
    await trainArchitecture(arch, m, parseTrainSpec({ epochs: 1, batchSize: 4, loss, negatives: k, evalEvery: 0, optimizer: { type: 'sgd', lr: 0.1 } }), {
      seed: 4,
      context: { dim: 2, values },
    });
    let positives = 0;
    for (const b of seen) {
      const rows = b.users.length / (1 + k);
      for (let r = 0; r < rows; r++) {
        const [code, p] = b.context[r];
        expect(code).toBe(100 * b.users[r] + b.items[r]);
        expect(m.indices[p]).toBe(b.items[r]);
        for (let q = 0; q < k; q++) {
          const neg = rows + r * k + q;
          expect(b.users[neg]).toBe(b.users[r]);
          expect(isPositive(b.users[neg], b.items[neg])).toBe(false);
          expect(b.context[neg]).toEqual([code, p]);
        }
        positives++;
      }
    }
    expect(positives).toBe(m.indices.length);
    arch.dispose();
  });
});
