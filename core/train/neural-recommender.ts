import type { CsrMatrix } from '../data';
import { buildArchitecture, createScoreFunction, getArchitecture, topKInto, type FeatureBlock, type FitContext, type ModelSummary, type NeuralArchitecture, type Recommender, type ScoreFunction } from '../models';
import { BugIndicatingError, InputError } from '../util';
import { initBackend, type BackendName } from './backend';
import { checkTrainContext, gatherRows, latestUserInteractions, positiveInteractions, type ContextRows, type PositiveContext } from './context-rows';
import { parseTrainSpec, trainArchitecture, type TrainResult, type TrainSpec } from './trainer';

/** What a neural model needs besides its spec: features from the fitted pipeline. */
export interface NeuralModelInputs {
  userFeatures?: FeatureBlock;
  itemFeatures?: FeatureBlock;
  /** Width of the per-interaction context (`pipeline.contextDim`); 0 or absent: none. */
  contextDim?: number;
  /**
   * Context of every training interaction, `ctx.trainIndex.length x contextDim`, row r for
   * interaction `ctx.trainIndex[r]` (`pipeline.contextFeatures(trainIndex)`). Needed when
   * `contextDim` > 0 and the architecture reads context. Training batches carry each
   * positive's row (negatives repeat it); ranking uses each user's latest training row.
   */
  trainContext?: Float32Array;
  /**
   * Validation metric for early stopping; default: NDCG@K by full ranking of
   * `ctx.valid`, training positives excluded.
   */
  evaluate?: (scorer: ScoreFunction, ctx: FitContext) => Promise<number>;
}

/**
 * A neural architecture plus a training spec behind the `Recommender` interface, so
 * the experiment runner fits, scores and summarises neural models like baselines.
 */
export class NeuralRecommender implements Recommender {
  readonly type: string;
  readonly train: TrainSpec;
  /** Backend the model trained on ('wasm', 'tensorflow', 'cpu'), set by fit. */
  backend: string | undefined;
  result: TrainResult | undefined;
  private arch: NeuralArchitecture | undefined;
  private scorer: ScoreFunction | undefined;
  private items = 0;
  private rankingContext: ContextRows | undefined;

  constructor(
    readonly model: { type: string } & Record<string, unknown>,
    train: unknown,
    private readonly inputs: NeuralModelInputs = {},
  ) {
    getArchitecture(model.type); // unknown type: fail at construction, with the list of known ones
    this.type = model.type;
    this.train = parseTrainSpec(train);
  }

  get nItems(): number {
    return this.items;
  }

  /** The trained architecture (after fit), e.g. for export or gate inspection. */
  get architecture(): NeuralArchitecture | undefined {
    return this.arch;
  }

  /** Width of the context the architecture was built with (after fit): 0 when it reads none. */
  get contextDim(): number {
    return this.rankingContext?.dim ?? 0;
  }

  /**
   * Each user's ranking context after fit (`nUsers x contextDim`): the context of the
   * user's latest training interaction, zeros for users without one; undefined without context.
   */
  get userContext(): Float32Array | undefined {
    return this.rankingContext?.values;
  }

  async fit(ctx: FitContext): Promise<void> {
    this.dispose();
    this.backend = await initBackend(this.train.backend as BackendName | undefined);
    ctx.log?.(`tfjs backend: ${this.backend}`);
    const def = getArchitecture(this.model.type);
    this.items = ctx.train.nCols;
    const given = this.inputs.contextDim ?? 0;
    if (given > 0 && !def.readsContext) ctx.log?.(`${def.type} reads no per-interaction context: its ${given} context columns are not used`);
    const contextDim = def.readsContext ? given : 0;
    const positiveContext = contextDim > 0 ? this.prepareContext(ctx, contextDim) : undefined;
    this.arch = buildArchitecture(this.model, {
      nUsers: ctx.train.nRows,
      nItems: ctx.train.nCols,
      userFeatures: this.inputs.userFeatures,
      itemFeatures: this.inputs.itemFeatures,
      contextDim,
      graph: def.needs?.graph ? ctx.train : undefined,
      seed: ctx.seed,
    });
    const arch = this.arch;
    ctx.log?.(`${arch.type}: ${arch.summary().parameters} parameters`);
    const k = Number(this.train.metric.split('@')[1]);
    const hasValid = ctx.valid !== undefined && ctx.valid.indices.length > 0;
    const evaluate = hasValid
      ? async () => {
          const score = createScoreFunction(arch, ctx.train.nCols, this.rankingContext);
          return this.inputs.evaluate ? this.inputs.evaluate(score, ctx) : validationNdcg(score, ctx.train, ctx.valid!, k);
        }
      : undefined;
    this.result = await trainArchitecture(arch, ctx.train, this.train, {
      seed: ctx.seed,
      excludeItems: ctx.coldItems,
      context: positiveContext,
      hooks: { evaluate, onMetric: ctx.onMetric, log: ctx.log, signal: ctx.signal, onProgress: ctx.onProgress },
    });
    this.scorer = createScoreFunction(arch, ctx.train.nCols, this.rankingContext);
  }

  /**
   * Context rows from `inputs.trainContext`: per training positive (a (user, item) pair
   * seen several times takes its latest interaction) for the batches, and per user (the
   * latest training interaction) for ranking, kept as `rankingContext`.
   */
  private prepareContext(ctx: FitContext, dim: number): PositiveContext {
    const rows = this.inputs.trainContext;
    if (!rows) {
      throw new InputError(`${this.type} was given ${dim} context columns but no training context rows; pass trainContext = pipeline.contextFeatures(trainIndex).`, 'SPEC');
    }
    checkTrainContext(rows, dim, ctx.trainIndex.length);
    const { interactions } = ctx.dataset;
    this.rankingContext = { dim, values: gatherRows(rows, dim, latestUserInteractions(ctx.train.nRows, interactions, ctx.trainIndex)) };
    return { dim, values: gatherRows(rows, dim, positiveInteractions(ctx.train, interactions, ctx.trainIndex)) };
  }

  scoreUsers(users: Int32Array, out: Float32Array): void {
    if (!this.scorer) throw new BugIndicatingError(`NeuralRecommender(${this.type}).scoreUsers called before fit`);
    this.scorer(users, out);
  }

  summary(): ModelSummary {
    if (this.arch) return this.arch.summary();
    return { type: this.type, parameters: 0 };
  }

  /**
   * The layer summary the architecture will have on `train`'s users and items, without
   * training it (a notebook's model cell shows it before a run).
   */
  async describe(train: CsrMatrix, seed: number): Promise<ModelSummary> {
    await initBackend(this.train.backend as BackendName | undefined);
    const def = getArchitecture(this.model.type);
    const arch = buildArchitecture(this.model, {
      nUsers: train.nRows,
      nItems: train.nCols,
      userFeatures: this.inputs.userFeatures,
      itemFeatures: this.inputs.itemFeatures,
      contextDim: def.readsContext ? (this.inputs.contextDim ?? 0) : 0,
      graph: def.needs?.graph ? train : undefined,
      seed,
    });
    try {
      return arch.summary();
    } finally {
      arch.dispose();
    }
  }

  dispose(): void {
    this.arch?.dispose();
    this.arch = undefined;
    this.scorer = undefined;
    this.rankingContext = undefined;
  }
}

/** Builds a neural recommender from the spec's `model` and `train` sections. */
export function createNeuralRecommender(
  model: { type: string } & Record<string, unknown>,
  train: unknown,
  inputs?: NeuralModelInputs,
): NeuralRecommender {
  if (typeof model?.type !== 'string') throw new InputError('model.type must name an architecture', 'SPEC');
  return new NeuralRecommender(model, train, inputs);
}

/**
 * Mean NDCG@k over users with validation items, ranking all items except the user's
 * training positives (binary relevance). Small and self-contained so training does
 * not depend on the evaluation module.
 */
export async function validationNdcg(score: ScoreFunction, train: CsrMatrix, valid: CsrMatrix, k: number): Promise<number> {
  const nItems = train.nCols;
  const users: number[] = [];
  for (let u = 0; u < valid.nRows; u++) if (valid.indptr[u + 1] > valid.indptr[u]) users.push(u);
  if (users.length === 0) return NaN;
  const block = Math.max(1, Math.floor(262_144 / nItems));
  const buf = new Float32Array(block * nItems);
  const top = new Int32Array(k);
  const discount = Float64Array.from({ length: k }, (_, r) => 1 / Math.log2(r + 2));
  let total = 0;
  for (let lo = 0; lo < users.length; lo += block) {
    const part = Int32Array.from(users.slice(lo, lo + block));
    const scores = buf.subarray(0, part.length * nItems);
    score(part, scores);
    for (let r = 0; r < part.length; r++) {
      const u = part[r];
      const off = r * nItems;
      for (let p = train.indptr[u]; p < train.indptr[u + 1]; p++) scores[off + train.indices[p]] = -Infinity;
      topKInto(scores, off, nItems, k, top, 0);
      const relevant = new Set(valid.indices.subarray(valid.indptr[u], valid.indptr[u + 1]));
      let dcg = 0;
      for (let q = 0; q < k; q++) if (top[q] >= 0 && relevant.has(top[q])) dcg += discount[q];
      let idcg = 0;
      for (let q = 0; q < Math.min(k, relevant.size); q++) idcg += discount[q];
      total += dcg / idcg;
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return total / users.length;
}
