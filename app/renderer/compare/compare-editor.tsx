import { lazy } from 'react';
import { registerEditor, type EditorProps } from '../workbench/editor-registry';
import { COMPARE_PREFIX, compareRunIds } from './compare-data';

// The compare view: `reclab:compare/<id>,<id>,...`, its own chunk (with Plotly) loaded when first shown.
registerEditor({
  id: 'compare',
  matches: (r) => r.startsWith(COMPARE_PREFIX),
  title: (r) => {
    const n = compareRunIds(r).length;
    return `Compare ${n} run${n === 1 ? '' : 's'}`;
  },
  tooltip: (r) => `Compare runs ${compareRunIds(r).join(', ')}`,
  icon: 'graph-line',
  isFile: false,
  loading: 'Loading the compare view…',
  component: lazy(() =>
    import('./compare-view').then((m) => ({
      default: ({ resource, services }: EditorProps) => <m.CompareView runIds={compareRunIds(resource)} services={services} />,
    })),
  ),
});
