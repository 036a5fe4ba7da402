/** A menu item as plain data (the part of Electron's MenuItemConstructorOptions RecLab uses). */
export interface MenuItem {
  label?: string;
  role?: string;
  type?: 'separator' | 'submenu';
  accelerator?: string;
  enabled?: boolean;
  click?: () => void;
  submenu?: MenuItem[];
}

export interface MenuActions {
  openFolder(): void;
  openRecent(folder: string): void;
  /** Runs a workbench command in the window (the palette's commands). */
  command(id: string): void;
  reload(): void;
  toggleDevTools(): void;
  about(): void;
}

/**
 * The application menu: File (folders and notebooks), Edit, View (the palette, panels,
 * theme), Help. Workbench actions are the renderer's commands, sent by id, so the menu and
 * the command palette do the same thing.
 */
export function buildMenu(recent: readonly string[], actions: MenuActions, platform: NodeJS.Platform): MenuItem[] {
  const mac = platform === 'darwin';
  const sep: MenuItem = { type: 'separator' };
  return [
    ...(mac ? [{ label: 'RecLab', submenu: [{ role: 'about' }, sep, { role: 'hide' }, { role: 'hideOthers' }, sep, { role: 'quit' }] }] : []),
    {
      label: '&File',
      submenu: [
        { label: 'New Notebook…', accelerator: 'CmdOrCtrl+N', click: () => actions.command('notebook.create') },
        sep,
        { label: 'Open Folder…', accelerator: 'CmdOrCtrl+O', click: () => actions.openFolder() },
        {
          label: 'Open Recent',
          submenu: recent.length ? recent.map((f) => ({ label: f, click: () => actions.openRecent(f) })) : [{ label: 'No recent folders', enabled: false }],
        },
        sep,
        mac ? { role: 'close' } : { role: 'quit', label: 'E&xit' },
      ],
    },
    { label: '&Edit', submenu: [{ role: 'undo' }, { role: 'redo' }, sep, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }] },
    {
      label: '&View',
      submenu: [
        { label: 'Command Palette…', accelerator: 'CmdOrCtrl+Shift+P', click: () => actions.command('workbench.action.showCommands') },
        sep,
        { label: 'Toggle Side Bar', accelerator: 'CmdOrCtrl+B', click: () => actions.command('workbench.action.toggleSidebarVisibility') },
        { label: 'Toggle Panel', accelerator: 'CmdOrCtrl+J', click: () => actions.command('workbench.action.togglePanel') },
        sep,
        { label: 'Reload', accelerator: 'CmdOrCtrl+R', click: () => actions.reload() },
        { label: 'Toggle Developer Tools', accelerator: mac ? 'Alt+Cmd+I' : 'Ctrl+Shift+I', click: () => actions.toggleDevTools() },
        sep,
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        sep,
        { role: 'togglefullscreen' },
      ],
    },
    { label: '&Help', submenu: [{ label: 'About RecLab', click: () => actions.about() }] },
  ];
}
