import { ChangeModel } from './model';
import type { NotebookEntry } from '../../../core/workspace';

/** One row of the notebooks tree as it is drawn: folders first, then files, each level by name. */
export interface TreeRow {
  kind: 'folder' | 'file';
  /** Workspace-relative: the folder's path, or the file's. */
  path: string;
  name: string;
  depth: number;
  /** Folders: whether their children are shown. */
  expanded?: boolean;
}

interface Folder {
  folders: Map<string, Folder>;
  files: NotebookEntry[];
}

const byName = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' });

/**
 * Flattens the workspace's notebooks into the visible rows of a tree by folder, skipping
 * the children of collapsed folders (folders are open unless collapsed, so a new
 * workspace shows its examples at once).
 */
export function notebookTreeRows(entries: readonly NotebookEntry[], collapsed: ReadonlySet<string>): TreeRow[] {
  const root: Folder = { folders: new Map(), files: [] };
  for (const e of entries) {
    const parts = e.path.split('/');
    let f = root;
    for (const part of parts.slice(0, -1)) {
      let next = f.folders.get(part);
      if (!next) f.folders.set(part, (next = { folders: new Map(), files: [] }));
      f = next;
    }
    f.files.push(e);
  }
  const rows: TreeRow[] = [];
  const walk = (f: Folder, prefix: string, depth: number) => {
    for (const name of [...f.folders.keys()].sort(byName)) {
      const path = prefix + name;
      const expanded = !collapsed.has(path);
      rows.push({ kind: 'folder', path, name, depth, expanded });
      if (expanded) walk(f.folders.get(name)!, path + '/', depth + 1);
    }
    for (const e of [...f.files].sort((a, b) => byName(a.path, b.path))) rows.push({ kind: 'file', path: e.path, name: fileName(e.path), depth });
  };
  walk(root, '', 0);
  return rows;
}

/** `examples/hybrid-gate-sample.recnb` -> `hybrid-gate-sample.recnb` */
export function fileName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** `examples/hybrid-gate-sample.recnb` -> `examples` (empty at the root). */
export function folderOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/** Which folders of the notebooks tree are collapsed (saved with the layout). */
export class NotebookTreeState extends ChangeModel {
  private _collapsed = new Set<string>();

  get collapsed(): ReadonlySet<string> {
    return this._collapsed;
  }

  toggle(folder: string): void {
    if (!this._collapsed.delete(folder)) this._collapsed.add(folder);
    this.changed();
  }

  setExpanded(folder: string, expanded: boolean): void {
    if (expanded !== this._collapsed.has(folder)) return;
    this.toggle(folder);
  }

  collapseAll(folders: Iterable<string>): void {
    for (const f of folders) this._collapsed.add(f);
    this.changed();
  }

  /** Expands the folders above a file (revealing it). */
  reveal(path: string): void {
    const parts = path.split('/').slice(0, -1);
    let changed = false;
    for (let i = 1; i <= parts.length; i++) changed = this._collapsed.delete(parts.slice(0, i).join('/')) || changed;
    if (changed) this.changed();
  }

  toJSON(): string[] {
    return [...this._collapsed].sort();
  }

  restore(saved: unknown): void {
    this._collapsed = new Set(Array.isArray(saved) ? saved.filter((s): s is string => typeof s === 'string') : []);
    this.changed();
  }
}
