import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import { isFileResource } from './resources';
import type { WorkbenchServices } from './services';

export { APP_RESOURCE, isFileResource } from './resources';

/**
 * What can open in an editor tab. A tab is a resource: a notebook's workspace path
 * (`examples/a.recnb`) or a view of the app's own (`reclab:runs`, `reclab:run/<id>`,
 * `reclab:compare/<id>,<id>`): one string, so tabs, their order and the saved layout treat
 * both alike. Each kind of editor says which resources it opens, their titles and icon,
 * and its component (its own chunk, loaded when first shown).
 */

export interface EditorProps {
  resource: string;
  services: WorkbenchServices;
  /** Whether its tab is the visible one: only then are its commands and keys active. */
  active: boolean;
  /** Unsaved edits (the tab shows a dot). */
  onDirtyChange(dirty: boolean): void;
}

export interface EditorKind {
  id: string;
  /** Whether this editor opens the resource. */
  matches(resource: string): boolean;
  /** The tab's label, and its hover (defaults to the resource). */
  title(resource: string): string;
  tooltip?(resource: string): string;
  /** A codicon name. */
  icon: string;
  /** Whether the resource is a workspace file (a deleted one strikes its tab through; it is revealed in the tree). */
  isFile: boolean;
  /** Loading text while the component's chunk arrives. */
  loading: string;
  component: LazyExoticComponent<ComponentType<EditorProps>>;
}

const kinds: EditorKind[] = [];

export function registerEditor(kind: EditorKind): void {
  if (kinds.some((k) => k.id === kind.id)) throw new Error(`Editor '${kind.id}' is already registered`);
  kinds.push(kind);
}

/** The editor that opens `resource`: the first registered that matches. */
export function editorFor(resource: string): EditorKind | undefined {
  return kinds.find((k) => k.matches(resource));
}

registerEditor({
  id: 'notebook',
  matches: (r) => isFileResource(r) && r.endsWith('.recnb'),
  title: (r) => r.slice(r.lastIndexOf('/') + 1),
  icon: 'notebook',
  isFile: true,
  loading: 'Loading the notebook editor…',
  // Monaco and Plotly come with it: its own chunk, after the shell's first paint.
  component: lazy(() =>
    import('../notebook/notebook-editor').then((m) => ({
      default: ({ resource, services, active, onDirtyChange }: EditorProps) => <m.NotebookEditor path={resource} services={services} active={active} onDirtyChange={onDirtyChange} />,
    })),
  ),
});
