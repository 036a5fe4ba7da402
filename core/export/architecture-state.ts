import * as tf from '@tensorflow/tfjs';
import type { CsrMatrix } from '../data';
import { buildArchitecture, getArchitecture, type ArchitectureInputs, type FeatureBlock, type NeuralArchitecture } from '../models';
import { BugIndicatingError, InputError } from '../util';

/**
 * Saving a trained architecture and rebuilding it, possibly with extra users and items.
 *
 * A bundle stores no network topology: the architecture is rebuilt from its spec and
 * inputs by the same registered builder that trained it, and the trained values are
 * assigned to its variables in order. Scoring a NEW user or item is the same rebuild
 * with the entity tables one or more rows longer (features, graph and id tables), the
 * trained rows copied in and the new rows filled (zero for items, fitted for users;
 * see fold-in.ts). Which tables grow with the users or the items is found once at
 * export by building a probe with 1 extra user and 2 extra items and comparing shapes,
 * so any architecture built from `ArchitectureInputs` works without a per-type hook.
 */

/** How a variable's first axis is indexed: by user, by item, or by graph node (users then items, as LightGCN). */
export type RowKind = 'user' | 'item' | 'nodes';

/** One saved variable: its key in the weights file, shape, and which entity its rows are. */
export interface SavedVariable {
  /** Stable name (the tfjs name without the per-process uniqueness suffix), unique in the model. */
  name: string;
  shape: number[];
  rows?: RowKind;
}

/** Everything besides the weights needed to rebuild the architecture. */
export interface ArchitectureState {
  /** The `model` part of the spec that was trained (type + config, tuned values applied). */
  spec: { type: string } & Record<string, unknown>;
  nUsers: number;
  nItems: number;
  userFeatureDim: number;
  itemFeatureDim: number;
  contextDim: number;
  /** Whether the builder takes the training graph (the definition's `needs.graph`). */
  graph: boolean;
  seed: number;
  variables: SavedVariable[];
}

/** Data the rebuild needs besides the state: feature rows of the known entities and the training graph. */
export interface RebuildData {
  userFeatures?: FeatureBlock;
  itemFeatures?: FeatureBlock;
  graph?: CsrMatrix;
}

/** Entities to add to a rebuild. Rows of new users come after the known users, new items after the known items. */
export interface Extension {
  /** Feature rows of the new users (`users x userFeatureDim`), or undefined for zeros. */
  userFeatures?: Float32Array;
  /** Training-graph rows of the new users: known item indices each one interacted with. */
  userItems: Int32Array[];
  /** Feature rows of the new items (`items x itemFeatureDim`), or undefined for zeros. */
  itemFeatures?: Float32Array;
  newItems: number;
}

const NO_EXTENSION: Extension = { userItems: [], newItems: 0 };

/** Variable names are made unique per process by a `_<n>` suffix (layers.ts); the stable part is what a bundle stores. */
export function stableVariableNames(arch: NeuralArchitecture): string[] {
  const seen = new Map<string, number>();
  return arch.variables.map((v) => {
    const base = v.name.replace(/_\d+$/, '');
    const k = seen.get(base) ?? 0;
    seen.set(base, k + 1);
    return k === 0 ? base : `${base}#${k}`;
  });
}

function appendRows(block: FeatureBlock | undefined, extra: Float32Array | undefined, rows: number, what: string): FeatureBlock | undefined {
  if (!block) return undefined;
  if (rows === 0) return block;
  const values = new Float32Array(block.values.length + rows * block.dim);
  values.set(block.values);
  if (extra) {
    if (extra.length !== rows * block.dim) throw new BugIndicatingError(`${what} features: ${extra.length} values for ${rows} new rows of width ${block.dim}`);
    values.set(extra, block.values.length);
  }
  return { dim: block.dim, values, names: block.names };
}

/** The training graph with new user rows (their items) and new, empty item columns. */
export function extendGraph(graph: CsrMatrix, userItems: Int32Array[], newItems: number): CsrMatrix {
  if (userItems.length === 0 && newItems === 0) return graph;
  const extra = userItems.reduce((s, r) => s + r.length, 0);
  const indptr = new Int32Array(graph.nRows + userItems.length + 1);
  indptr.set(graph.indptr);
  const indices = new Int32Array(graph.indices.length + extra);
  indices.set(graph.indices);
  const values = new Float32Array(indices.length).fill(1);
  values.set(graph.values);
  let at = graph.indices.length;
  userItems.forEach((row, r) => {
    const sorted = Int32Array.from(new Set(row)).sort();
    indices.set(sorted, at);
    at += sorted.length;
    indptr[graph.nRows + r + 1] = at;
  });
  return { nRows: graph.nRows + userItems.length, nCols: graph.nCols + newItems, indptr, indices: indices.subarray(0, at), values: values.subarray(0, at) };
}

/** Inputs of a (possibly extended) build. */
export function rebuildInputs(state: ArchitectureState, data: RebuildData, ext: Extension = NO_EXTENSION): ArchitectureInputs {
  const newUsers = ext.userItems.length;
  if (state.graph && !data.graph) throw new BugIndicatingError(`${state.spec.type} needs the training graph to rebuild`);
  return {
    nUsers: state.nUsers + newUsers,
    nItems: state.nItems + ext.newItems,
    userFeatures: state.userFeatureDim > 0 ? appendRows(data.userFeatures, ext.userFeatures, newUsers, 'user') : undefined,
    itemFeatures: state.itemFeatureDim > 0 ? appendRows(data.itemFeatures, ext.itemFeatures, ext.newItems, 'item') : undefined,
    contextDim: state.contextDim,
    graph: state.graph ? extendGraph(data.graph!, ext.userItems, ext.newItems) : undefined,
    seed: state.seed,
  };
}

/**
 * Describes a trained architecture for saving: stable names, shapes, and which variables
 * are per-user or per-item tables (by a probe build with 1 extra user and 2 extra items).
 * Also checks the inputs rebuild the same shapes as the trained model, so a bundle that
 * could not be loaded is refused at export, not at load.
 */
export function describeArchitecture(
  arch: NeuralArchitecture,
  spec: { type: string } & Record<string, unknown>,
  base: Omit<ArchitectureState, 'variables' | 'graph'>,
  data: RebuildData,
): ArchitectureState {
  const needsGraph = getArchitecture(spec.type).needs?.graph === true;
  if (needsGraph && !data.graph) throw new BugIndicatingError(`describeArchitecture: ${spec.type} needs the training graph`);
  const names = stableVariableNames(arch);
  const partial: ArchitectureState = { ...base, graph: needsGraph, variables: [] };
  const probe = buildArchitecture(spec, rebuildInputs(partial, data, { userItems: [new Int32Array(0)], newItems: 2 }));
  try {
    const probeNames = stableVariableNames(probe);
    if (probeNames.length !== names.length || probeNames.some((n, k) => n !== names[k])) {
      throw new InputError(
        `The trained ${spec.type} model has variables [${names.join(', ')}], but rebuilding it from its spec gives [${probeNames.join(', ')}]; ` +
          'export needs the same model spec, features and contextDim the model was trained with.',
        'BUNDLE',
      );
    }
    const variables = arch.variables.map((v, k): SavedVariable => {
      const p = probe.variables[k].shape;
      const s = v.shape;
      const rest = (a: number[]) => a.slice(1).join('x');
      const grow = (p[0] ?? 0) - (s[0] ?? 0);
      const kind: RowKind | undefined = grow === 0 ? undefined : grow === 1 ? 'user' : grow === 2 ? 'item' : grow === 3 ? 'nodes' : undefined;
      if (p.length !== s.length || rest(p) !== rest(s) || (grow !== 0 && kind === undefined)) {
        throw new InputError(
          `Variable '${names[k]}' of the trained ${spec.type} model is [${s.join(', ')}] but rebuilds as [${p.join(', ')}] with 1 more user and 2 more items; ` +
            'export needs the same model spec, features and contextDim the model was trained with.',
          'BUNDLE',
        );
      }
      if (kind === 'nodes' && s[0] !== base.nUsers + base.nItems) throw new BugIndicatingError(`${names[k]}: a node table of ${s[0]} rows for ${base.nUsers} users + ${base.nItems} items`);
      return { name: names[k], shape: [...s], ...(kind ? { rows: kind } : {}) };
    });
    return { ...partial, variables };
  } finally {
    probe.dispose();
  }
}

/** The trained values to save, keyed by stable name (tensors are the variables themselves: do not dispose). */
export function namedWeights(arch: NeuralArchitecture, state: ArchitectureState): { name: string; tensor: tf.Tensor }[] {
  return arch.variables.map((v, k) => ({ name: state.variables[k].name, tensor: v }));
}

/**
 * Rebuilds the architecture from its state and saved weights, with `ext`'s new users
 * and items appended. New rows of per-user tables are zero (fold-in fits them), new
 * rows of per-item tables are zero, as an item without an id embedding (cold-masked
 * architectures ignore the row anyway). Returns the architecture; the caller disposes it.
 */
export function rebuildArchitecture(state: ArchitectureState, weights: tf.NamedTensorMap, data: RebuildData, ext: Extension = NO_EXTENSION, where = 'model/model.json'): NeuralArchitecture {
  const arch = buildArchitecture(state.spec, rebuildInputs(state, data, ext));
  try {
    if (arch.variables.length !== state.variables.length) {
      throw new InputError(`${where}: describes ${state.variables.length} variables, but ${state.spec.type} rebuilds with ${arch.variables.length}; the bundle was written by an incompatible RecLab version.`, 'BUNDLE');
    }
    const newUsers = ext.userItems.length;
    tf.tidy(() => {
      state.variables.forEach((saved, k) => {
        const t = weights[saved.name];
        if (!t) throw new InputError(`${where}: the weights have no tensor '${saved.name}'.`, 'BUNDLE');
        if (t.shape.join('x') !== saved.shape.join('x')) {
          throw new InputError(`${where}: weight '${saved.name}' is [${t.shape.join(', ')}], expected [${saved.shape.join(', ')}].`, 'BUNDLE');
        }
        const zeros = (n: number) => tf.zeros([n, ...t.shape.slice(1)]);
        let value: tf.Tensor = t;
        if (saved.rows === 'user' && newUsers > 0) value = tf.concat([t, zeros(newUsers)], 0);
        else if (saved.rows === 'item' && ext.newItems > 0) value = tf.concat([t, zeros(ext.newItems)], 0);
        else if (saved.rows === 'nodes' && newUsers + ext.newItems > 0) {
          const users = tf.slice(t, 0, state.nUsers);
          const items = tf.slice(t, state.nUsers, state.nItems);
          value = tf.concat([users, zeros(newUsers), items, zeros(ext.newItems)], 0);
        }
        const v = arch.variables[k];
        if (v.shape.join('x') !== value.shape.join('x')) {
          throw new InputError(`${where}: weight '${saved.name}' becomes [${value.shape.join(', ')}] but ${state.spec.type} rebuilds it as [${v.shape.join(', ')}].`, 'BUNDLE');
        }
        v.assign(value);
      });
    });
    return arch;
  } catch (e) {
    arch.dispose();
    throw e;
  }
}

/** Row index of new user `r` in a table of kind `kind` (the same for user and node tables, since users come first). */
export function newUserRow(state: ArchitectureState, r: number): number {
  return state.nUsers + r;
}
