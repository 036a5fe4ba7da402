/** Kind of an attribute column; decides which feature transformers apply to it. */
export type AttributeKind = 'text' | 'categorical' | 'multi' | 'numeric' | 'timestamp';

/** One cell of an attribute column; `null` when missing. `multi` cells are string lists. */
export type AttributeValue = string | number | string[] | null;

/** A named, typed attribute of users or items; `values[i]` belongs to entity index `i`. */
export interface AttributeColumn {
  name: string;
  kind: AttributeKind;
  values: AttributeValue[];
}

/**
 * Interactions as parallel typed arrays (struct of arrays): index `k` is one event.
 * Users and items are dense indices into `Dataset.userIds` / `Dataset.itemIds`.
 */
export interface Interactions {
  user: Int32Array;
  item: Int32Array;
  /** Explicit rating, or NaN where the source has none. */
  rating: Float32Array;
  /** Unix time in seconds, or NaN where the source has none. */
  timestamp: Float64Array;
  /** Per-interaction categorical context columns (device, place, ...), one value per event. */
  context: Record<string, (string | null)[]>;
}

/** The one in-memory dataset model every loader produces and every consumer reads. */
export interface Dataset {
  /** Short name, e.g. `ml-100k` or `sample`. */
  name: string;
  /** Where it came from (path, URL or generator with seed), for the run record. */
  source: string;
  description?: string;
  /** Original ids, indexed by dense user index. */
  userIds: string[];
  /** Original ids, indexed by dense item index. */
  itemIds: string[];
  interactions: Interactions;
  userAttributes: AttributeColumn[];
  itemAttributes: AttributeColumn[];
}

/** Number of interactions in a dataset. */
export function interactionCount(ds: Dataset): number {
  return ds.interactions.user.length;
}
