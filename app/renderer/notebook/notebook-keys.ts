import type { NotebookSession } from './notebook-session';

/** A key press, as a DOM KeyboardEvent or Monaco's describes it. */
export interface KeyPress {
  key: string;
  ctrl: boolean;
  shift: boolean;
  alt: boolean;
  meta: boolean;
}

/** Ctrl, or Cmd on macOS: VS Code's "Ctrl" in keybindings. */
function primary(k: KeyPress, mac: boolean): boolean {
  return mac ? k.meta : k.ctrl;
}

/**
 * The run keys of VS Code notebooks, in both modes: Ctrl+Enter runs the cell, Shift+Enter
 * runs it and selects the next, Alt+Enter runs it and inserts a cell below. True when the
 * key was one of them.
 */
export function handleRunKey(session: NotebookSession, k: KeyPress, mac = false): boolean {
  if (k.key !== 'Enter') return false;
  const cellId = session.selection.cellId;
  if (cellId === undefined) return false;
  if (primary(k, mac) && !k.shift && !k.alt) {
    void session.runCell(cellId);
    session.select(cellId, false);
    return true;
  }
  if (k.shift && !k.alt && !primary(k, mac)) {
    void session.runCell(cellId);
    const i = session.model.indexOf(cellId);
    const next = session.model.cells[i + 1];
    session.select(next?.id ?? cellId, false);
    return true;
  }
  if (k.alt && !k.shift && !primary(k, mac)) {
    void session.runCell(cellId);
    session.insertCell('markdown', 'below', cellId);
    return true;
  }
  return false;
}

/** Two presses of D within this time delete the cell (`dd`). */
const DOUBLE_PRESS_MS = 800;

/**
 * Command mode (a cell selected, its text not being edited), as in VS Code and Jupyter:
 * Enter edits, A/B insert above/below, dd deletes, z/Shift+Z undo/redo, J/K and the arrows
 * move the selection, plus the run keys. Keys with other modifiers are left to the shell.
 */
export class CommandModeKeys {
  private lastD = -Infinity;

  constructor(
    private readonly session: NotebookSession,
    private readonly now: () => number = Date.now,
    private readonly mac = false,
  ) {}

  /** True when the key was the notebook's (the caller then stops it). */
  handle(k: KeyPress): boolean {
    const s = this.session;
    if (handleRunKey(s, k, this.mac)) return true;
    if (k.ctrl || k.meta || k.alt) return false;
    const cellId = s.selection.cellId;
    const d = k.key === 'd' || k.key === 'D';
    if (!d) this.lastD = -Infinity;
    switch (k.key) {
      case 'Enter':
        if (cellId !== undefined) s.select(cellId, true);
        return cellId !== undefined;
      case 'a':
      case 'A':
        if (k.shift) return false;
        s.insertCell('markdown', 'above');
        return true;
      case 'b':
      case 'B':
        if (k.shift) return false;
        s.insertCell('markdown', 'below');
        return true;
      case 'd':
      case 'D': {
        if (k.shift) return false;
        const t = this.now();
        if (t - this.lastD <= DOUBLE_PRESS_MS) {
          this.lastD = -Infinity;
          s.deleteCell();
        } else this.lastD = t;
        return true;
      }
      case 'z':
      case 'Z':
        if (k.shift) s.redo();
        else s.undo();
        return true;
      case 'j':
      case 'J':
      case 'ArrowDown':
        s.selectRelative(1);
        return true;
      case 'k':
      case 'K':
      case 'ArrowUp':
        s.selectRelative(-1);
        return true;
      default:
        return false;
    }
  }
}
