import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../../app/common/csp';
import { APP_URL, DEFAULT_WINDOW_STATE, isAppUrl, isExternalLink, windowOptions } from '../../../app/main/window-options';

describe('the desktop window', () => {
  it("isolates the page: context isolation, sandbox, no Node, web security, the app's preload", () => {
    const o = windowOptions({ ...DEFAULT_WINDOW_STATE, x: 10, y: 20 }, '/app/dist/app/preload/preload.js', true);
    expect(o.webPreferences).toEqual({
      preload: '/app/dist/app/preload/preload.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    });
    expect(o).toMatchObject({ x: 10, y: 20, width: 1400, height: 900, show: false, backgroundColor: '#1f1f1f' });
    // A window state without a position lets the system place the window.
    expect(windowOptions(DEFAULT_WINDOW_STATE, 'p', false)).not.toHaveProperty('x');
  });

  it("accepts calls and navigation only from the app's own scheme", () => {
    expect(isAppUrl(APP_URL)).toBe(true);
    expect(isAppUrl('app://reclab/chunks/x.js')).toBe(true);
    for (const u of ['https://reclab', 'app://evil/index.html', 'file:///etc/passwd', 'http://127.0.0.1:8080/', 'javascript:alert(1)', '', undefined]) expect(isAppUrl(u)).toBe(false);
    expect(isExternalLink('https://arxiv.org/abs/1708.05031')).toBe(true);
    expect(isExternalLink('http://example.com')).toBe(false);
    expect(isExternalLink('file:///tmp/x')).toBe(false);
  });

  it('serves the same strict CSP in the window as in browser mode: own scripts only, no eval, no frames', () => {
    const csp = contentSecurityPolicy();
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/unsafe-eval|https?:|\*/);
  });
});
