import * as tf from '@tensorflow/tfjs';
import type { NeuralArchitecture } from '../models';
import { Rng } from '../util';
import type { ArchitectureState } from './architecture-state';

/** Settings of fold-in: fitting a new user's id rows with the rest of the model frozen. */
export interface FoldInOptions {
  /** Adam steps (default 60). */
  steps?: number;
  /** Adam learning rate (default 0.05). */
  lr?: number;
  /** Sampled negatives per history item per step (default 4). */
  negatives?: number;
  /** L2 penalty on the new rows (default 1e-3), so a short history does not blow them up. */
  l2?: number;
  /** Seed of the negative sampler (default 42), so a recommendation repeats exactly. */
  seed?: number;
}

/** What fold-in did, for logs and tests. */
export interface FoldInResult {
  /** Variables that had a row fitted (stable names). */
  fitted: string[];
  firstLoss: number;
  lastLoss: number;
}

/**
 * Fits the rows of one new user in every per-user (or per-node) table of `arch`, all
 * other values frozen: BCE of the model's logits on the user's history items (label 1)
 * against items drawn uniformly from the known items outside the history (label 0),
 * plus L2 on the new rows. This is the classic "fold-in" of matrix factorisation,
 * done through the architecture's own `score`, so it works for any architecture with
 * user id embeddings (MF, NeuMF, the hybrids; LightGCN's node table) without a
 * per-type hook. Gradients are masked to the new row, so no trained value moves
 * (Adam's update of a zero gradient is exactly zero).
 */
export function foldInUser(
  arch: NeuralArchitecture,
  state: ArchitectureState,
  userRow: number,
  history: Int32Array,
  nKnownItems: number,
  opts: FoldInOptions = {},
): FoldInResult {
  const steps = opts.steps ?? 60;
  const negativesPer = opts.negatives ?? 4;
  const l2 = opts.l2 ?? 1e-3;
  const targets: tf.Variable[] = [];
  const fitted: string[] = [];
  state.variables.forEach((s, k) => {
    if (s.rows === 'user' || s.rows === 'nodes') {
      targets.push(arch.variables[k]);
      fitted.push(s.name);
    }
  });
  if (targets.length === 0 || history.length === 0 || steps <= 0) return { fitted: [], firstLoss: NaN, lastLoss: NaN };
  const rng = new Rng(opts.seed ?? 42);
  const inHistory = new Uint8Array(nKnownItems);
  for (const i of history) inHistory[i] = 1;
  const pool: number[] = [];
  for (let i = 0; i < nKnownItems; i++) if (!inHistory[i]) pool.push(i);
  const nNeg = pool.length > 0 ? history.length * negativesPer : 0;
  const n = history.length + nNeg;
  const labels = new Float32Array(n);
  labels.fill(1, 0, history.length);

  const masks = targets.map((v) => {
    const m = new Float32Array(v.shape[0] as number);
    m[userRow] = 1;
    return tf.tensor2d(m, [m.length, 1]);
  });
  const rowIndex = tf.tensor1d([userRow], 'int32');
  const users = tf.fill([n], userRow, 'int32') as tf.Tensor1D;
  const labelT = tf.tensor1d(labels);
  const optimizer = tf.train.adam(opts.lr ?? 0.05);
  let firstLoss = NaN;
  let lastLoss = NaN;
  try {
    for (let step = 0; step < steps; step++) {
      const items = new Int32Array(n);
      items.set(history);
      for (let q = history.length; q < n; q++) items[q] = pool[rng.int(pool.length)];
      const itemT = tf.tensor1d(items, 'int32');
      const { value, grads } = tf.variableGrads(() => {
        const logits = arch.score({ users, items: itemT }, false);
        const bce = tf.losses.sigmoidCrossEntropy(labelT, logits);
        const penalty = targets.reduce<tf.Scalar>((acc, v) => tf.add(acc, tf.sum(tf.square(tf.gather(v, rowIndex)))) as tf.Scalar, tf.scalar(0));
        return tf.add(bce, tf.mul(l2, penalty)) as tf.Scalar;
      }, targets);
      const masked: { name: string; tensor: tf.Tensor }[] = [];
      targets.forEach((v, k) => {
        const g = grads[v.name];
        if (g) masked.push({ name: v.name, tensor: tf.mul(g, masks[k]) });
      });
      optimizer.applyGradients(masked);
      const loss = value.dataSync()[0];
      if (step === 0) firstLoss = loss;
      lastLoss = loss;
      tf.dispose([value, itemT, ...Object.values(grads), ...masked.map((m) => m.tensor)]);
    }
  } finally {
    optimizer.dispose();
    tf.dispose([...masks, rowIndex, users, labelT]);
  }
  return { fitted, firstLoss, lastLoss };
}
