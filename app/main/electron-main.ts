/**
 * Electron's main process: the window, menus, dialogs and the app's own scheme. The
 * engine runs in the host, a utility process (app/host/host-process.ts); main forwards
 * the window's API calls to it after checking the sender and the arguments, and relays
 * its events back. Main never opens SQLite or trains.
 *
 * Bundled by esbuild (tools/build-renderer.mjs) to dist/app/main/main.js; type-checked by
 * tsconfig.electron.json where the electron package is installed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeTheme, protocol, shell, utilityProcess, type MenuItemConstructorOptions } from 'electron';
import { contentSecurityPolicy } from '../common/csp';
import { IPC_CALL, IPC_EVENT } from '../common/wire';
import { bridgeApiCall } from './api-bridge';
import { readAppState, withRecent, writeAppState, type AppState } from './app-state';
import { HostChannel } from './host-channel';
import { buildMenu } from './menu';
import { APP_HOST, APP_SCHEME, APP_URL, isAppUrl, isExternalLink, windowOptions } from './window-options';

const dist = path.resolve(__dirname, '..');
const rendererDir = path.join(dist, 'renderer');
const stateFile = () => path.join(app.getPath('userData'), 'state.json');

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);

let state: AppState;
let win: BrowserWindow | undefined;
let host: HostChannel | undefined;

const MIME: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.ttf': 'font/ttf', '.woff2': 'font/woff2', '.svg': 'image/svg+xml', '.png': 'image/png' };

/** Serves dist/app/renderer on app://reclab/, with the workbench's CSP; nothing outside that folder. */
function serveAppScheme(): void {
  protocol.handle(APP_SCHEME, (req) => {
    const url = new URL(req.url);
    const file = path.resolve(rendererDir, decodeURIComponent(url.pathname).replace(/^\/+/, '') || 'index.html');
    if (url.host !== APP_HOST || !file.startsWith(rendererDir + path.sep) || !fs.existsSync(file)) return new Response('Not found', { status: 404 });
    const ext = path.extname(file);
    const headers: Record<string, string> = { 'content-type': MIME[ext] ?? 'application/octet-stream' };
    if (ext === '.html') headers['content-security-policy'] = contentSecurityPolicy();
    return new Response(fs.readFileSync(file), { headers });
  });
}

/** Starts the host for `workspace` in a utility process; a previous one is shut down first. */
function startHost(workspace: string): void {
  host?.shutdown();
  const child = utilityProcess.fork(path.join(dist, 'host', 'host-process.js'), [workspace], { serviceName: 'RecLab host', stdio: 'inherit' });
  host = new HostChannel(
    {
      postMessage: (m) => child.postMessage(m),
      onMessage: (l) => child.on('message', l),
      onExit: (l) => child.once('exit', l),
    },
    (name, payload) => win?.webContents.send(IPC_EVENT, name, payload),
    (message) => dialog.showErrorBox('RecLab cannot open this folder', message),
  );
  state = withRecent(state, workspace);
  writeAppState(stateFile(), state);
  setMenu();
}

function setMenu(): void {
  const template = buildMenu(
    state.recent,
    {
      openFolder: () => void openFolder(),
      openRecent: (folder) => openWorkspace(folder),
      command: (id) => win?.webContents.send(IPC_EVENT, 'app.command', { command: id }),
      reload: () => win?.webContents.reload(),
      toggleDevTools: () => win?.webContents.toggleDevTools(),
      about: () => void dialog.showMessageBox({ title: 'RecLab', message: `RecLab ${app.getVersion()}`, detail: 'Notebooks and experiment tracking for hybrid deep recommenders.' }),
    },
    process.platform,
  );
  Menu.setApplicationMenu(Menu.buildFromTemplate(template as MenuItemConstructorOptions[]));
}

async function openFolder(): Promise<void> {
  const r = win ? await dialog.showOpenDialog(win, { title: 'Open a workspace folder', properties: ['openDirectory', 'createDirectory'] }) : undefined;
  if (r && !r.canceled && r.filePaths[0]) openWorkspace(r.filePaths[0]);
}

function openWorkspace(folder: string): void {
  startHost(folder);
  win?.webContents.reload();
}

function createWindow(): void {
  const w = new BrowserWindow(windowOptions(state.window, path.join(dist, 'preload', 'preload.js'), nativeTheme.shouldUseDarkColors));
  win = w;
  if (state.window.maximized) w.maximize();
  w.once('ready-to-show', () => w.show());
  // No navigation away from the app, no new windows; https links open in the system browser.
  w.webContents.on('will-navigate', (e, url) => {
    if (!isAppUrl(url)) e.preventDefault();
  });
  w.webContents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  let saveTimer: NodeJS.Timeout | undefined;
  const saveBounds = () => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => {
      if (w.isDestroyed()) return;
      const b = w.getNormalBounds();
      state = { ...state, window: { x: b.x, y: b.y, width: b.width, height: b.height, maximized: w.isMaximized() } };
      writeAppState(stateFile(), state);
    }, 300);
  };
  for (const e of ['resize', 'move', 'maximize', 'unmaximize'] as const) w.on(e as 'resize', saveBounds);
  w.on('closed', () => (win = undefined));
  void w.loadURL(APP_URL);
}

app.whenReady().then(() => {
  state = readAppState(stateFile());
  serveAppScheme();
  ipcMain.handle(IPC_CALL, (event, name: unknown, args: unknown) =>
    bridgeApiCall(event.senderFrame?.url, name, args, (n, a) => (host ? host.call(n, a) : Promise.resolve({ ok: false, error: { code: 'HOST_EXITED', message: 'No workspace is open.' } }))),
  );
  const fromArgs = process.argv.slice(app.isPackaged ? 1 : 2).find((a) => !a.startsWith('-') && fs.existsSync(a) && fs.statSync(a).isDirectory());
  startHost(path.resolve(fromArgs ?? process.env.RECLAB_WORKSPACE ?? state.recent[0] ?? path.join(os.homedir(), 'RecLab')));
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('web-contents-created', (_e, contents) => {
  // Belt and braces for any other web contents: no webviews, no navigation away.
  contents.on('will-attach-webview', (e) => e.preventDefault());
});

app.on('window-all-closed', () => {
  host?.shutdown();
  if (process.platform !== 'darwin') app.quit();
});
