import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAppState, withRecent, writeAppState } from '../../../app/main/app-state';
import { buildMenu, type MenuItem } from '../../../app/main/menu';

describe('what the desktop app remembers', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-appstate-'));
  const file = path.join(dir, 'state.json');

  it('starts from defaults when the file is missing or damaged, and round-trips what it saved', () => {
    expect(readAppState(file)).toEqual({ window: { width: 1400, height: 900, maximized: false }, recent: [] });
    fs.writeFileSync(file, '{not json');
    expect(readAppState(file).recent).toEqual([]);
    fs.writeFileSync(file, JSON.stringify({ window: { width: 5, height: 'x' }, recent: ['/a'] }));
    expect(readAppState(file)).toEqual({ window: { width: 1400, height: 900, maximized: false }, recent: ['/a'] });
    const s = { window: { x: 3, y: 4, width: 1000, height: 700, maximized: true }, recent: ['/w'] };
    writeAppState(file, s);
    expect(readAppState(file)).toEqual(s);
  });

  it('keeps recent folders most recent first, without duplicates, at most ten', () => {
    let s = readAppState(path.join(dir, 'none.json'));
    for (let i = 0; i < 12; i++) s = withRecent(s, `/w${i}`);
    s = withRecent(s, '/w5');
    expect(s.recent).toEqual(['/w5', '/w11', '/w10', '/w9', '/w8', '/w7', '/w6', '/w4', '/w3', '/w2']);
  });

  it('menus: Open Folder, the recent folders, and workbench commands by id', () => {
    const calls: string[] = [];
    const menu = buildMenu(['/a', '/b'], { openFolder: () => calls.push('open'), openRecent: (f) => calls.push(`recent ${f}`), command: (id) => calls.push(id), reload: () => {}, toggleDevTools: () => {}, about: () => {} }, 'linux');
    const find = (items: MenuItem[], label: string): MenuItem | undefined => items.flatMap((i) => [i, ...(i.submenu ?? [])]).find((i) => i.label === label);
    find(menu, 'Open Folder…')!.click!();
    find(menu, 'Open Recent')!.submenu![1].click!();
    find(menu, 'Command Palette…')!.click!();
    expect(calls).toEqual(['open', 'recent /b', 'workbench.action.showCommands']);
    expect(find(menu, 'Command Palette…')!.accelerator).toBe('CmdOrCtrl+Shift+P');
    expect(find(buildMenu([], { openFolder() {}, openRecent() {}, command() {}, reload() {}, toggleDevTools() {}, about() {} }, 'linux'), 'Open Recent')!.submenu![0]).toMatchObject({ enabled: false });
  });
});

describe('the menu and the workbench', () => {
  it('sends only commands the workbench registers', () => {
    const sent: string[] = [];
    const menu = buildMenu(['/a'], { openFolder() {}, openRecent() {}, command: (id) => sent.push(id), reload() {}, toggleDevTools() {}, about() {} }, 'darwin');
    const click = (items: MenuItem[]): void => items.forEach((i) => (i.click?.(), i.submenu && click(i.submenu)));
    click(menu);
    const source = fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'app', 'renderer', 'workbench', 'shell-commands.ts'), 'utf8');
    const registered = new Set([...source.matchAll(/\bid: '([^']+)'/g)].map((m) => m[1]));
    expect(sent.length).toBeGreaterThan(0);
    for (const id of sent) expect(registered.has(id), id).toBe(true);
  });
});
