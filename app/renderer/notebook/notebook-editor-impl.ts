// The notebook editor's lazily loaded part (see notebook-editor.tsx).
export { NotebookView } from './notebook-view';
export { NotebookSession } from './notebook-session';
