import * as tf from '@tensorflow/tfjs';
import { InputError } from '../util';
import { BCE_WITH_LOGITS, BCE_WITH_LOGITS_GRAD } from './kernels/bce';
import { hasFusedKernel } from './kernels/register';

/** Training losses RecLab knows by name. */
export type LossName = 'bce' | 'bpr' | 'softmax' | 'multinomial' | 'squared';

export const LOSS_NAMES: LossName[] = ['bce', 'bpr', 'softmax', 'multinomial', 'squared'];

/**
 * Mean binary cross-entropy with logits, in the numerically stable form
 * `max(x, 0) - x·y + log(1 + exp(-|x|))` (as PyTorch's BCEWithLogitsLoss). The
 * gradient is given directly as `(sigmoid(x) - y) / n`: two ops instead of the
 * chain rule through six. On wasm and cpu, value and gradient are one kernel each.
 */
export function bceWithLogits(logits: tf.Tensor1D, labels: tf.Tensor1D): tf.Scalar {
  if (hasFusedKernel(BCE_WITH_LOGITS)) return bceByKernel(logits, labels);
  const f = tf.customGrad(((x: tf.Tensor, y: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x, y]);
    const value = tf.mean(tf.add(tf.sub(tf.relu(x), tf.mul(x, y)), tf.log1p(tf.exp(tf.neg(tf.abs(x)))))) as tf.Scalar;
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sy] = saved;
        const scale = tf.div(dy, sx.size);
        return [tf.mul(tf.sub(tf.sigmoid(sx), sy), scale), tf.zerosLike(sy)];
      },
    };
  }) as any);
  return f(logits, labels) as tf.Scalar;
}

function bceByKernel(logits: tf.Tensor1D, labels: tf.Tensor1D): tf.Scalar {
  const f = tf.customGrad(((x: tf.Tensor, y: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x, y]);
    return {
      value: tf.engine().runKernel(BCE_WITH_LOGITS, { logits: x, labels: y }, {}) as tf.Scalar,
      gradFunc: (dy: tf.Tensor, [sx, sy]: tf.Tensor[]) => [tf.engine().runKernel(BCE_WITH_LOGITS_GRAD, { dy, logits: sx, labels: sy }, {}) as tf.Tensor, tf.zerosLike(sy)],
    };
  }) as any);
  return f(logits, labels) as tf.Scalar;
}

/**
 * Bayesian personalised ranking: mean of `-log sigmoid(pos - neg)` = `softplus(neg - pos)`.
 * `positive` and `negative` have the same shape (one negative per positive, or the
 * positive repeated per negative).
 */
export function bprLoss(positive: tf.Tensor, negative: tf.Tensor): tf.Scalar {
  return tf.mean(tf.softplus(tf.sub(negative, positive))) as tf.Scalar;
}

/**
 * Sampled softmax: `logits` is `batch x (1 + K)` with the positive item's logit in
 * column 0 and K sampled (or in-batch) negatives after it; the loss is the mean
 * cross-entropy of picking column 0, `logsumexp(row) - row[0]`.
 */
export function sampledSoftmaxLoss(logits: tf.Tensor2D): tf.Scalar {
  const first = tf.slice(logits, [0, 0], [-1, 1]);
  return tf.mean(tf.sub(tf.logSumExp(logits, 1), tf.reshape(first, [-1]))) as tf.Scalar;
}

/** Checks a loss name from a spec. */
export function checkLossName(name: string): LossName {
  if (!(LOSS_NAMES as string[]).includes(name)) throw new InputError(`Unknown loss '${name}'; use one of ${LOSS_NAMES.join(', ')}.`, 'SPEC');
  return name as LossName;
}
