import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCsr } from '../../../../core/data/matrix';
import { collectLookups } from '../../../../core/models/neural/layers';
import { lightGcnArchitecture, normalisedEdges } from '../../../../core/models/neural/lightgcn';
import type { ArchitectureInputs } from '../../../../core/models/neural/types';
import { initBackend } from '../../../../core/train/backend';
import { buildWith, countParameters, disposeBatch, expectFactorsMatchScores, expectNoLeak, gradientMagnitudes, pairBatch, scoreMatrix, tinyInputs } from './hybrid-fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** 2 users, 3 items: u0 {i0, i1}, u1 {i1, i2}. Degrees u0 2, u1 2, i0 1, i1 2, i2 1. */
function twoByThree(): ArchitectureInputs {
  return { nUsers: 2, nItems: 3, contextDim: 0, graph: buildCsr(2, 3, Int32Array.from([0, 0, 1, 1]), Int32Array.from([0, 1, 1, 2])), seed: 3 };
}

const r2 = Math.SQRT1_2; // 1 / sqrt(2 * 1)
/** D^-1/2 A D^-1/2 of the 2x3 graph, nodes u0, u1, i0, i1, i2, written out by hand. */
const A_HAT = [
  [0, 0, r2, 0.5, 0],
  [0, 0, 0, 0.5, r2],
  [r2, 0, 0, 0, 0],
  [0.5, 0.5, 0, 0, 0],
  [0, r2, 0, 0, 0],
];

function times(a: number[][], e: number[][]): number[][] {
  return a.map((row) => e[0].map((_, d) => row.reduce((s, w, j) => s + w * e[j][d], 0)));
}

describe('lightgcn architecture', () => {
  it('builds the symmetric-normalised edge list', () => {
    const edges = normalisedEdges(twoByThree().graph!);
    expect(edges.nodes).toBe(5);
    const dense = Array.from({ length: 5 }, () => new Array(5).fill(0));
    edges.source.forEach((s, e) => (dense[edges.target[e]][s] += edges.weight[e]));
    dense.forEach((row, r) => row.forEach((v, c) => expect(v).toBeCloseTo(A_HAT[r][c], 6)));
  });

  it('propagates to the hand-computed layer means', () => {
    for (const layers of [1, 2]) {
      const arch = buildWith(lightGcnArchitecture, { dim: 3, layers }, twoByThree());
      const e0Flat = Array.from(arch.variables[0].dataSync());
      const e0 = Array.from({ length: 5 }, (_, n) => e0Flat.slice(n * 3, n * 3 + 3));
      const e1 = times(A_HAT, e0);
      // Layer 1 written out: u0 = i0/sqrt2 + i1/2, i1 = (u0 + u1)/2, ...
      expect(e1[0][0]).toBeCloseTo(e0[2][0] * r2 + e0[3][0] * 0.5, 6);
      expect(e1[3][1]).toBeCloseTo(0.5 * e0[0][1] + 0.5 * e0[1][1], 6);
      const stack = layers === 1 ? [e0, e1] : [e0, e1, times(A_HAT, e1)];
      const mean = e0.map((row, n) => row.map((_, d) => stack.reduce((s, e) => s + e[n][d], 0) / stack.length));
      const f = arch.factors!();
      for (let n = 0; n < 5; n++)
        for (let d = 0; d < 3; d++) {
          const got = n < 2 ? f.users[n * 3 + d] : f.items[(n - 2) * 3 + d];
          expect(got).toBeCloseTo(mean[n][d], 6);
        }
      arch.dispose();
    }
  });

  it('has nodes x dim parameters and gradient reaching them', () => {
    const arch = buildWith(lightGcnArchitecture, { dim: 4, layers: 2 }, tinyInputs());
    expect(countParameters(arch)).toBe((3 + 5) * 4);
    expect(arch.summary().parameters).toBe(32);
    expect(scoreMatrix(arch, 0).flat()).toHaveLength(15);
    for (const [name, g] of gradientMagnitudes(arch, 0)) expect(g, name).toBeGreaterThan(0);
    arch.dispose();
  });

  it('factors() reproduce score()', () => {
    const arch = buildWith(lightGcnArchitecture, { dim: 4, layers: 3 }, tinyInputs());
    expectFactorsMatchScores(arch);
    arch.dispose();
  });

  it('gives items without edges the zero vector, not noise', () => {
    const arch = buildWith(lightGcnArchitecture, { dim: 4, layers: 2 }, tinyInputs());
    const f = arch.factors!();
    expect(Array.from(f.items.slice(3 * 4), Math.abs)).toEqual(new Array(8).fill(0));
    arch.dispose();
  });

  it("puts the batch's layer-0 rows under the trainer's L2 in training only", () => {
    const arch = buildWith(lightGcnArchitecture, { dim: 4, layers: 2 }, tinyInputs());
    const batch = pairBatch(0);
    const e0 = Array.from(arch.variables[0].dataSync());
    const { training, scoring } = tf.tidy(() => ({
      training: collectLookups(() => arch.score(batch, true)).lookups.map((t) => Array.from(t.dataSync())),
      scoring: collectLookups(() => arch.score(batch, false)).lookups.length,
    }));
    expect(scoring).toBe(0);
    expect(training).toHaveLength(2);
    const users = Array.from(batch.users.dataSync());
    const items = Array.from(batch.items.dataSync());
    expect(training[0]).toEqual(users.flatMap((u) => e0.slice(u * 4, u * 4 + 4)));
    expect(training[1]).toEqual(items.flatMap((i) => e0.slice((3 + i) * 4, (3 + i) * 4 + 4)));
    disposeBatch(batch);
    arch.dispose();
  });

  it('rejects negative layer counts', () => {
    expect(() => buildWith(lightGcnArchitecture, { layers: -1 }, twoByThree())).toThrow('model.layers: Too small: expected number to be >=0');
  });

  it('frees every tensor it allocates', () => {
    expectNoLeak(lightGcnArchitecture, { dim: 4, layers: 2 }, 0);
  });

  it("propagates and trains through RecLab's sparse kernel on wasm and cpu as through gather + segment-sum", async () => {
    /** Layer-mean factors and the gradient of a weighted score sum, on the current backend. */
    const run = () => {
      const arch = buildWith(lightGcnArchitecture, { dim: 10, layers: 3 }, tinyInputs());
      const f = arch.factors!();
      const batch = pairBatch(0);
      const grads = tf.tidy(() => {
        const { grads } = tf.variableGrads(() => tf.sum(tf.mul(arch.score(batch, false), tf.linspace(-1, 2, batch.users.shape[0]))) as tf.Scalar, arch.variables);
        return Array.from(grads[arch.variables[0].name].dataSync());
      });
      disposeBatch(batch);
      arch.dispose();
      return [...Array.from(f.users), ...Array.from(f.items), ...grads];
    };
    // The reference runs the gather + segment-sum fallback: no sparse kernel on cpu.
    const kernel = tf.getKernel('ReclabSparseDenseMatMul', 'cpu');
    if (kernel) tf.unregisterKernel('ReclabSparseDenseMatMul', 'cpu');
    const reference = run();
    if (kernel) tf.registerKernel(kernel);
    expect(reference.some((v) => v !== 0)).toBe(true);
    try {
      for (const backend of ['wasm', 'cpu'] as const) {
        await initBackend(backend);
        expect(tf.getKernel('ReclabSparseDenseMatMul', backend)).toBeDefined();
        run().forEach((v, k) => expect(Math.abs(v - reference[k])).toBeLessThan(1e-5));
      }
    } finally {
      await tf.setBackend('cpu');
    }
  });
});
