import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCsr } from '../../../core/data';
import { buildArchitecture } from '../../../core/models/neural';
import { initBackend } from '../../../core/train/backend';
import { parseTrainSpec, trainArchitecture } from '../../../core/train/trainer';

/** 2 users; u0 likes {i0, i2}, u1 likes {i1}; `nItems` >= 3 (items past i2 nobody interacted with). */
const trainOf = (nItems: number) => buildCsr(2, nItems, Int32Array.from([0, 0, 1]), Int32Array.from([0, 2, 1]));

/** MF logits u . i + b_i of the built model's initial weights. */
function mfLogits(variables: tf.Variable[], nItems: number): number[][] {
  const [users, items, bias] = variables.map((v) => Array.from(v.dataSync()));
  const dim = users.length / 2;
  return [0, 1].map((u) => Array.from({ length: nItems }, (_, i) => bias[i] + Array.from({ length: dim }, (_, d) => users[u * dim + d] * items[i * dim + d]).reduce((a, b) => a + b, 0)));
}

function logSoftmax(row: number[], allowed: number[]): number[] {
  const m = Math.max(...allowed.map((i) => row[i]));
  const lse = m + Math.log(allowed.reduce((s, i) => s + Math.exp(row[i] - m), 0));
  return row.map((x) => x - lse);
}

/** Loss of the first (and only) step, read before any update (lr so small nothing moves), and the same by hand. */
async function firstLoss(nItems: number, excludeItems?: Int32Array): Promise<{ loss: number; expected: number }> {
  const arch = buildArchitecture({ type: 'mf', dim: 2, initStd: 0.5 }, { nUsers: 2, nItems, contextDim: 0, seed: 9 });
  const logits = mfLogits(arch.variables, nItems);
  const allowed = Array.from({ length: nItems }, (_, i) => i).filter((i) => !excludeItems?.includes(i));
  const [l0, l1] = [logSoftmax(logits[0], allowed), logSoftmax(logits[1], allowed)];
  const expected = -(l0[0] + l0[2] + l1[1]) / 2;
  const spec = parseTrainSpec({ loss: 'multinomial', epochs: 1, batchSize: 2, optimizer: { type: 'sgd', lr: 1e-12 }, evalEvery: 0 });
  const result = await trainArchitecture(arch, trainOf(nItems), spec, { seed: 1, excludeItems });
  arch.dispose();
  return { loss: result.history[0].loss, expected };
}

describe('trainArchitecture with the losses over all items per user (multinomial, squared)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('is minus the log-softmax over all items at the user’s training items, averaged over users (hand-computed)', async () => {
    const { loss, expected } = await firstLoss(3);
    expect(loss).toBeCloseTo(expected, 5);
  });

  it('leaves excluded (held-out) items out of the softmax', async () => {
    const all = await firstLoss(4);
    const heldOut = await firstLoss(4, Int32Array.from([3]));
    expect(heldOut.loss).toBeCloseTo(heldOut.expected, 5);
    expect(all.loss).toBeCloseTo(all.expected, 5);
    // Removing a candidate from every softmax raises the probabilities of the rest.
    expect(heldOut.loss).toBeLessThan(all.loss - 1e-3);
  });

  it('squared: (1 - s)^2 over positives plus unobservedWeight x s^2 over all non-excluded items, per user (hand-computed)', async () => {
    for (const exclude of [undefined, Int32Array.from([3])]) {
      const arch = buildArchitecture({ type: 'mf', dim: 2, initStd: 0.5 }, { nUsers: 2, nItems: 4, contextDim: 0, seed: 9 });
      const s = mfLogits(arch.variables, 4);
      const positives = [[0, 2], [1]];
      const allowed = [0, 1, 2, 3].filter((i) => !exclude?.includes(i));
      const expected = [0, 1].reduce((sum, u) => sum + positives[u].reduce((a, i) => a + (1 - s[u][i]) ** 2, 0) + 0.3 * allowed.reduce((a, i) => a + s[u][i] ** 2, 0), 0) / 2;
      const spec = parseTrainSpec({ loss: 'squared', unobservedWeight: 0.3, epochs: 1, batchSize: 2, optimizer: { type: 'sgd', lr: 1e-12 }, evalEvery: 0 });
      const result = await trainArchitecture(arch, trainOf(4), spec, { seed: 1, excludeItems: exclude });
      expect(result.history[0].loss).toBeCloseTo(expected, 5);
      arch.dispose();
    }
  });

  it('adds auxWeight x the same loss over each branch logit the architecture returns (hand-computed)', async () => {
    // A gated hybrid returns its collaborative and content logits with the fused ones.
    const inputs = {
      nUsers: 2,
      nItems: 4,
      itemFeatures: { dim: 2, values: Float32Array.from([1, 0, 0, 1, 1, 1, 0.5, -1]) },
      contextDim: 0,
      graph: trainOf(4),
      seed: 9,
    };
    const model = { type: 'hybrid', fusion: 'gate', gateMixes: 'logits', dim: 2, contentHidden: [3], gateHidden: [2], itemIdDropout: 0, initStd: 0.5 };
    const positives = [[0, 2], [1]];
    const squared = (s: number[][]) => [0, 1].reduce((t, u) => t + positives[u].reduce((a, i) => a + (1 - s[u][i]) ** 2, 0) + 0.3 * s[u].reduce((a, x) => a + x * x, 0), 0) / 2;
    const multinomial = (s: number[][]) => -[0, 1].reduce((t, u) => t + positives[u].reduce((a, i) => a + logSoftmax(s[u], [0, 1, 2, 3])[i], 0), 0) / 2;
    for (const [loss, lossOf] of [['squared', squared], ['multinomial', multinomial]] as const) {
      for (const auxWeight of [undefined, 0, 2]) {
        const arch = buildArchitecture(model, inputs);
        const rows = (t: tf.Tensor) => [0, 1].map((u) => Array.from(t.dataSync()).slice(u * 4, u * 4 + 4));
        const [fused, collab, content] = tf.tidy(() => {
          const out = arch.userLogits!(tf.tensor1d([0, 1], 'int32'), false);
          return [rows(out.logits), ...out.auxiliary!.map(rows)];
        });
        const w = auxWeight ?? 0.5;
        const expected = lossOf(fused) + w * (lossOf(collab) + lossOf(content));
        const spec = parseTrainSpec({ loss, unobservedWeight: 0.3, auxWeight, epochs: 1, batchSize: 2, optimizer: { type: 'sgd', lr: 1e-12 }, evalEvery: 0 });
        const result = await trainArchitecture(arch, trainOf(4), spec, { seed: 1 });
        expect(result.history[0].loss, `${loss} auxWeight ${auxWeight}`).toBeCloseTo(expected, 4);
        arch.dispose();
      }
    }
  });

  it('auxLoss gives the branch logits their own all-items loss, held-out items left out of both (hand-computed)', async () => {
    const inputs = {
      nUsers: 2,
      nItems: 4,
      itemFeatures: { dim: 2, values: Float32Array.from([1, 0, 0, 1, 1, 1, 0.5, -1]) },
      contextDim: 0,
      graph: trainOf(4),
      seed: 9,
    };
    const model = { type: 'hybrid', fusion: 'gate', gateMixes: 'logits', dim: 2, contentHidden: [3], gateHidden: [2], itemIdDropout: 0, initStd: 0.5 };
    const positives = [[0, 2], [1]];
    const allowed = [0, 1, 2]; // item 3 held out
    const squared = (s: number[][]) => [0, 1].reduce((t, u) => t + positives[u].reduce((a, i) => a + (1 - s[u][i]) ** 2, 0) + 0.3 * allowed.reduce((a, i) => a + s[u][i] ** 2, 0), 0) / 2;
    const multinomial = (s: number[][]) => -[0, 1].reduce((t, u) => t + positives[u].reduce((a, i) => a + logSoftmax(s[u], allowed)[i], 0), 0) / 2;
    for (const [loss, auxLoss, main, aux] of [
      ['squared', 'multinomial', squared, multinomial],
      ['multinomial', 'squared', multinomial, squared],
    ] as const) {
      const arch = buildArchitecture(model, inputs);
      const rows = (t: tf.Tensor) => [0, 1].map((u) => Array.from(t.dataSync()).slice(u * 4, u * 4 + 4));
      const [fused, collab, content] = tf.tidy(() => {
        const out = arch.userLogits!(tf.tensor1d([0, 1], 'int32'), false);
        return [rows(out.logits), ...out.auxiliary!.map(rows)];
      });
      const expected = main(fused) + 0.7 * (aux(collab) + aux(content));
      const spec = parseTrainSpec({ loss, auxLoss, auxWeight: 0.7, unobservedWeight: 0.3, epochs: 1, batchSize: 2, optimizer: { type: 'sgd', lr: 1e-12 }, evalEvery: 0 });
      const result = await trainArchitecture(arch, trainOf(4), spec, { seed: 1, excludeItems: Int32Array.from([3]) });
      expect(result.history[0].loss, `${loss} + ${auxLoss}`).toBeCloseTo(expected, 4);
      arch.dispose();
    }
  });

  it('refuses an auxLoss that needs other batches than the main loss, saying what to do', async () => {
    const arch = buildArchitecture({ type: 'mf', dim: 2 }, { nUsers: 2, nItems: 3, contextDim: 0, seed: 9 });
    for (const [loss, auxLoss] of [['bce', 'multinomial'], ['squared', 'bpr']]) {
      const spec = parseTrainSpec({ loss, auxLoss, epochs: 1 });
      await expect(trainArchitecture(arch, trainOf(3), spec, { seed: 1 })).rejects.toThrow(new RegExp(`auxLoss '${auxLoss}' cannot go with loss '${loss}'.*Leave auxLoss out`));
    }
    arch.dispose();
  });

  it('refuses architectures that cannot score all items per user, naming the alternatives', async () => {
    const arch = buildArchitecture({ type: 'gmf', dim: 2 }, { nUsers: 2, nItems: 3, contextDim: 0, seed: 9 });
    const spec = parseTrainSpec({ loss: 'multinomial', epochs: 1 });
    await expect(trainArchitecture(arch, trainOf(3), spec, { seed: 1 })).rejects.toThrow(/multinomial.*hybrid with fusion sum or gate.*gmf.*bce, bpr or softmax/);
    arch.dispose();
  });
});
