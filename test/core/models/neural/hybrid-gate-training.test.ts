import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { hybridArchitecture } from '../../../../core/models/neural/hybrid';
import { modelDefaults } from '../../../../core/spec';
import { initBackend } from '../../../../core/train/backend';
import { parseTrainSpec, trainArchitecture } from '../../../../core/train/trainer';
import { COLD_WORLD, coldWorld, disposeBatch, genreAccuracy, meanGate, usersByItems } from './hybrid-fixtures';

/*
 * The cold-item world of hybrid-fixtures.ts, where content matters; users' favourite
 * genre is their feature. Trained on it, the gate should trust
 * collaboration less for cold items than for warm ones, and the model should still rank
 * a user's genre first among cold items.
 */

describe('gated hybrid trained on a cold-item world', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('leans on content for cold items and ranks them by genre', async () => {
    const { inputs, genreOfItem, genreOfUser } = coldWorld(11, { userFeatures: true });
    // Defaults: probability mixing, item id dropout 0.1, popularity as the gate's warm/cold signal.
    const arch = hybridArchitecture.build({ ...modelDefaults('hybrid'), dim: 8, contentHidden: [16], gateHidden: [8] }, inputs);
    const { warm, cold } = COLD_WORLD;
    const spec = parseTrainSpec({ epochs: 40, batchSize: 128, optimizer: { type: 'adam', lr: 0.01 }, negatives: 4, evalEvery: 0 });
    await trainArchitecture(arch, inputs.graph!, spec, { seed: 5, excludeItems: Int32Array.from(cold) });
    const gate = { warm: meanGate(arch, warm), cold: meanGate(arch, cold) };
    // Measured: warm 0.746, cold 0.615 (with gateMixes 'logits' instead: warm 0.946, cold 0.974).
    expect(gate.cold).toBeLessThan(gate.warm - 0.05);

    // Among cold items, a user's own genre should score above the other: pairwise accuracy.
    const batch = usersByItems(cold);
    const scores = tf.tidy(() => Array.from(arch.score(batch, false).dataSync()));
    disposeBatch(batch);
    expect(genreAccuracy(scores, genreOfItem, genreOfUser)).toBeGreaterThan(0.9);
    arch.dispose();
  });
});
