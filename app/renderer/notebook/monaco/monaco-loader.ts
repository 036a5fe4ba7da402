import { cellJsonSchemas, SPEC_SECTIONS } from '../../../../core/spec';
import { cssVar } from '../../charts/chart-theme';
import type { ThemeKind } from '../../workbench/services';

export type Monaco = typeof import('./monaco-entry');

declare global {
  interface Window {
    MonacoEnvironment?: { getWorkerUrl(moduleId: string, label: string): string };
  }
}

let loading: Promise<Monaco> | undefined;

/** The model URI of a cell: its kind in the name, so the JSON service picks the kind's schema. */
export function cellModelUri(notebookPath: string, cellId: string, kind: string): string {
  const ext = kind === 'markdown' ? 'md' : `${kind}.json`;
  return `inmemory://reclab/${encodeURIComponent(notebookPath)}/${encodeURIComponent(cellId)}.${ext}`;
}

/**
 * Loads Monaco once, in its own chunk: language workers from dist/app/renderer/workers
 * (same origin, as the CSP's worker-src allows), the JSON Schema of each config cell kind
 * from core/spec (completion of model types and parameters, hover docs with defaults,
 * markers), and editor themes made from the workbench's theme variables.
 */
export function loadMonaco(theme: ThemeKind): Promise<Monaco> {
  loading ??= (async () => {
    window.MonacoEnvironment = {
      getWorkerUrl: (_moduleId, label) => new URL(label === 'json' ? 'workers/json.worker.js' : 'workers/editor.worker.js', document.baseURI).href,
    };
    ignoreMonacoCancellations();
    const monaco = await import('./monaco-entry');
    const schemas = cellJsonSchemas();
    monaco.jsonDefaults.setDiagnosticsOptions({
      validate: true,
      allowComments: false,
      trailingCommas: 'error',
      enableSchemaRequest: false,
      schemaValidation: 'error',
      schemas: SPEC_SECTIONS.map((kind) => ({ uri: `reclab://schemas/${kind}.json`, fileMatch: [`*.${kind}.json`], schema: schemas[kind] })),
    });
    applyMonacoTheme(monaco, theme);
    return monaco;
  })();
  return loading;
}

/** Defines and selects the editor theme from the current theme variables (call again when the theme changes). */
export function applyMonacoTheme(monaco: Monaco, theme: ThemeKind): void {
  const bg = cssVar('--cell-bg');
  monaco.editor.defineTheme('reclab', {
    base: theme === 'dark' ? 'vs-dark' : 'vs',
    inherit: true,
    rules: [],
    colors: {
      'editor.background': bg,
      'editorGutter.background': bg,
      'editor.lineHighlightBackground': '#00000000',
      'editor.lineHighlightBorder': '#00000000',
      'focusBorder': cssVar('--focus-border'),
    },
  });
  monaco.editor.setTheme('reclab');
}

/**
 * Monaco cancels its pending work (suggest, hover, the JSON worker's requests) when an editor
 * or model is disposed, and the cancelled promise is left rejected with its CancellationError
 * (name and message 'Canceled'). VS Code drops those in its unexpected-error handler; a page
 * that embeds Monaco must too, or every closed cell logs an unhandled rejection.
 */
function ignoreMonacoCancellations(): void {
  window.addEventListener('unhandledrejection', (e) => {
    const reason = e.reason as { name?: unknown; message?: unknown } | undefined;
    if (reason && reason.name === 'Canceled' && reason.message === 'Canceled') e.preventDefault();
  });
}
