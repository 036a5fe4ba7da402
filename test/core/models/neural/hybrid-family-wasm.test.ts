import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../core/train/backend';
import { parseTrainSpec, trainArchitecture } from '../../../../core/train/trainer';
import '../../../../core/models/neural/content';
import '../../../../core/models/neural/hybrid';
import '../../../../core/models/neural/wide-deep';
import '../../../../core/models/neural/deepfm';
import '../../../../core/models/neural/two-tower';
import '../../../../core/models/neural/lightgcn';
import { buildArchitecture } from '../../../../core/models/neural/registry';
import { COLD_ITEMS, gradientMagnitudes, scoreMatrix, sparseInputs, tinyInputs } from './hybrid-fixtures';

/*
 * The hybrid family uses @tensorflow/tfjs ops only, so it must give the cpu backend's
 * scores and gradients on wasm too (with RecLab's kernel patches from initBackend).
 */

const SPECS: ({ type: string } & Record<string, unknown>)[] = [
  { type: 'content' },
  { type: 'hybrid', fusion: 'gate' },
  { type: 'hybrid', fusion: 'concat' },
  { type: 'hybrid', fusion: 'sum', userContent: 'id-projection' },
  { type: 'wide-deep' },
  { type: 'deepfm' },
  { type: 'two-tower', normalize: true, temperature: 0.2 },
  { type: 'lightgcn', layers: 2 },
];

function run(spec: { type: string } & Record<string, unknown>, inputs = tinyInputs()): { scores: number[]; grads: number[] } {
  const arch = buildArchitecture(spec, inputs);
  const scores = scoreMatrix(arch, 2).flat();
  const grads = [...gradientMagnitudes(arch, 2).values()];
  arch.factors?.();
  arch.dispose();
  return { scores, grads };
}

describe('hybrid family on wasm', () => {
  let onCpu: { scores: number[]; grads: number[] }[] = [];
  let sparseOnCpu: { scores: number[]; grads: number[] }[] = [];
  let backend = '';
  beforeAll(async () => {
    await initBackend('cpu');
    onCpu = SPECS.map((s) => run(s));
    sparseOnCpu = SPECS.map((s) => run(s, sparseInputs()));
    backend = await initBackend('wasm');
  });

  it('matches the cpu backend in scores and gradients on mostly-zero (CSR) feature blocks, without leaks', () => {
    const before = tf.memory().numTensors;
    SPECS.forEach((spec, k) => {
      const got = run(spec, sparseInputs());
      got.scores.forEach((s, j) => expect(s, `${JSON.stringify(spec)} score ${j}`).toBeCloseTo(sparseOnCpu[k].scores[j], 4));
      got.grads.forEach((g, j) => {
        expect(g, `${JSON.stringify(spec)} gradient ${j}`).toBeGreaterThan(0);
        expect(Math.abs(g - sparseOnCpu[k].grads[j])).toBeLessThan(1e-4 + 1e-3 * Math.abs(sparseOnCpu[k].grads[j]));
      });
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('matches the cpu backend in scores and gradients', () => {
    expect(backend).toBe('wasm');
    const before = tf.memory().numTensors;
    SPECS.forEach((spec, k) => {
      const got = run(spec);
      got.scores.forEach((s, j) => expect(s, `${JSON.stringify(spec)} score ${j}`).toBeCloseTo(onCpu[k].scores[j], 4));
      got.grads.forEach((g, j) => {
        expect(g, `${JSON.stringify(spec)} gradient ${j}`).toBeGreaterThan(0);
        expect(Math.abs(g - onCpu[k].grads[j])).toBeLessThan(1e-4 + 1e-3 * Math.abs(onCpu[k].grads[j]));
      });
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it("trains with the trainer's L2 on embedding rows, the loss going down", async () => {
    const spec = parseTrainSpec({ epochs: 30, batchSize: 8, optimizer: { type: 'adam', lr: 0.02 }, negatives: 1, l2: 1e-4, evalEvery: 0 });
    const before = tf.memory().numTensors;
    for (const s of SPECS) {
      const inputs = tinyInputs();
      const arch = buildArchitecture(s, inputs);
      const result = await trainArchitecture(arch, inputs.graph!, spec, { seed: 3, excludeItems: Int32Array.from(COLD_ITEMS) });
      expect(result.history[result.history.length - 1].loss, JSON.stringify(s)).toBeLessThan(result.history[0].loss);
      arch.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
