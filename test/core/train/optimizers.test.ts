import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { initBackend, type BackendName } from '../../../core/train/backend';
import { createOptimizer, type OptimizerSpec } from '../../../core/train/optimizers';

/** One step on loss = sum(w * c) (gradient c) from w0; returns w after each of `steps` steps. */
function run(spec: OptimizerSpec, w0: number[], c: number[], steps: number): number[][] {
  const init = tf.tensor1d(w0);
  const w = tf.variable(init, true, `w_${Math.random()}`);
  init.dispose();
  const opt = createOptimizer(spec);
  const out: number[][] = [];
  for (let s = 0; s < steps; s++) {
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(w, tf.tensor1d(c))) as tf.Scalar, [w]);
    opt.apply([w], grads);
    tf.dispose([value, grads]);
    out.push(Array.from(w.dataSync()));
  }
  opt.dispose();
  w.dispose();
  return out;
}

describe.each<BackendName>(['wasm', 'cpu'])('optimizers on %s', (backend) => {
  let before = 0;
  afterEach(() => {
    expect(tf.memory().numTensors).toBe(before);
  });

  it('Adam: first step moves each weight by lr * sign(g); second step by hand', async () => {
    await initBackend(backend);
    before = tf.memory().numTensors;
    const steps = run({ type: 'adam', lr: 0.1 }, [1, -2, 0.5], [0.3, -4, 0], 2);
    // Step 1: m = 0.1 g, v = 0.001 g^2; m^ = g, v^ = g^2 -> update lr * g / (|g| + 1e-8).
    expect(steps[0][0]).toBeCloseTo(1 - 0.1, 6);
    expect(steps[0][1]).toBeCloseTo(-2 + 0.1, 6);
    expect(steps[0][2]).toBeCloseTo(0.5, 6);
    // Step 2 with the same gradient: m^ = g, v^ = g^2 again -> another lr * sign(g).
    expect(steps[1][0]).toBeCloseTo(0.8, 5);
    expect(steps[1][1]).toBeCloseTo(-1.8, 5);
  });

  it('Adam with a changing gradient matches a hand-written Adam', async () => {
    await initBackend(backend);
    before = tf.memory().numTensors;
    // loss = 0.5 * w^2 -> g = w.
    const init = tf.tensor1d([2]);
    const w = tf.variable(init, true, `w2_${Math.random()}`);
    init.dispose();
    const opt = createOptimizer({ type: 'adam', lr: 0.05, beta1: 0.8, beta2: 0.9 });
    let hw = 2, m = 0, v = 0;
    for (let t = 1; t <= 3; t++) {
      const { value, grads } = tf.variableGrads(() => tf.mul(tf.sum(tf.square(w)), 0.5) as tf.Scalar, [w]);
      opt.apply([w], grads);
      tf.dispose([value, grads]);
      const g = hw;
      m = 0.8 * m + 0.2 * g;
      v = 0.9 * v + 0.1 * g * g;
      hw -= (0.05 * (m / (1 - 0.8 ** t))) / (Math.sqrt(v / (1 - 0.9 ** t)) + 1e-8);
      expect(w.dataSync()[0]).toBeCloseTo(hw, 5);
    }
    opt.dispose();
    w.dispose();
  });

  it('SGD and Adagrad follow their formulas', async () => {
    await initBackend(backend);
    before = tf.memory().numTensors;
    expect(run({ type: 'sgd', lr: 0.5 }, [1, 2], [2, -1], 1)[0]).toEqual([0, 2.5]);
    const momentum = run({ type: 'sgd', lr: 0.5, momentum: 0.9 }, [1], [2], 2);
    expect(momentum[1][0]).toBeCloseTo(1 - 0.5 * 2 - 0.5 * (0.9 * 2 + 2), 6);
    const ada = run({ type: 'adagrad', lr: 0.1 }, [1], [2], 2);
    expect(ada[0][0]).toBeCloseTo(1 - 0.1, 6); // 0.1 * 2 / sqrt(4)
    expect(ada[1][0]).toBeCloseTo(0.9 - (0.1 * 2) / Math.sqrt(8), 6);
  });

  it('refuses a non-positive learning rate', async () => {
    await initBackend(backend);
    before = tf.memory().numTensors;
    expect(() => createOptimizer({ type: 'adam', lr: 0 })).toThrow(/optimizer.lr must be a positive number, got 0/);
  });
});
