/**
 * The desktop window's options, as plain data so tests check them without Electron.
 * Electron's security checklist: context isolation, a sandboxed renderer, no Node in the
 * page, web security on, no remote content; the page comes from the app's own scheme.
 */

/** The privileged scheme the workbench is served from (file:// cannot load ES modules). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'reclab';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_URL = `${APP_ORIGIN}/index.html`;

export interface WindowState {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1400, height: 900, maximized: false };

/** The subset of BrowserWindowConstructorOptions RecLab sets. */
export interface WindowOptions {
  x?: number;
  y?: number;
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  show: boolean;
  title: string;
  backgroundColor: string;
  webPreferences: {
    preload: string;
    contextIsolation: true;
    sandbox: true;
    nodeIntegration: false;
    nodeIntegrationInWorker: false;
    nodeIntegrationInSubFrames: false;
    webSecurity: true;
    allowRunningInsecureContent: false;
    webviewTag: false;
    spellcheck: boolean;
  };
}

export function windowOptions(state: WindowState, preload: string, dark: boolean): WindowOptions {
  return {
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    width: state.width,
    height: state.height,
    minWidth: 720,
    minHeight: 480,
    // Shown once the first paint is ready, so the window never flashes white.
    show: false,
    title: 'RecLab',
    backgroundColor: dark ? '#1f1f1f' : '#ffffff',
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  };
}

/** Only the app's own pages may call the API or be navigated to. */
export function isAppUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/** Links a page may open outside the app, in the system browser (documentation, papers). */
export function isExternalLink(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}
