import { lazy } from 'react';
import { registerEditor, type EditorProps } from '../workbench/editor-registry';

/**
 * The inspector's editors: `reclab:inspect/<runId>` (a user's history and top-K, a second run
 * beside it), `reclab:gate/<runId>` (the gate against popularity), `reclab:embeddings/<runId>`
 * (item embeddings in 2-D) and `reclab:datasets` (import). Each loads in its own chunk; the
 * charts bring Plotly when first drawn.
 */

const id8 = (r: string) => r.slice(r.indexOf('/') + 1, r.indexOf('/') + 9);

registerEditor({
  id: 'inspect',
  matches: (r) => r.startsWith('reclab:inspect/'),
  title: (r) => `Inspect ${id8(r)}`,
  tooltip: (r) => `Recommendations of run ${r.slice('reclab:inspect/'.length)}`,
  icon: 'search',
  isFile: false,
  loading: 'Loading the inspector…',
  component: lazy(() => import('./inspector').then((m) => ({ default: (p: EditorProps) => <m.Inspector {...p} /> }))),
});

registerEditor({
  id: 'gate',
  matches: (r) => r.startsWith('reclab:gate/'),
  title: (r) => `Gate ${id8(r)}`,
  tooltip: (r) => `The learned gate of run ${r.slice('reclab:gate/'.length)} against item popularity`,
  icon: 'graph-scatter',
  isFile: false,
  loading: 'Loading the gate view…',
  component: lazy(() => import('./gate-view').then((m) => ({ default: (p: EditorProps) => <m.GateView {...p} /> }))),
});

registerEditor({
  id: 'embeddings',
  matches: (r) => r.startsWith('reclab:embeddings/'),
  title: (r) => `Embeddings ${id8(r)}`,
  tooltip: (r) => `Item embeddings of run ${r.slice('reclab:embeddings/'.length)} in 2-D`,
  icon: 'symbol-namespace',
  isFile: false,
  loading: 'Loading the embedding view…',
  component: lazy(() => import('./embeddings-view').then((m) => ({ default: (p: EditorProps) => <m.EmbeddingsView {...p} /> }))),
});

registerEditor({
  id: 'datasets',
  matches: (r) => r === 'reclab:datasets',
  title: () => 'Import Dataset',
  tooltip: () => 'Import MovieLens 100K or CSV files into the workspace',
  icon: 'database',
  isFile: false,
  loading: 'Loading the import form…',
  component: lazy(() => import('./dataset-import').then((m) => ({ default: (p: EditorProps) => <m.DatasetImport {...p} /> }))),
});
