import { sha256, stableStringify } from '../util';
import type { EvaluateSpec } from '../spec';
import type { Split } from './split';
import type { Dataset } from './types';

/** Bumped when what the fingerprints cover changes, so old and new never collide. */
const FINGERPRINT_VERSION = 'reclab-fingerprint-1';

type Part = string | ArrayBufferView;

/** A labelled, length-prefixed part, so that no two different inputs hash the same stream. */
function labelled(label: string, value: Part): Part[] {
  const length = typeof value === 'string' ? value.length : value.byteLength;
  return [`\u0000${label}:${typeof value === 'string' ? 's' : 'b'}${length}\u0000`, value];
}

function datasetParts(ds: Dataset): Part[] {
  const x = ds.interactions;
  return [
    ...labelled('userIds', JSON.stringify(ds.userIds)),
    ...labelled('itemIds', JSON.stringify(ds.itemIds)),
    ...labelled('user', x.user),
    ...labelled('item', x.item),
    ...labelled('rating', x.rating),
    ...labelled('timestamp', x.timestamp),
    ...labelled('context', stableStringify(x.context)),
    ...labelled('userAttributes', stableStringify(ds.userAttributes)),
    ...labelled('itemAttributes', stableStringify(ds.itemAttributes)),
  ];
}

/**
 * SHA-256 of a dataset's content: ids, every interaction array, context and attribute
 * values. The name, source path and description are left out on purpose: the same data
 * loaded from another place is the same dataset.
 */
export function datasetFingerprint(ds: Dataset): string {
  return sha256(FINGERPRINT_VERSION, 'dataset', ...datasetParts(ds));
}

/**
 * SHA-256 identifying an evaluation protocol: the dataset content, the split (kind, seed,
 * the three index arrays and any held-out entities) and the evaluation settings (hashed as
 * `stableStringify(evaluation)`, so key order does not matter). Runs with equal
 * fingerprints were scored on exactly the same test data the same way, so their metrics
 * can be compared; any change in any of these gives a different fingerprint.
 */
export function protocolFingerprint(ds: Dataset, split: Split, evaluation: unknown): string {
  const none = new Int32Array(0);
  return sha256(
    FINGERPRINT_VERSION,
    'protocol',
    ...datasetParts(ds),
    ...labelled('split', stableStringify({ kind: split.kind, seed: split.seed })),
    ...labelled('train', split.train),
    ...labelled('valid', split.valid),
    ...labelled('test', split.test),
    // Absent and empty lists are the same protocol; an optional list that appears does differ.
    ...labelled('coldItems', split.coldItems ?? none),
    ...labelled('validColdItems', split.validColdItems ?? none),
    ...labelled('coldUsers', split.coldUsers ?? none),
    ...labelled('validColdUsers', split.validColdUsers ?? none),
    ...labelled('evaluation', stableStringify(evaluation)),
  );
}

/**
 * The evaluation settings a protocol fingerprint covers: cutoffs, candidates, sampling, and
 * the fallback for users without history when one is set (absent and "none" are left out,
 * so runs from before the fallback existed keep their fingerprints). The tuning metric and
 * the segments do not change what is measured, so they stay out.
 */
export function fingerprintedEvaluation(evaluate: Pick<EvaluateSpec, 'ks' | 'candidates' | 'sampled' | 'fallback'>): Record<string, unknown> {
  const { ks, candidates, sampled, fallback } = evaluate;
  return fallback && fallback !== 'none' ? { ks, candidates, sampled, fallback } : { ks, candidates, sampled };
}
