import * as tf from '@tensorflow/tfjs';
import type { TrainSpec } from '../spec';
import { InputError } from '../util';
import { FUSED_ADAM } from './kernels/adam';
import { hasFusedKernel } from './kernels/register';

/** Optimiser settings of a train spec (core/spec's schema). */
export type OptimizerSpec = TrainSpec['optimizer'];

/**
 * An optimiser over raw variables. Formulas follow PyTorch (Adam eps 1e-8 added to the
 * bias-corrected sqrt(v), Adagrad with zero initial accumulator), so results compare
 * with the reference scripts. `learningRate` may be changed between steps (schedules).
 */
export interface Optimizer {
  readonly type: OptimizerSpec['type'];
  learningRate: number;
  /** Applies one update; `grads` are keyed by variable name. Does not dispose `grads`. */
  apply(variables: tf.Variable[], grads: Record<string, tf.Tensor>): void;
  /** Number of updates applied so far. */
  readonly steps: number;
  dispose(): void;
}

/** Builds the optimiser of a spec. */
export function createOptimizer(spec: OptimizerSpec): Optimizer {
  if (!(spec.lr > 0 && Number.isFinite(spec.lr))) throw new InputError(`optimizer.lr must be a positive number, got ${spec.lr}.`, 'SPEC');
  switch (spec.type) {
    case 'adam':
      return new Adam(spec.lr, spec.beta1 ?? 0.9, spec.beta2 ?? 0.999, spec.epsilon ?? 1e-8);
    case 'adagrad':
      return new Adagrad(spec.lr, spec.epsilon ?? 1e-10);
    case 'sgd':
      return new Sgd(spec.lr, spec.momentum ?? 0);
    default:
      throw new InputError(`Unknown optimizer '${String((spec as { type: unknown }).type)}'; use adam, adagrad or sgd.`, 'SPEC');
  }
}

/** Per-variable state slots, created lazily as zeros and disposed with the optimiser. */
class Slots {
  private readonly slots = new Map<string, tf.Variable>();
  get(v: tf.Variable, slot: string): tf.Variable {
    const key = `${v.name}/${slot}`;
    let s = this.slots.get(key);
    if (!s) {
      const zeros = tf.zerosLike(v);
      this.slots.set(key, (s = tf.variable(zeros, false)));
      zeros.dispose(); // the variable holds its own reference to the data
    }
    return s;
  }
  dispose(): void {
    for (const s of this.slots.values()) s.dispose();
    this.slots.clear();
  }
}

class Adam implements Optimizer {
  readonly type = 'adam';
  steps = 0;
  private readonly slots = new Slots();

  constructor(
    public learningRate: number,
    private readonly beta1: number,
    private readonly beta2: number,
    private readonly epsilon: number,
  ) {}

  apply(variables: tf.Variable[], grads: Record<string, tf.Tensor>): void {
    const step = ++this.steps;
    const updated = variables.filter((v) => grads[v.name] !== undefined);
    if (hasFusedKernel(FUSED_ADAM)) {
      // Every variable in one kernel call: outputs are all params, then all m, then all v.
      const inputs: Record<string, tf.Tensor> = {};
      updated.forEach((v, k) => {
        inputs[`param${k}`] = v;
        inputs[`grad${k}`] = grads[v.name];
        inputs[`m${k}`] = this.slots.get(v, 'm');
        inputs[`v${k}`] = this.slots.get(v, 'v');
      });
      const attrs = { lr: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, step, count: updated.length };
      const out = tf.engine().runKernel(FUSED_ADAM, inputs, attrs as never) as tf.Tensor[];
      const n = updated.length;
      updated.forEach((v, k) => {
        assignAndDispose(v, out[k]);
        assignAndDispose(this.slots.get(v, 'm'), out[n + k]);
        assignAndDispose(this.slots.get(v, 'v'), out[2 * n + k]);
      });
      return;
    }
    for (const v of updated) {
      const g = grads[v.name];
      const m = this.slots.get(v, 'm');
      const s = this.slots.get(v, 'v');
      tf.tidy(() => {
        const m1 = tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1));
        const v1 = tf.add(tf.mul(s, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        const c1 = 1 - Math.pow(this.beta1, step);
        const c2 = 1 - Math.pow(this.beta2, step);
        const denom = tf.add(tf.div(tf.sqrt(v1), Math.sqrt(c2)), this.epsilon);
        v.assign(tf.sub(v, tf.div(tf.mul(m1, this.learningRate / c1), denom)));
        m.assign(m1);
        s.assign(v1);
      });
    }
  }

  dispose(): void {
    this.slots.dispose();
  }
}

class Adagrad implements Optimizer {
  readonly type = 'adagrad';
  steps = 0;
  private readonly slots = new Slots();

  constructor(
    public learningRate: number,
    private readonly epsilon: number,
  ) {}

  apply(variables: tf.Variable[], grads: Record<string, tf.Tensor>): void {
    this.steps++;
    for (const v of variables) {
      const g = grads[v.name];
      if (!g) continue;
      const acc = this.slots.get(v, 'accumulator');
      tf.tidy(() => {
        const a1 = tf.add(acc, tf.square(g));
        v.assign(tf.sub(v, tf.div(tf.mul(g, this.learningRate), tf.add(tf.sqrt(a1), this.epsilon))));
        acc.assign(a1);
      });
    }
  }

  dispose(): void {
    this.slots.dispose();
  }
}

class Sgd implements Optimizer {
  readonly type = 'sgd';
  steps = 0;
  private readonly slots = new Slots();

  constructor(
    public learningRate: number,
    private readonly momentum: number,
  ) {}

  apply(variables: tf.Variable[], grads: Record<string, tf.Tensor>): void {
    this.steps++;
    for (const v of variables) {
      const g = grads[v.name];
      if (!g) continue;
      tf.tidy(() => {
        if (this.momentum > 0) {
          // PyTorch's form: buf = momentum * buf + g; p -= lr * buf (buf = g on the first step).
          const buf = this.slots.get(v, 'momentum');
          const b1 = this.steps === 1 ? g : tf.add(tf.mul(buf, this.momentum), g);
          buf.assign(b1);
          v.assign(tf.sub(v, tf.mul(b1, this.learningRate)));
        } else {
          v.assign(tf.sub(v, tf.mul(g, this.learningRate)));
        }
      });
    }
  }

  dispose(): void {
    this.slots.dispose();
  }
}

function assignAndDispose(v: tf.Variable, value: tf.Tensor): void {
  v.assign(value);
  value.dispose();
}
