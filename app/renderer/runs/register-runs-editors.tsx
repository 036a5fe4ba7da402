import { lazy } from 'react';
import { registerEditor, type EditorProps } from '../workbench/editor-registry';
import { RUNS_RESOURCE, runIdOf } from './resources';

// The runs explorer and a run's page: each its own chunk, loaded when first shown.
registerEditor({
  id: 'runs-explorer',
  matches: (r) => r === RUNS_RESOURCE,
  title: () => 'Runs',
  tooltip: () => 'Runs explorer: every run of this workspace',
  icon: 'beaker',
  isFile: false,
  loading: 'Loading the runs explorer…',
  component: lazy(() => import('./runs-explorer').then((m) => ({ default: (p: EditorProps) => <m.RunsExplorer {...p} /> }))),
});

registerEditor({
  id: 'run-page',
  matches: (r) => runIdOf(r) !== undefined,
  title: (r) => `Run ${runIdOf(r)!.slice(0, 8)}`,
  tooltip: (r) => `Run ${runIdOf(r)}`,
  icon: 'pulse',
  isFile: false,
  loading: 'Loading the run…',
  component: lazy(() => import('./run-page').then((m) => ({ default: (p: EditorProps) => <m.RunPage {...p} /> }))),
});
