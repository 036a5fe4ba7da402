import type { Disposable } from '../../../core/util';
import type { KeyFocus } from './keybindings';
import type { Workbench, WorkbenchEnvironment } from './workbench';

/** The page's side of the workbench environment. */
export function browserEnvironment(): WorkbenchEnvironment {
  const platform = (navigator as Navigator & { userAgentData?: { platform?: string } }).userAgentData?.platform ?? navigator.platform ?? '';
  return {
    isMac: /mac|iphone|ipad/i.test(platform),
    systemDark: matchMedia('(prefers-color-scheme: dark)').matches,
    reload: () => location.reload(),
  };
}

/** Where a key press happens, for the keybinding service. */
export function focusOf(target: EventTarget | null): KeyFocus {
  if (!(target instanceof Element)) return 'other';
  if (target.closest('.quick-input')) return 'quickInput';
  if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return 'text';
  if ((target as HTMLElement).isContentEditable || target.closest('.monaco-editor')) return 'text';
  return 'other';
}

/**
 * Connects the workbench to the page: keys (in the capture phase, so a binding meant to
 * win does so before Monaco sees the key), the system's colour scheme and
 * html[data-theme], the window regaining focus, and a last save when the page goes.
 */
export function connectDom(wb: Workbench): Disposable {
  const root = document.documentElement;
  const applyTheme = () => {
    if (wb.theme.choice === 'system') delete root.dataset.theme;
    else root.dataset.theme = wb.theme.choice;
    root.style.colorScheme = wb.theme.current;
  };
  applyTheme();
  const themeSubs = [wb.theme.onDidChange(applyTheme), wb.theme.onDidChangeChoice(applyTheme)];

  const media = matchMedia('(prefers-color-scheme: dark)');
  const onScheme = (e: MediaQueryListEvent) => wb.theme.setSystemDark(e.matches);
  media.addEventListener('change', onScheme);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.isComposing || e.key === 'Dead' || e.key === 'Unidentified') return;
    if (['Control', 'Shift', 'Alt', 'Meta'].includes(e.key)) return;
    if (wb.keybindings.dispatch(e, focusOf(e.target))) {
      e.preventDefault();
      e.stopPropagation();
    }
  };
  const onKeyUp = (e: KeyboardEvent) => {
    if (e.key === 'Control' && wb.tabs.navigatingRecent) wb.tabs.endRecentNavigation();
  };
  const onBlur = () => wb.tabs.navigatingRecent && wb.tabs.endRecentNavigation();
  const onFocus = () => void wb.notebooks.refresh();
  const onHide = () => void wb.flushState(true);
  // A link may name what to open (`#open=examples/x.recnb`, `#open=reclab:runs`): after the
  // saved layout is restored, so the restored tabs do not replace it.
  const onHash = () => {
    const resource = hashResource(location.hash);
    if (resource) void wb.ready.then(() => wb.openEditor(resource));
  };
  onHash();
  window.addEventListener('hashchange', onHash);
  window.addEventListener('keydown', onKeyDown, true);
  window.addEventListener('keyup', onKeyUp, true);
  window.addEventListener('blur', onBlur);
  window.addEventListener('focus', onFocus);
  window.addEventListener('pagehide', onHide);
  return {
    dispose() {
      themeSubs.forEach((s) => s.dispose());
      media.removeEventListener('change', onScheme);
      window.removeEventListener('keydown', onKeyDown, true);
      window.removeEventListener('keyup', onKeyUp, true);
      window.removeEventListener('blur', onBlur);
      window.removeEventListener('focus', onFocus);
      window.removeEventListener('pagehide', onHide);
      window.removeEventListener('hashchange', onHash);
    },
  };
}

/** The resource of a `#open=<resource>` link (URI-encoded), if any. */
export function hashResource(hash: string): string | undefined {
  const m = /(?:^#|&)open=([^&]+)/.exec(hash);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return undefined;
  }
}
