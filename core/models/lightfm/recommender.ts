import { evaluateRanking } from '../../eval';
import { BugIndicatingError, RecLabError, Rng } from '../../util';
import type { Factors } from '../neural';
import type { FitContext, ModelInputs, ModelSummary, Recommender } from '../types';
import { checkSides, LightfmArchitecture, parseLightfmConfig } from './architecture';
import type { LightfmConfig } from './config';
import { buildFeatureRows, type FeatureRows } from './feature-rows';
import { copyParams, initParams, representAll, type LightfmParams } from './params';
import { scoreFactorised } from './scoring';
import { LightfmSgd } from './sgd';

/** What a fit did, epoch by epoch (the shape of core/train's TrainResult, so benchmarks read both alike). */
export interface LightfmTrainResult {
  epochs: number;
  /** Epoch (1-based) whose values were kept, when validation ran. */
  bestEpoch?: number;
  bestMetric?: number;
  stoppedEarly: boolean;
  history: { epoch: number; loss: number; metric?: number; seconds: number }[];
}

/**
 * `lightfm`: a LightFM-style factorised hybrid trained by sparse SGD on typed arrays (see
 * sgd.ts), no tensors. A user is the weighted sum of the embeddings of their features (an
 * identity feature and the pipeline's user columns), an item likewise plus the sum of its
 * features' biases, score = user · item + item bias. An item nobody interacted with in
 * training (a held-out cold item, or a new item in a bundle) is the sum of its attribute
 * embeddings: that is its cold-start score. Full ranking multiplies the representations
 * once per call (scoring.ts).
 *
 * With a validation part and `evalEvery` > 0, every `evalEvery` epochs are scored by full
 * ranking on it (NDCG@K, training positives masked) and the best epoch's values are kept;
 * `patience` validations without improvement stop training.
 *
 * Export: `model` and `architecture` are what core/export reads from a trained neural
 * model, so writeBundle writes a `lightfm` bundle the same way (see architecture.ts).
 */
export class LightfmRecommender implements Recommender {
  readonly type = 'lightfm';
  readonly config: LightfmConfig;
  result: LightfmTrainResult | undefined;
  private params: LightfmParams | undefined;
  private userRows: FeatureRows | undefined;
  private itemRows: FeatureRows | undefined;
  private scoring: Factors | undefined;
  private arch: LightfmArchitecture | undefined;
  private fitSeed = 0;
  private items = 0;

  constructor(
    config: unknown,
    private readonly inputs: ModelInputs = {},
  ) {
    this.config = parseLightfmConfig(config);
  }

  get nItems(): number {
    return this.items;
  }

  /** The model spec a bundle rebuilds from (`{type, ...config}`). */
  get model(): { type: string } & Record<string, unknown> {
    return { type: this.type, ...this.config };
  }

  /** The trained model as a NeuralArchitecture (tf variables), built on first use, for export; undefined before fit. */
  get architecture(): LightfmArchitecture | undefined {
    if (!this.params) return undefined;
    if (!this.arch) {
      this.arch = new LightfmArchitecture(this.config, {
        nUsers: this.userRows!.nRows,
        nItems: this.itemRows!.nRows,
        userFeatures: this.inputs.userFeatures,
        itemFeatures: this.inputs.itemFeatures,
        contextDim: 0,
        seed: this.fitSeed,
      });
      this.arch.assign(this.params);
    }
    return this.arch;
  }

  /** The trained values (after fit). */
  get trained(): LightfmParams | undefined {
    return this.params;
  }

  async fit(ctx: FitContext): Promise<void> {
    this.dispose();
    const c = this.config;
    const { train } = ctx;
    const userRows = buildFeatureRows(train.nRows, c.userIdentity, this.inputs.userFeatures, c.normalize);
    const itemRows = buildFeatureRows(train.nCols, c.itemIdentity, this.inputs.itemFeatures, c.normalize);
    checkSides(userRows, itemRows);
    const rng = new Rng(ctx.seed);
    const params = initParams(c.components, userRows, itemRows, rng.fork(1), c.initScale, { users: ctx.coldUsers, items: ctx.coldItems });
    const sgd = new LightfmSgd(params, c, { users: userRows, items: itemRows, train, negatives: negativePool(train.nCols, ctx.coldItems) }, rng.fork(2).int(0x7fffffff));
    this.userRows = userRows;
    this.itemRows = itemRows;
    this.items = train.nCols;
    this.fitSeed = ctx.seed;
    this.params = params;
    ctx.log?.(`lightfm: ${userRows.nCols} user and ${itemRows.nCols} item feature columns, ${c.components} components, ${train.indices.length} positives per epoch`);

    const k = Number(c.metric.split('@')[1]);
    const validate = c.evalEvery > 0 && ctx.valid !== undefined && ctx.valid.indices.length > 0;
    const history: LightfmTrainResult['history'] = [];
    let best: { epoch: number; metric: number; params: LightfmParams } | undefined;
    let sinceBest = 0;
    let stoppedEarly = false;
    for (let epoch = 1; epoch <= c.epochs; epoch++) {
      if (ctx.signal?.aborted) throw new RecLabError('The run was cancelled.', 'CANCELLED');
      const t0 = performance.now();
      const stats = sgd.epoch();
      const seconds = (performance.now() - t0) / 1000;
      if (!Number.isFinite(stats.loss)) {
        throw new RecLabError(`lightfm: the loss became ${stats.loss} in epoch ${epoch}; lower learningRate (now ${c.learningRate}) or raise userAlpha/itemAlpha.`, 'NAN_LOSS');
      }
      const entry: LightfmTrainResult['history'][number] = { epoch, loss: stats.loss, seconds };
      ctx.onMetric?.('train/epoch_loss', stats.loss, epoch, epoch);
      if (validate && epoch % c.evalEvery === 0) {
        this.scoring = undefined;
        const r = await evaluateRanking({ scorer: this, truth: ctx.valid!, exclude: [train], ks: [k] });
        const metric = r.overall[`ndcg@${k}`];
        entry.metric = metric;
        ctx.onMetric?.(`valid/${c.metric}`, metric, epoch, epoch);
        if (best === undefined || metric > best.metric) {
          best = { epoch, metric, params: copyParams(params) };
          sinceBest = 0;
        } else if (++sinceBest >= c.patience) {
          stoppedEarly = true;
        }
      }
      history.push(entry);
      ctx.log?.(`epoch ${epoch}: loss ${stats.loss.toFixed(4)} (${stats.updates}/${stats.examples} steps)${entry.metric !== undefined ? `, valid ${c.metric} ${entry.metric.toFixed(4)}` : ''} in ${seconds.toFixed(3)} s`);
      if (stoppedEarly) break;
      // Lets a cancel or the host's messages through between epochs.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (best) this.params = best.params;
    this.scoring = undefined;
    this.result = { epochs: history.length, bestEpoch: best?.epoch, bestMetric: best?.metric, stoppedEarly, history };
  }

  /** User vectors, item vectors and item biases of the trained model (what full ranking multiplies). */
  factors(): Factors {
    if (!this.params) throw new BugIndicatingError('LightfmRecommender.factors called before fit');
    if (!this.scoring) {
      const p = this.params;
      const users = representAll(this.userRows!, p.userEmbeddings, p.dim);
      const items = representAll(this.itemRows!, p.itemEmbeddings, p.dim, p.itemBiases);
      this.scoring = { dim: p.dim, users: users.vectors, items: items.vectors, itemBias: items.biases };
    }
    return this.scoring;
  }

  scoreUsers(users: Int32Array, out: Float32Array): void {
    const f = this.factors();
    if (out.length < users.length * this.items) throw new BugIndicatingError(`lightfm: score buffer of ${out.length} for ${users.length} users x ${this.items} items`);
    scoreFactorised(f.users, f.items, f.itemBias, f.dim, users, out);
  }

  summary(): ModelSummary {
    const p = this.params;
    if (!p) return { type: this.type, parameters: 0 };
    const layers = [
      { name: 'user_embeddings', shape: `[${this.userRows!.nCols}, ${p.dim}]`, parameters: p.userEmbeddings.length },
      { name: 'item_embeddings', shape: `[${this.itemRows!.nCols}, ${p.dim}]`, parameters: p.itemEmbeddings.length },
      { name: 'item_biases', shape: `[${this.itemRows!.nCols}]`, parameters: p.itemBiases.length },
    ];
    return { type: this.type, parameters: layers.reduce((s, l) => s + l.parameters, 0), layers };
  }

  dispose(): void {
    this.arch?.dispose();
    this.arch = undefined;
    this.scoring = undefined;
  }
}

/** Items that may be drawn as negatives: all but the held-out ones, which training must never see. */
function negativePool(nItems: number, held?: Int32Array): Int32Array {
  const out = new Uint8Array(nItems).fill(1);
  for (const i of held ?? []) out[i] = 0;
  const pool: number[] = [];
  for (let i = 0; i < nItems; i++) if (out[i]) pool.push(i);
  return Int32Array.from(pool);
}
