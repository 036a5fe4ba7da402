import { DisposableStore, type Disposable } from '../../../core/util';
import type { Command, CommandRegistry } from '../workbench/services';
import type { NotebookSession } from './notebook-session';

/**
 * The notebook's commands in the palette while its tab is active. Their keys (Ctrl/Shift/
 * Alt+Enter, and command mode's A, B, dd, z, J, K) are taken by the editor itself where the
 * focus is, as VS Code's notebook does; the palette lists them with their keys.
 */
export function registerNotebookCommands(registry: CommandRegistry, session: NotebookSession): Disposable {
  const store = new DisposableStore();
  const hasCell = () => session.selection.cellId !== undefined;
  const commands: Command[] = [
    { id: 'notebook.runAll', title: 'Notebook: Run All', when: () => session.runBlocker() === undefined, run: () => void session.runAll() },
    { id: 'notebook.cancelRun', title: 'Notebook: Cancel Run', when: () => session.runs.running, run: () => void session.cancel() },
    { id: 'notebook.cell.run', title: 'Notebook: Run Cell (Ctrl+Enter)', when: hasCell, run: () => void session.runCell() },
    {
      id: 'notebook.cell.runAndSelectNext',
      title: 'Notebook: Run Cell and Select Below (Shift+Enter)',
      when: hasCell,
      run: () => {
        const id = session.selection.cellId;
        void session.runCell(id);
        session.selectRelative(1);
      },
    },
    {
      id: 'notebook.cell.runAndInsertBelow',
      title: 'Notebook: Run Cell and Insert Below (Alt+Enter)',
      when: hasCell,
      run: () => {
        void session.runCell();
        session.insertCell('markdown', 'below');
      },
    },
    { id: 'notebook.cell.insertMarkdownAbove', title: 'Notebook: Insert Markdown Cell Above (A)', run: () => void session.insertCell('markdown', 'above') },
    { id: 'notebook.cell.insertMarkdownBelow', title: 'Notebook: Insert Markdown Cell Below (B)', run: () => void session.insertCell('markdown', 'below') },
    { id: 'notebook.cell.delete', title: 'Notebook: Delete Cell (dd)', when: hasCell, run: () => session.deleteCell() },
    { id: 'notebook.cell.moveUp', title: 'Notebook: Move Cell Up', when: hasCell, run: () => session.moveCell(session.selection.cellId, -1) },
    { id: 'notebook.cell.moveDown', title: 'Notebook: Move Cell Down', when: hasCell, run: () => session.moveCell(session.selection.cellId, 1) },
    { id: 'notebook.undo', title: 'Notebook: Undo (z)', when: () => session.model.canUndo, run: () => session.undo() },
    { id: 'notebook.redo', title: 'Notebook: Redo (Shift+Z)', when: () => session.model.canRedo, run: () => session.redo() },
    { id: 'notebook.save', title: 'Notebook: Save Now', run: () => session.saver.flush() },
  ];
  for (const c of commands) store.add(registry.register(c));
  return store;
}
