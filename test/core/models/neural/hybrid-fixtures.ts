import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { buildCsr } from '../../../../core/data/matrix';
import type { ArchitectureBatch, ArchitectureDefinition, ArchitectureInputs, NeuralArchitecture } from '../../../../core/models/neural/types';
import { modelConfig } from '../../../../core/spec';
import { Rng } from '../../../../core/util';

/*
 * Tiny synthetic inputs shared by the hybrid-family tests: 3 users, 5 items, items 3 and
 * 4 cold (no training interactions), user features of width 2, item features of width 3,
 * context of width 2.
 */

export const N_USERS = 3;
export const N_ITEMS = 5;
export const USER_DIM = 2;
export const ITEM_DIM = 3;
export const CONTEXT_DIM = 2;
export const COLD_ITEMS = [3, 4];

/** Training graph: u0 {i0, i1}, u1 {i1, i2}, u2 {i0, i2}. */
export function trainGraph() {
  return buildCsr(N_USERS, N_ITEMS, Int32Array.from([0, 0, 1, 1, 2, 2]), Int32Array.from([0, 1, 1, 2, 0, 2]));
}

/** Inputs; `coldTwins` makes the two cold items' feature rows identical, otherwise they differ. */
export function tinyInputs(options: { coldTwins: boolean; userFeatures?: boolean; context?: boolean } = { coldTwins: false }): ArchitectureInputs {
  const items = [
    [1, 0, 0.5],
    [0, 1, -0.5],
    [1, 1, 0.2],
    [0, 1, 0.9],
    options.coldTwins ? [0, 1, 0.9] : [1, 0, -0.7],
  ];
  return {
    nUsers: N_USERS,
    nItems: N_ITEMS,
    userFeatures: options.userFeatures === false ? undefined : { dim: USER_DIM, values: Float32Array.from([0.3, 1, -0.4, 0.5, 1.2, -1]) },
    itemFeatures: { dim: ITEM_DIM, values: Float32Array.from(items.flat()) },
    contextDim: options.context === false ? 0 : CONTEXT_DIM,
    graph: trainGraph(),
    seed: 7,
  };
}

/**
 * The same world with mostly-zero feature blocks (item width 8, user width 6, at most 20 %
 * nonzero), which the architectures keep as CSR and multiply sparsely.
 */
export function sparseInputs(): ArchitectureInputs {
  const items = [
    [1, 0, 0, 0, 0, 0, 0.5, 0],
    [0, 1, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 1, 0, 0, -0.5, 0],
    [0, 0, 0, 0, 1, 0, 0, 0],
    [0, 0, 1, 0, 0, 0, 0, 0.7],
  ];
  const users = [
    [1, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 1, 0],
    [0, 0.5, 0, 0, 0, 0],
  ];
  return { ...tinyInputs(), userFeatures: { dim: 6, values: Float32Array.from(users.flat()) }, itemFeatures: { dim: 8, values: Float32Array.from(items.flat()) } };
}

/** Every (user, item) pair, users outer. */
export function allPairs(nUsers = N_USERS, nItems = N_ITEMS): { users: number[]; items: number[] } {
  const users: number[] = [];
  const items: number[] = [];
  for (let u = 0; u < nUsers; u++) for (let i = 0; i < nItems; i++) {
    users.push(u);
    items.push(i);
  }
  return { users, items };
}

/** A batch of all pairs; with a context when `contextDim` > 0. */
export function pairBatch(contextDim: number, context?: number[]): ArchitectureBatch {
  const { users, items } = allPairs();
  const batch: ArchitectureBatch = { users: tf.tensor1d(users, 'int32'), items: tf.tensor1d(items, 'int32') };
  if (contextDim > 0) {
    const row = context ?? Array.from({ length: contextDim }, (_, k) => 0.5 - k);
    batch.context = tf.tensor2d(users.flatMap(() => row), [users.length, contextDim]);
  }
  return batch;
}

export function disposeBatch(b: ArchitectureBatch): void {
  b.users.dispose();
  b.items.dispose();
  b.context?.dispose();
}

/** Scores of all pairs as a `users x items` array of rows. */
export function scoreMatrix(arch: NeuralArchitecture, contextDim: number, context?: number[]): number[][] {
  const batch = pairBatch(contextDim, context);
  const s = tf.tidy(() => arch.score(batch, false));
  const values = Array.from(s.dataSync());
  s.dispose();
  disposeBatch(batch);
  return Array.from({ length: N_USERS }, (_, u) => values.slice(u * N_ITEMS, (u + 1) * N_ITEMS));
}

/** Gradient of a loss over all pairs with respect to each variable: its largest absolute entry. */
export function gradientMagnitudes(arch: NeuralArchitecture, contextDim: number): Map<string, number> {
  const batch = pairBatch(contextDim);
  // A loss with mixed labels, so no gradient vanishes by symmetry.
  const labels = tf.tensor1d(allPairs().users.map((u, k) => ((u + k) % 3 === 0 ? 1 : 0)));
  const { value, grads } = tf.variableGrads(() => tf.losses.sigmoidCrossEntropy(labels, arch.score(batch, true)) as tf.Scalar, arch.variables);
  const out = new Map<string, number>();
  for (const v of arch.variables) out.set(v.name, tf.tidy(() => tf.max(tf.abs(grads[v.name])).dataSync()[0]));
  value.dispose();
  for (const g of Object.values(grads)) g.dispose();
  labels.dispose();
  disposeBatch(batch);
  return out;
}

/** Parameter count of the variables, independently of summary(). */
export function countParameters(arch: NeuralArchitecture): number {
  return arch.variables.reduce((s, v) => s + v.size, 0);
}

/** The first variable of `arch` whose name starts with `prefix` (tfjs appends a unique suffix). */
export function findVariable(arch: NeuralArchitecture, prefix: string): tf.Variable {
  const v = arch.variables.find((x) => x.name.startsWith(prefix));
  if (!v) throw new Error(`no variable ${prefix}`);
  return v;
}

/** Builds with the type's defaults (core/spec) under `config` (loosely typed, as a spec's JSON is). */
export function buildWith<C>(def: ArchitectureDefinition<C>, config: Record<string, unknown>, inputs: ArchitectureInputs): NeuralArchitecture {
  return def.build(modelConfig({ type: def.type, ...config }) as C, inputs);
}

/** Full ranking through factors() equals score() (zero context) for every pair. */
export function expectFactorsMatchScores(arch: NeuralArchitecture): void {
  const f = arch.factors!();
  const scores = scoreMatrix(arch, 0 /* ranking-time context: none */);
  for (let u = 0; u < N_USERS; u++)
    for (let i = 0; i < N_ITEMS; i++) {
      let dot = f.itemBias ? f.itemBias[i] : 0;
      for (let d = 0; d < f.dim; d++) dot += f.users[u * f.dim + d] * f.items[i * f.dim + d];
      expect(Math.abs(dot - scores[u][i])).toBeLessThan(1e-5);
    }
}

/** Cold items 3 and 4: identical scores for every user when their features are identical, different otherwise. */
export function expectColdItemsFollowFeatures(def: ArchitectureDefinition<any>, config: Record<string, unknown>, contextDim: number): void {
  const twins = buildWith(def, config, tinyInputs({ coldTwins: true, context: contextDim > 0 }));
  const s = scoreMatrix(twins, contextDim);
  for (let u = 0; u < N_USERS; u++) expect(s[u][3]).toBe(s[u][4]);
  twins.dispose();
  const distinct = buildWith(def, config, tinyInputs({ coldTwins: false, context: contextDim > 0 }));
  const d = scoreMatrix(distinct, contextDim);
  for (let u = 0; u < N_USERS; u++) expect(Math.abs(d[u][3] - d[u][4])).toBeGreaterThan(1e-6);
  distinct.dispose();
}

/** build + score + gradients + gate + factors + dispose leaves the tensor count unchanged. */
export function expectNoLeak(def: ArchitectureDefinition<any>, config: Record<string, unknown>, contextDim: number): void {
  const before = tf.memory().numTensors;
  const arch = buildWith(def, config, tinyInputs({ coldTwins: false, context: contextDim > 0 }));
  scoreMatrix(arch, contextDim);
  gradientMagnitudes(arch, contextDim);
  if (arch.gate) {
    const batch = pairBatch(contextDim);
    arch.gate(batch).dispose();
    disposeBatch(batch);
  }
  arch.factors?.();
  arch.dispose();
  expect(tf.memory().numTensors).toBe(before);
}

/*
 * A larger cold-item world for the hybrid training tests: items have one of two genres
 * (plus two noise columns), users have a favourite genre, and each user also shares four
 * genre-blind "clique" items with nine others, which only ids can learn. The last 20
 * items are cold: never seen in training.
 */

const COLD_WORLD_USERS = 60;
const COLD_WORLD_ITEMS = 80;
const COLD_WORLD_WARM = 60;

/** Sizes and the warm (trained) and cold (never seen) item ids of `coldWorld`. */
export const COLD_WORLD = {
  nUsers: COLD_WORLD_USERS,
  nItems: COLD_WORLD_ITEMS,
  warm: Array.from({ length: COLD_WORLD_WARM }, (_, i) => i),
  cold: Array.from({ length: COLD_WORLD_ITEMS - COLD_WORLD_WARM }, (_, i) => COLD_WORLD_WARM + i),
};

/**
 * The cold-item world for `seed`; with `userFeatures` each user's feature row is a one-hot
 * of their genre, without it users have no features (as on MovieLens with item features only).
 */
export function coldWorld(seed: number, options: { userFeatures: boolean }): { inputs: ArchitectureInputs; genreOfItem: number[]; genreOfUser: number[] } {
  const { nUsers, nItems, warm } = COLD_WORLD;
  const rng = new Rng(seed);
  const genreOfItem = Array.from({ length: nItems }, (_, i) => i % 2);
  const genreOfUser = Array.from({ length: nUsers }, (_, u) => u % 2);
  const itemValues: number[] = [];
  for (let i = 0; i < nItems; i++) itemValues.push(genreOfItem[i] === 0 ? 1 : 0, genreOfItem[i] === 1 ? 1 : 0, rng.normal() * 0.5, rng.normal() * 0.5);
  const userValues = genreOfUser.flatMap((g) => [g === 0 ? 1 : 0, g === 1 ? 1 : 0]);
  const cliques = Array.from({ length: 6 }, () => Array.from({ length: 4 }, () => rng.int(warm.length)));
  const rows: number[] = [];
  const cols: number[] = [];
  for (let u = 0; u < nUsers; u++) {
    const own = warm.filter((i) => genreOfItem[i] === genreOfUser[u]);
    rng.shuffle(own);
    for (const i of [...own.slice(0, 6), ...cliques[Math.floor(u / 10)]]) {
      rows.push(u);
      cols.push(i);
    }
  }
  return {
    inputs: {
      nUsers,
      nItems,
      ...(options.userFeatures ? { userFeatures: { dim: 2, values: Float32Array.from(userValues) } } : {}),
      itemFeatures: { dim: 4, values: Float32Array.from(itemValues) },
      contextDim: 0,
      graph: buildCsr(nUsers, nItems, Int32Array.from(rows), Int32Array.from(cols)),
      seed: seed + 1,
    },
    genreOfItem,
    genreOfUser,
  };
}

/** Every cold-world user against each of `items`, item-major: pair k is item k / nUsers, user k % nUsers. */
export function usersByItems(items: number[]): ArchitectureBatch {
  const { nUsers } = COLD_WORLD;
  return {
    users: tf.tensor1d(items.flatMap(() => Array.from({ length: nUsers }, (_, u) => u)), 'int32'),
    items: tf.tensor1d(items.flatMap((i) => new Array(nUsers).fill(i)), 'int32'),
  };
}

/** Mean gate value over every cold-world user against each of `items`. */
export function meanGate(arch: NeuralArchitecture, items: number[]): number {
  const batch = usersByItems(items);
  const mean = tf.tidy(() => tf.mean(arch.gate!(batch)).dataSync()[0]);
  disposeBatch(batch);
  return mean;
}

/**
 * Share of (user, own-genre cold item, other-genre cold item) triples ranked right by
 * `scores` (item-major over the cold items, as `usersByItems(COLD_WORLD.cold)`).
 */
export function genreAccuracy(scores: ArrayLike<number>, genreOfItem: number[], genreOfUser: number[]): number {
  const { nUsers, cold } = COLD_WORLD;
  let right = 0;
  let pairs = 0;
  for (let u = 0; u < nUsers; u++)
    cold.forEach((i, a) =>
      cold.forEach((j, b) => {
        if (genreOfItem[i] !== genreOfUser[u] || genreOfItem[j] === genreOfUser[u]) return;
        pairs++;
        if (scores[a * nUsers + u] > scores[b * nUsers + u]) right++;
      }),
    );
  return right / pairs;
}
