import type { AttributeValue, Dataset } from '../data';
import { featurePipelineSpecSchema, formatIssues, type FeaturePipelineSpec } from '../spec';
import { BugIndicatingError, InputError } from '../util';
import { deserializeTransformer, getFeatureTransformer, parseTransformerConfig, serializeTransformer } from './registry';
import type { FeatureRows, FeatureSide, FitInput, FittedTransformer, SerializedTransformer } from './types';

/**
 * Dense per-entity features: row `e` of `values` (length `dim`) describes entity `e`.
 * Same shape as `FeatureBlock` of core/models/neural/types.ts, which core/models does not
 * export through its index yet; the pipeline test checks the two stay assignable.
 */
export interface FeatureBlock {
  dim: number;
  values: Float32Array;
  names?: string[];
}

/** One interaction to build context features for, outside the dataset (bundle scoring). */
export interface ContextEvent {
  /** Dataset user index, or undefined / -1 for a user the pipeline has not seen. */
  user?: number;
  /** Unix seconds; undefined or NaN when unknown. */
  timestamp?: number;
  /** Context column values (device, place, ...). */
  context?: Record<string, string | null>;
}

/** JSON form of a fitted pipeline: everything needed to rebuild it without the dataset. */
export interface FittedPipelineJson {
  format: 1;
  spec: unknown;
  seed: number;
  nUsers: number;
  nItems: number;
  userIds: string[];
  itemIds: string[];
  /** Fitted transformers per side, in spec order. This, not `attributes`, is the fitted state. */
  user: SerializedTransformer[];
  item: SerializedTransformer[];
  context: SerializedTransformer[];
  /** The attribute columns the transformers read, for every known entity (to rebuild the blocks). */
  attributes: { user: Record<string, AttributeValue[]>; item: Record<string, AttributeValue[]> };
}

const DEFAULT_SEED = 42;

function widthOf(parts: FittedTransformer[]): number {
  return parts.reduce((s, t) => s + t.dim, 0);
}

/** Runs the transformers of one side over `rows`, concatenated in spec order. */
function runSide(parts: FittedTransformer[], rows: FeatureRows): Float32Array {
  const stride = widthOf(parts);
  const out = new Float32Array(rows.n * stride);
  let offset = 0;
  for (const t of parts) {
    t.transform(rows, out, stride, offset);
    offset += t.dim;
  }
  return out;
}

/** Columns the entity transformers of a side read (`config.column`). */
function columnsRead(parts: FittedTransformer[]): string[] {
  const names = new Set<string>();
  for (const t of parts) {
    const column = (t.config as { column?: unknown }).column;
    if (typeof column === 'string') names.add(column);
  }
  return [...names];
}

/** Rows of new entities given as attribute records (missing keys read as missing values). */
function recordRows(attrs: readonly Record<string, AttributeValue>[]): FeatureRows {
  return {
    n: attrs.length,
    entity: new Int32Array(attrs.length).fill(-1),
    values: (column) => attrs.map((a) => a[column] ?? null),
  };
}

/** Sorted unique entity indices of the training interactions. */
function entitiesIn(of: Int32Array, trainIndex: Int32Array, n: number): Int32Array {
  const seen = new Uint8Array(n);
  for (const k of trainIndex) seen[of[k]] = 1;
  const out: number[] = [];
  for (let e = 0; e < n; e++) if (seen[e]) out.push(e);
  return Int32Array.from(out);
}

/**
 * A feature pipeline fitted on the training part of a dataset. Known entities' features come
 * from `userFeatures()` / `itemFeatures()`; new users and items (not in the dataset) from
 * `transformUsers` / `transformItems` given their attributes; per-interaction context from
 * `contextFeatures` (dataset interactions) or `transformContext` (new events).
 */
export class FittedPipeline {
  readonly userDim: number;
  readonly itemDim: number;
  readonly contextDim: number;

  constructor(
    private readonly json: Omit<FittedPipelineJson, 'user' | 'item' | 'context'>,
    private readonly parts: Record<FeatureSide, FittedTransformer[]>,
    private readonly ds?: Dataset,
  ) {
    this.userDim = widthOf(parts.user);
    this.itemDim = widthOf(parts.item);
    this.contextDim = widthOf(parts.context);
  }

  get nUsers(): number {
    return this.json.nUsers;
  }

  get nItems(): number {
    return this.json.nItems;
  }

  /** The fitted transformers of a side, in column order (for summaries: type, config, width). */
  transformers(side: FeatureSide): readonly FittedTransformer[] {
    return this.parts[side];
  }

  /** Output column names of a side, in order. */
  names(side: FeatureSide): string[] {
    return this.parts[side].flatMap((t) => t.names);
  }

  private knownBlock(side: 'user' | 'item'): FeatureBlock {
    const n = side === 'user' ? this.json.nUsers : this.json.nItems;
    const columns = this.json.attributes[side];
    const entity = new Int32Array(n);
    for (let e = 0; e < n; e++) entity[e] = e;
    const values = runSide(this.parts[side], {
      n,
      entity,
      values: (column) => {
        const v = columns[column];
        if (!v) throw new BugIndicatingError(`Feature pipeline snapshot has no ${side} column '${column}'`);
        return v;
      },
    });
    return { dim: side === 'user' ? this.userDim : this.itemDim, values, names: this.names(side) };
  }

  /** Features of every dataset user (cold users included), nUsers x userDim. */
  userFeatures(): FeatureBlock {
    return this.knownBlock('user');
  }

  /** Features of every dataset item (cold items included), nItems x itemDim. */
  itemFeatures(): FeatureBlock {
    return this.knownBlock('item');
  }

  /** Features of NEW users from their attributes, attrs.length x userDim (no collaborative signal: SVD rows are 0). */
  transformUsers(attrs: readonly Record<string, AttributeValue>[]): Float32Array {
    return runSide(this.parts.user, recordRows(attrs));
  }

  /** Features of NEW items from their attributes, attrs.length x itemDim (SVD rows are 0). */
  transformItems(attrs: readonly Record<string, AttributeValue>[]): Float32Array {
    return runSide(this.parts.item, recordRows(attrs));
  }

  /** Context of dataset interactions, interactionIndex.length x contextDim. Needs the dataset attached. */
  contextFeatures(interactionIndex: Int32Array): Float32Array {
    const ds = this.ds;
    if (!ds) {
      throw new InputError(
        'This feature pipeline was loaded without its dataset, so it cannot look up interactions; pass the dataset to loadFittedPipeline, or use transformContext with the events themselves.',
        'FEATURES',
      );
    }
    const { user, timestamp, context } = ds.interactions;
    const n = interactionIndex.length;
    const entity = new Int32Array(n);
    const ts = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      const k = interactionIndex[r];
      if (k < 0 || k >= user.length) throw new BugIndicatingError(`Interaction index ${k} is outside 0..${user.length - 1}`);
      entity[r] = user[k];
      ts[r] = timestamp[k];
    }
    return runSide(this.parts.context, {
      n,
      entity,
      timestamp: ts,
      values: (column) => {
        const all = context[column];
        return Array.from(interactionIndex, (k) => (all ? all[k] : null));
      },
    });
  }

  /** Context of events outside the dataset (bundle scoring), events.length x contextDim. */
  transformContext(events: readonly ContextEvent[]): Float32Array {
    return runSide(this.parts.context, {
      n: events.length,
      entity: Int32Array.from(events, (e) => (e.user === undefined || e.user >= this.json.nUsers ? -1 : e.user)),
      timestamp: Float64Array.from(events, (e) => e.timestamp ?? NaN),
      values: (column) => events.map((e) => e.context?.[column] ?? null),
    });
  }

  /** The fitted transformers' JSON forms per side: the fitted state (what a leak would change). */
  fittedState(): Record<FeatureSide, SerializedTransformer[]> {
    return {
      user: this.parts.user.map(serializeTransformer),
      item: this.parts.item.map(serializeTransformer),
      context: this.parts.context.map(serializeTransformer),
    };
  }

  /** Plain JSON for export; `loadFittedPipeline` rebuilds an identical pipeline from it. */
  toJSON(): FittedPipelineJson {
    return { ...this.json, ...this.fittedState() };
  }
}

/**
 * Fits a feature pipeline on the training part of a dataset. What "training only" means:
 * - context transformers (temporal, context-categorical) and svd see only the
 *   interactions at `trainIndex`;
 * - attribute transformers (vocabularies, idf, scalers, buckets) see only the users / items
 *   that appear in those interactions, so a held-out cold item's text, category or value
 *   never shapes them. Cold entities still get feature rows (that is how they get scored).
 * The seed of randomised transformers is `spec.seed`, else `options.seed` (the run's), else 42.
 */
export function fitFeaturePipeline(spec: FeaturePipelineSpec, ds: Dataset, trainIndex: Int32Array, options: { seed?: number } = {}): FittedPipeline {
  const parsed = featurePipelineSpecSchema.safeParse(spec);
  if (!parsed.success) {
    throw new InputError(`Invalid feature pipeline: ${formatIssues(parsed.error, ['features']).join('; ')}`, 'SPEC');
  }
  const nInteractions = ds.interactions.user.length;
  for (const k of trainIndex) {
    if (k < 0 || k >= nInteractions) throw new BugIndicatingError(`Training index ${k} is outside 0..${nInteractions - 1}`);
  }
  const seed = parsed.data.seed ?? options.seed ?? DEFAULT_SEED;
  const nUsers = ds.userIds.length;
  const nItems = ds.itemIds.length;
  const cache = new Map<string, unknown>();
  const fitEntities: Record<FeatureSide, Int32Array> = {
    user: entitiesIn(ds.interactions.user, trainIndex, nUsers),
    item: entitiesIn(ds.interactions.item, trainIndex, nItems),
    context: new Int32Array(0),
  };
  const fitSide = (side: FeatureSide): FittedTransformer[] =>
    parsed.data[side].map((entry, i) => {
      const where = `features.${side}[${i}]`;
      const config = parseTransformerConfig(side, entry, where);
      const input: FitInput = { ds, side, trainIndex, fitEntities: fitEntities[side], seed, cache };
      return getFeatureTransformer(entry.type).fit(config, input);
    });
  const parts = { user: fitSide('user'), item: fitSide('item'), context: fitSide('context') };
  const snapshot = (side: 'user' | 'item'): Record<string, AttributeValue[]> => {
    const columns = side === 'user' ? ds.userAttributes : ds.itemAttributes;
    const out: Record<string, AttributeValue[]> = {};
    for (const name of columnsRead(parts[side])) {
      const col = columns.find((c) => c.name === name);
      if (col) out[name] = col.values.slice();
    }
    return out;
  };
  const json = {
    format: 1 as const,
    spec,
    seed,
    nUsers,
    nItems,
    userIds: ds.userIds.slice(),
    itemIds: ds.itemIds.slice(),
    attributes: { user: snapshot('user'), item: snapshot('item') },
  };
  return new FittedPipeline(json, parts, ds);
}

/**
 * Rebuilds a fitted pipeline from `toJSON()` output (e.g. read from a bundle). Pass the
 * dataset to use `contextFeatures` on its interactions; everything else works without it.
 */
export function loadFittedPipeline(json: FittedPipelineJson, ds?: Dataset): FittedPipeline {
  if (json.format !== 1) {
    throw new InputError(`Feature pipeline format ${String(json.format)} is not supported (expected 1); re-export it with this RecLab version.`, 'FEATURES');
  }
  const { user, item, context, ...rest } = json;
  const parts = { user: user.map(deserializeTransformer), item: item.map(deserializeTransformer), context: context.map(deserializeTransformer) };
  if (ds && (ds.userIds.length !== json.nUsers || ds.itemIds.length !== json.nItems)) {
    throw new InputError(
      `Dataset '${ds.name}' has ${ds.userIds.length} users and ${ds.itemIds.length} items, but the feature pipeline was fitted on ${json.nUsers} and ${json.nItems}; load it with the dataset it was fitted on.`,
      'FEATURES',
    );
  }
  return new FittedPipeline(rest, parts, ds);
}
