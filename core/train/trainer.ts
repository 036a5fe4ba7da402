import * as tf from '@tensorflow/tfjs';
import { NegativeSampler, pairwiseEpoch, pointwiseEpoch, type CsrMatrix } from '../data';
import { collectLookups, type ArchitectureBatch, type FitProgress, type NeuralArchitecture } from '../models';
import { formatIssues, trainSpecSchema, valueErrorMap, type TrainSpec } from '../spec';
import { InputError, RecLabError, Rng } from '../util';
import { batchContextTensor, checkPositiveContext, type PositiveContext } from './context-rows';
import { EarlyStopping } from './early-stopping';
import { bceWithLogits, bprLoss, sampledSoftmaxLoss } from './losses';
import { createOptimizer, type Optimizer } from './optimizers';

/** The train section's schema and type are core/spec's (defaults and descriptions there). */
export { trainSpecSchema, type TrainSpec };

/** Validates and fills in a train spec; a bad one is an InputError naming each wrong key. */
export function parseTrainSpec(input: unknown): TrainSpec {
  const r = trainSpecSchema.safeParse(input ?? {}, { error: valueErrorMap });
  if (r.success) return r.data;
  const issues = formatIssues(r.error, ['train']).join('; ');
  throw new InputError(`The train section is not valid: ${issues}. The README's "Neural models" section lists the train settings.`, 'SPEC');
}

/** Callbacks of a training run. */
export interface TrainHooks {
  /** Validation metric (higher is better, e.g. NDCG@10 by full ranking); enables early stopping. */
  evaluate?: () => Promise<number>;
  /** Metric series: `train/loss` per logEvery steps, `train/epoch_loss`, `valid/<metric>`, `train/lr` per epoch. */
  onMetric?: (key: string, value: number, step: number, epoch?: number) => void;
  log?: (line: string) => void;
  signal?: { aborted: boolean };
  /** Epoch and step of total, and the best validation value so far: for progress bars and ETA. */
  onProgress?: (p: FitProgress) => void;
}

export interface TrainOptions {
  seed: number;
  /** Items never used as positives or negatives (cold items held out). */
  excludeItems?: Int32Array;
  /**
   * Context of each training positive (row p for CSR entry p of `train`); every batch row
   * then carries the context of its positive's interaction, negatives included.
   */
  context?: PositiveContext;
  hooks?: TrainHooks;
}

export interface TrainResult {
  epochs: number;
  steps: number;
  lastLoss: number;
  /** Epoch (1-based) whose weights were kept, when validation ran. */
  bestEpoch?: number;
  bestMetric?: number;
  stoppedEarly: boolean;
  history: { epoch: number; loss: number; metric?: number; seconds: number }[];
}

/** Learning rate of 0-based `epoch` under the spec's schedule. */
export function scheduledLearningRate(spec: TrainSpec, epoch: number): number {
  const s = spec.lrSchedule;
  if (!s) return spec.optimizer.lr;
  const decays = s.type === 'step' ? Math.floor(epoch / s.every) : epoch;
  return spec.optimizer.lr * Math.pow(s.gamma, decays);
}

/** One epoch's training rows, cut into batches of index arrays. */
interface EpochBatches {
  count: number;
  /** Tensors of batch `b` (caller disposes) and the loss over them. */
  loss(b: number): { tensors: tf.Tensor[]; compute: () => tf.Scalar };
}

/** Default `auxWeight` for architectures with auxiliary logits. */
export const DEFAULT_AUX_WEIGHT = 0.5;

/**
 * `lossOf(fused logits)` plus `auxWeight` x `lossOf` of each auxiliary logit when the
 * architecture has them: one forward pass, the same loss for every head.
 */
function withAuxiliary(arch: NeuralArchitecture, spec: TrainSpec, batch: ArchitectureBatch, lossOf: (logits: tf.Tensor1D) => tf.Scalar): tf.Scalar {
  const weight = spec.auxWeight ?? DEFAULT_AUX_WEIGHT;
  if (!arch.scoreWithAuxiliary || weight === 0) return lossOf(arch.score(batch, true));
  const { logits, auxiliary } = arch.scoreWithAuxiliary(batch, true);
  if (auxiliary.length === 0) return lossOf(logits);
  return tf.add(lossOf(logits), tf.mul(tf.addN(auxiliary.map(lossOf)), weight)) as tf.Scalar;
}

function epochBatches(
  arch: NeuralArchitecture,
  train: CsrMatrix,
  spec: TrainSpec,
  sampler: NegativeSampler,
  rng: Rng,
  context?: PositiveContext,
  excludeItems?: Int32Array,
): EpochBatches {
  const bs = spec.batchSize;
  if (spec.loss === 'multinomial' || spec.loss === 'squared') return userBatches(arch, train, spec, rng, excludeItems);
  if (spec.loss === 'bce') {
    const rows = pointwiseEpoch(train, spec.negatives, sampler, rng);
    const n = rows.users.length;
    return {
      count: Math.ceil(n / bs),
      loss(b) {
        const lo = b * bs;
        const hi = Math.min(n, lo + bs);
        const users = tf.tensor1d(rows.users.subarray(lo, hi), 'int32');
        const items = tf.tensor1d(rows.items.subarray(lo, hi), 'int32');
        const labels = tf.tensor1d(rows.labels.subarray(lo, hi), 'float32');
        const ctx = batchContextTensor(context, rows.sources, lo, hi);
        const batch: ArchitectureBatch = ctx ? { users, items, context: ctx } : { users, items };
        return { tensors: [users, items, labels, ...(ctx ? [ctx] : [])], compute: () => withAuxiliary(arch, spec, batch, (logits) => bceWithLogits(logits, labels)) };
      },
    };
  }
  const rows = pairwiseEpoch(train, spec.negatives, sampler, rng);
  const n = rows.users.length;
  const k = rows.negativesPerRow;
  return {
    count: Math.ceil(n / bs),
    loss(b) {
      const lo = b * bs;
      const hi = Math.min(n, lo + bs);
      const m = hi - lo;
      // One forward call over positives then negatives: [m positives | m*k negatives].
      const u = new Int32Array(m * (1 + k));
      const it = new Int32Array(m * (1 + k));
      u.set(rows.users.subarray(lo, hi));
      it.set(rows.positives.subarray(lo, hi));
      for (let r = 0; r < m; r++) u.fill(rows.users[lo + r], m + r * k, m + (r + 1) * k);
      it.set(rows.negatives.subarray(lo * k, hi * k), m);
      const users = tf.tensor1d(u, 'int32');
      const items = tf.tensor1d(it, 'int32');
      const ctx = batchContextTensor(context, rows.sources, lo, hi, k);
      const batch: ArchitectureBatch = ctx ? { users, items, context: ctx } : { users, items };
      const compute = () =>
        withAuxiliary(arch, spec, batch, (logits) => {
          const pos = tf.reshape(tf.slice(logits, [0], [m]), [m, 1]);
          const neg = tf.reshape(tf.slice(logits, [m], [m * k]), [m, k]);
          return spec.loss === 'bpr' ? bprLoss(pos, neg) : sampledSoftmaxLoss(tf.concat([pos, neg], 1) as tf.Tensor2D);
        });
      return { tensors: [users, items, ...(ctx ? [ctx] : [])], compute };
    },
  };
}

/**
 * Batches of users for the losses over all items, averaged over the batch's users, plus
 * the architecture's own penalty (the VAE's annealed KL):
 * - `multinomial` (Mult-VAE): minus the sum of log-softmax at the user's training items;
 *   excluded (held-out cold) items get a -1e9 logit, so they never enter the softmax.
 * - `squared` (the iALS objective, Hu et al. 2008 / Rendle et al. 2021, here minimised by
 *   the optimiser): sum over the user's positives of (1 - s)^2 plus `unobservedWeight` x
 *   the sum over all items of s^2; excluded items are left out of that sum.
 * Per-branch logits the architecture returns with them get `auxWeight` x `auxLoss` (by
 * default the same loss). A gated hybrid trains best here with the squared loss on its
 * fused score and the multinomial one on each branch (see bench/models.ts).
 */
function userBatches(arch: NeuralArchitecture, train: CsrMatrix, spec: TrainSpec, rng: Rng, excludeItems?: Int32Array): EpochBatches {
  const bs = spec.batchSize;
  const userLogits = arch.userLogits?.bind(arch);
  if (!userLogits) {
    throw new InputError(`Loss '${spec.loss}' needs a model that scores all items per user in one pass (mult-vae, mf, hybrid with fusion sum or gate); '${arch.type}' does not. Use bce, bpr or softmax.`, 'SPEC');
  }
  const nItems = train.nCols;
  const users: number[] = [];
  for (let u = 0; u < train.nRows; u++) if (train.indptr[u + 1] > train.indptr[u]) users.push(u);
  const order = Int32Array.from(users);
  rng.shuffle(order);
  const auxWeight = spec.auxWeight ?? DEFAULT_AUX_WEIGHT;
  const auxLoss = (spec.auxLoss ?? spec.loss) as 'multinomial' | 'squared';
  const uses = new Set([spec.loss, auxWeight > 0 ? auxLoss : spec.loss]);
  // Held-out items: multinomial adds -1e9 to their logits, squared leaves them out of the all-items term.
  let keep: Float32Array | undefined;
  let drop: Float32Array | undefined;
  if (excludeItems && excludeItems.length > 0) {
    keep = new Float32Array(nItems).fill(1);
    drop = new Float32Array(nItems);
    for (const i of excludeItems) {
      if (i >= 0 && i < nItems) {
        keep[i] = 0;
        drop[i] = -1e9;
      }
    }
  }
  return {
    count: Math.ceil(order.length / bs),
    loss(b) {
      const part = order.subarray(b * bs, Math.min(order.length, (b + 1) * bs));
      const target = new Float32Array(part.length * nItems);
      part.forEach((u, r) => {
        for (let p = train.indptr[u]; p < train.indptr[u + 1]; p++) target[r * nItems + train.indices[p]] = 1;
      });
      const usersT = tf.tensor1d(part, 'int32');
      const targetT = tf.tensor2d(target, [part.length, nItems]);
      const keepT = keep && uses.has('squared') ? tf.tensor1d(keep) : undefined;
      const dropT = drop && uses.has('multinomial') ? tf.tensor1d(drop) : undefined;
      const lossOf = (name: 'multinomial' | 'squared', logits: tf.Tensor2D): tf.Scalar => {
        if (name === 'squared') {
          const observed = tf.sum(tf.mul(targetT, tf.square(tf.sub(1, logits))));
          const all = tf.sum(keepT ? tf.mul(tf.square(logits), keepT) : tf.square(logits));
          return tf.div(tf.add(observed, tf.mul(all, spec.unobservedWeight)), part.length) as tf.Scalar;
        }
        const masked = dropT ? tf.add(logits, dropT) : logits;
        return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(masked), targetT), 1))) as tf.Scalar;
      };
      const compute = () => {
        const { logits, penalty, auxiliary } = userLogits(usersT, true);
        let loss = lossOf(spec.loss as 'multinomial' | 'squared', logits);
        if (auxiliary && auxiliary.length > 0 && auxWeight > 0) {
          loss = tf.add(loss, tf.mul(tf.addN(auxiliary.map((a) => lossOf(auxLoss, a))), auxWeight)) as tf.Scalar;
        }
        return penalty ? (tf.add(loss, penalty) as tf.Scalar) : loss;
      };
      return { tensors: [usersT, targetT, ...(keepT ? [keepT] : []), ...(dropT ? [dropT] : [])], compute };
    },
  };
}

const ALL_ITEMS_LOSSES: TrainSpec['loss'][] = ['multinomial', 'squared'];

/** An auxiliary loss other than the main one is one more all-items loss over the same batch of users; pair losses share one batch shape each. */
function checkAuxLoss(spec: TrainSpec): void {
  if (spec.auxLoss === undefined || spec.auxLoss === spec.loss) return;
  if (ALL_ITEMS_LOSSES.includes(spec.loss) && ALL_ITEMS_LOSSES.includes(spec.auxLoss)) return;
  throw new InputError(
    `train.auxLoss '${spec.auxLoss}' cannot go with loss '${spec.loss}': the auxiliary loss can differ from the main one only between the all-items losses (multinomial, squared). ` +
      `Leave auxLoss out or set it to '${spec.loss}'.`,
    'SPEC',
  );
}

/** Loss plus the L2 penalty on the embedding rows the batch looked up (mean squared norm per row). */
function penalised(compute: () => tf.Scalar, l2: number): () => tf.Scalar {
  if (l2 <= 0) return compute;
  return () => {
    const { result, lookups } = collectLookups(compute);
    if (lookups.length === 0) return result;
    const penalty = tf.addN(lookups.map((t) => tf.div(tf.sum(tf.square(t)), t.shape[0])));
    return tf.add(result, tf.mul(penalty, l2)) as tf.Scalar;
  };
}

function cancelled(): RecLabError {
  return new RecLabError('The run was cancelled.', 'CANCELLED');
}

/**
 * Trains `arch` on the positives of `train` with a custom loop: per epoch fresh
 * negatives and a seeded shuffle, `variableGrads` + the optimiser per batch, the step
 * loss reported every `logEvery` steps, validation every `evalEvery` epochs with early
 * stopping (the best weights are restored at the end). A non-finite loss stops at once
 * with RecLabError `NAN_LOSS`; metrics reported before it stay reported.
 */
export async function trainArchitecture(arch: NeuralArchitecture, train: CsrMatrix, spec: TrainSpec, opts: TrainOptions): Promise<TrainResult> {
  const hooks = opts.hooks ?? {};
  const log = hooks.log ?? (() => {});
  checkAuxLoss(spec);
  if (opts.context) checkPositiveContext(opts.context, train);
  const rng = new Rng(opts.seed);
  const sampler = new NegativeSampler(train, spec.negativeSampling, rng.fork(1), opts.excludeItems);
  const shuffleRng = rng.fork(2);
  const optimizer: Optimizer = createOptimizer(spec.optimizer);
  const stopper = new EarlyStopping(spec.patience);
  const variables = arch.variables;
  const history: TrainResult['history'] = [];
  let step = 0;
  let lastFinite = NaN;
  let stoppedEarly = false;

  try {
    arch.initialise?.(log);
    for (let epoch = 0; epoch < spec.epochs; epoch++) {
      if (hooks.signal?.aborted) throw cancelled();
      const t0 = performance.now();
      optimizer.learningRate = scheduledLearningRate(spec, epoch);
      hooks.onMetric?.('train/lr', optimizer.learningRate, step, epoch + 1);
      const batches = epochBatches(arch, train, spec, sampler, shuffleRng, opts.context, opts.excludeItems);
      const progress = (stepInEpoch: number) =>
        hooks.onProgress?.({
          epoch: epoch + 1,
          epochs: spec.epochs,
          stepInEpoch,
          stepsPerEpoch: batches.count,
          step,
          best: stopper.bestEpoch === undefined ? undefined : { metric: spec.metric, value: stopper.bestValue!, epoch: stopper.bestEpoch },
          patience: hooks.evaluate && spec.evalEvery > 0 ? spec.patience : undefined,
        });
      progress(0);
      let sum = 0;
      for (let b = 0; b < batches.count; b++) {
        const { tensors, compute } = batches.loss(b);
        let value: number;
        try {
          const { value: lossT, grads } = tf.variableGrads(penalised(compute, spec.l2), variables);
          value = lossT.dataSync()[0];
          if (Number.isFinite(value)) optimizer.apply(variables, grads);
          tf.dispose([lossT, grads]);
        } finally {
          tf.dispose(tensors);
        }
        step++;
        if (!Number.isFinite(value)) {
          const last = Number.isFinite(lastFinite) ? lastFinite.toPrecision(4) : 'none yet';
          throw new RecLabError(
            `Training diverged: the loss became ${value} at epoch ${epoch + 1}, step ${step} (last finite loss: ${last}). ` +
              `Lower the learning rate (optimizer.lr, now ${optimizer.learningRate}) or add l2.`,
            'NAN_LOSS',
            { epoch: epoch + 1, step, lastFiniteLoss: lastFinite, learningRate: optimizer.learningRate },
          );
        }
        lastFinite = value;
        sum += value;
        if (step % spec.logEvery === 0) {
          hooks.onMetric?.('train/loss', value, step, epoch + 1);
          progress(b + 1);
          // Let the host's message loop run (progress events, cancel flag).
          await new Promise<void>((resolve) => setImmediate(resolve));
          if (hooks.signal?.aborted) throw cancelled();
        }
      }
      const epochLoss = batches.count > 0 ? sum / batches.count : NaN;
      hooks.onMetric?.('train/epoch_loss', epochLoss, step, epoch + 1);
      const entry: TrainResult['history'][number] = { epoch: epoch + 1, loss: epochLoss, seconds: 0 };
      const evalNow = hooks.evaluate && spec.evalEvery > 0 && ((epoch + 1) % spec.evalEvery === 0 || epoch + 1 === spec.epochs);
      let stop = false;
      if (evalNow) {
        const metric = await hooks.evaluate!();
        entry.metric = metric;
        hooks.onMetric?.(`valid/${spec.metric}`, metric, step, epoch + 1);
        stop = stopper.update(epoch + 1, metric, variables);
      }
      entry.seconds = (performance.now() - t0) / 1000;
      history.push(entry);
      progress(batches.count);
      log(
        `epoch ${epoch + 1}/${spec.epochs}: loss ${epochLoss.toFixed(4)}` +
          (entry.metric !== undefined ? `, valid ${spec.metric} ${entry.metric.toFixed(4)}` : '') +
          ` (${entry.seconds.toFixed(1)} s)`,
      );
      if (stop) {
        stoppedEarly = true;
        log(`early stop: no ${spec.metric} gain for ${spec.patience} evaluations; keeping epoch ${stopper.bestEpoch}`);
        break;
      }
    }
    if (stopper.restoreBest(variables) && stopper.bestEpoch !== history[history.length - 1]?.epoch) {
      log(`restored the weights of epoch ${stopper.bestEpoch} (${spec.metric} ${stopper.bestValue?.toFixed(4)})`);
    }
    return {
      epochs: history.length,
      steps: step,
      lastLoss: lastFinite,
      bestEpoch: stopper.bestEpoch,
      bestMetric: stopper.bestValue,
      stoppedEarly,
      history,
    };
  } finally {
    stopper.dispose();
    optimizer.dispose();
  }
}
