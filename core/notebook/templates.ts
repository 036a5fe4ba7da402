import type { CellKind, Notebook } from './document';

/** A starting point for a new notebook. */
export interface NotebookTemplate {
  id: string;
  title: string;
  description: string;
  build(name: string): Notebook;
}

const json = (v: unknown) => JSON.stringify(v, null, 2);

function cells(parts: [CellKind, string][]): Notebook['cells'] {
  return parts.map(([kind, source], i) => ({ id: `c${i + 1}`, kind, source }));
}

const SAMPLE_ITEM_FEATURES = [
  { type: 'tfidf', column: 'title', maxFeatures: 300 },
  { type: 'tfidf', column: 'description', maxFeatures: 500 },
  { type: 'categorical', column: 'category' },
  { type: 'multi-hot', column: 'tags' },
  { type: 'numeric', column: 'price', scale: 'log1p' },
];
const SAMPLE_USER_FEATURES = [
  { type: 'numeric', column: 'age', scale: 'standard' },
  { type: 'categorical', column: 'country' },
  { type: 'categorical', column: 'segment' },
];
const EVALUATE = { ks: [5, 10, 20], metric: 'ndcg@10', segments: true, candidates: 'all' };
const HYBRID_TRAIN = { loss: 'bpr', negatives: 1, epochs: 8, batchSize: 1024, optimizer: { type: 'adam', lr: 0.005 }, l2: 0.01, patience: 2 };

/** The templates of "New notebook", all on the embedded dataset so they run with no setup. */
export const NOTEBOOK_TEMPLATES: readonly NotebookTemplate[] = [
  {
    id: 'baseline',
    title: 'Baseline (EASE)',
    description: 'EASE with λ tuned on validation: the bar every model should clear.',
    build: (name) => ({
      format: 1,
      metadata: { name, experiment: name, seed: 42 },
      cells: cells([
        ['markdown', `# ${name}\n\nEASE on the embedded sample; λ is chosen on the validation part.`],
        ['data', json({ source: 'sample' })],
        ['split', json({ kind: 'random', ratios: [0.8, 0.1, 0.1] })],
        ['model', json({ type: 'ease', tune: { lambda: [100, 200, 400] } })],
        ['evaluate', json(EVALUATE)],
      ]),
    }),
  },
  {
    id: 'hybrid-gate',
    title: 'Hybrid with a learned gate',
    description: 'Collaborative and content branches fused by a gate that learns, per item, which to trust.',
    build: (name) => ({
      format: 1,
      metadata: { name, experiment: name, seed: 42 },
      cells: cells([
        ['markdown', `# ${name}\n\nA gated hybrid: the gate weighs the collaborative branch against the content branch for each example.`],
        ['data', json({ source: 'sample' })],
        ['split', json({ kind: 'random', ratios: [0.8, 0.1, 0.1] })],
        ['features', json({ item: SAMPLE_ITEM_FEATURES, user: SAMPLE_USER_FEATURES })],
        ['model', json({ type: 'hybrid', fusion: 'gate', dim: 32, itemIdDropout: 0.1 })],
        ['train', json(HYBRID_TRAIN)],
        ['evaluate', json(EVALUATE)],
      ]),
    }),
  },
  {
    id: 'cold-start',
    title: 'Item cold start',
    description: 'Hold out 20 % of the items entirely and rank only them: only content can score them.',
    build: (name) => ({
      format: 1,
      metadata: { name, experiment: name, seed: 42 },
      cells: cells([
        ['markdown', `# ${name}\n\n20 % of the items never appear in training; each user ranks only those items. A gated hybrid should lean on content for them.`],
        ['data', json({ source: 'sample' })],
        ['split', json({ kind: 'cold-item', holdout: 0.2 })],
        ['features', json({ item: SAMPLE_ITEM_FEATURES, user: SAMPLE_USER_FEATURES })],
        ['model', json({ type: 'hybrid', fusion: 'gate', dim: 32, itemIdDropout: 0.1 })],
        ['train', json({ ...HYBRID_TRAIN, evalEvery: 0 })],
        ['evaluate', json({ ...EVALUATE, candidates: 'cold-items' })],
      ]),
    }),
  },
];

export function notebookTemplate(id: string): NotebookTemplate | undefined {
  return NOTEBOOK_TEMPLATES.find((t) => t.id === id);
}

/** Notebook text as RecLab writes it: two-space JSON and a final newline, so diffs stay small. */
export function serializeNotebook(nb: Notebook): string {
  return JSON.stringify(nb, null, 2) + '\n';
}
