// Monaco's editor with its contributions (completion, hover, markers...), the JSON language
// service and markdown colouring: one lazily loaded chunk (see monaco-loader.ts).
import 'monaco-editor/esm/vs/editor/edcore.main.js';
import 'monaco-editor/esm/vs/basic-languages/markdown/markdown.contribution.js';
import * as jsonContribution from 'monaco-editor/esm/vs/language/json/monaco.contribution.js';
import type * as MonacoTypes from 'monaco-editor';

export * from 'monaco-editor/esm/vs/editor/editor.api.js';
/** The JSON language's settings (schemas, diagnostics); its typings live in the package's main d.ts. */
export const jsonDefaults = (jsonContribution as unknown as { jsonDefaults: typeof MonacoTypes.json.jsonDefaults }).jsonDefaults;
