import type { WorkbenchServices } from '../workbench/services';

/** What the shell gives the editor of one `.recnb` tab. */
export interface NotebookEditorProps {
  /** Workspace-relative path of the notebook. */
  path: string;
  services: WorkbenchServices;
  /** Whether its tab is the visible one: only then are its commands and keys active. */
  active: boolean;
  /** Unsaved edits (the tab shows a dot); autosave clears it. */
  onDirtyChange(dirty: boolean): void;
}

/**
 * The notebook editor. Placeholder until the notebook helper's editor lands (branch
 * wip-notebook): shows the path so the shell's tabs can be built against this interface.
 */
export function NotebookEditor({ path }: NotebookEditorProps) {
  return <div className="notebook-editor-placeholder">{path}</div>;
}
