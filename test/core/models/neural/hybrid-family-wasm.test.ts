import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../core/train/backend';
import '../../../../core/models/neural/content';
import '../../../../core/models/neural/hybrid';
import '../../../../core/models/neural/wide-deep';
import '../../../../core/models/neural/deepfm';
import '../../../../core/models/neural/two-tower';
import '../../../../core/models/neural/lightgcn';
import { buildArchitecture } from '../../../../core/models/neural/registry';
import { gradientMagnitudes, scoreMatrix, tinyInputs } from './hybrid-fixtures';

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

function run(spec: { type: string } & Record<string, unknown>): { scores: number[]; grads: number[] } {
  const arch = buildArchitecture(spec, tinyInputs());
  const scores = scoreMatrix(arch, 2).flat();
  const grads = [...gradientMagnitudes(arch, 2).values()];
  arch.dispose();
  return { scores, grads };
}

describe('hybrid family on wasm', () => {
  let onCpu: { scores: number[]; grads: number[] }[] = [];
  let backend = '';
  beforeAll(async () => {
    await initBackend('cpu');
    onCpu = SPECS.map(run);
    backend = await initBackend('wasm');
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
});
