import { describe, expect, it, vi } from 'vitest';
import { CommandService } from '../../../../app/renderer/workbench/commands';
import { keybindingLabel, keybindingParts, KeybindingService, parseKeybinding, pressedKey, winsInText, type KeyInput } from '../../../../app/renderer/workbench/keybindings';

/** A key press as a browser reports it. */
function key(k: string, code: string, mods: Partial<Pick<KeyInput, 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>> = {}): KeyInput {
  return { key: k, code, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods };
}

describe('keybinding notation', () => {
  it('parses modifiers and key names in any case, and refuses what is not a keybinding', () => {
    expect(parseKeybinding('Ctrl+Shift+P')).toEqual({ ctrlCmd: true, winCtrl: false, meta: false, shift: true, alt: false, key: 'P' });
    expect(parseKeybinding('alt+enter')).toMatchObject({ alt: true, key: 'Enter' });
    expect(parseKeybinding('WinCtrl+Tab')).toMatchObject({ winCtrl: true, ctrlCmd: false, key: 'Tab' });
    expect(parseKeybinding('Ctrl+pagedown').key).toBe('PageDown');
    expect(parseKeybinding('f1').key).toBe('F1');
    expect(() => parseKeybinding('Ctrl+Hyper+P')).toThrow(/'Hyper' is not a modifier/);
    expect(() => parseKeybinding('Ctrl+')).toThrow(/not a modifier|names no key/);
  });

  it('writes Ctrl as Cmd on macOS, in Apple order, and as Ctrl elsewhere', () => {
    expect(keybindingLabel('Ctrl+Shift+P', false)).toBe('Ctrl+Shift+P');
    expect(keybindingLabel('Ctrl+Shift+P', true)).toBe('⇧⌘P');
    expect(keybindingParts('Ctrl+Alt+N', true)).toEqual(['⌥', '⌘', 'N']);
    // The Control key stays Control on a Mac (Cmd+Tab belongs to the system).
    expect(keybindingLabel('WinCtrl+Tab', true)).toBe('⌃⇥');
    expect(keybindingLabel('WinCtrl+Shift+Tab', false)).toBe('Ctrl+Shift+Tab');
  });

  it('reads key presses by letter whatever Shift or a Mac Alt made of event.key', () => {
    expect(pressedKey(key('P', 'KeyP', { ctrlKey: true, shiftKey: true }))).toEqual({ ctrl: true, meta: false, shift: true, alt: false, key: 'P' });
    expect(pressedKey(key('π', 'KeyP', { altKey: true })).key).toBe('P');
    expect(pressedKey(key('?', 'Slash', { shiftKey: true })).key).toBe('/');
    expect(pressedKey(key('ArrowUp', 'ArrowUp')).key).toBe('UpArrow');
    expect(pressedKey(key('PageDown', 'PageDown')).key).toBe('PageDown');
    expect(pressedKey(key('Escape', 'Escape')).key).toBe('Escape');
  });

  it('lets keys with Ctrl/Cmd or Alt win in text, but not the editing keys or plain keys', () => {
    expect(winsInText(parseKeybinding('Ctrl+Shift+P'))).toBe(true);
    expect(winsInText(parseKeybinding('Ctrl+B'))).toBe(true);
    expect(winsInText(parseKeybinding('F1'))).toBe(true);
    expect(winsInText(parseKeybinding('Ctrl+Z'))).toBe(false);
    expect(winsInText(parseKeybinding('Ctrl+C'))).toBe(false);
    expect(winsInText(parseKeybinding('Ctrl+Enter'))).toBe(false);
    expect(winsInText(parseKeybinding('Shift+Enter'))).toBe(false);
    expect(winsInText(parseKeybinding('A'))).toBe(false);
    expect(winsInText(parseKeybinding('Escape'))).toBe(false);
  });
});

describe('KeybindingService', () => {
  function setup(isMac = false) {
    const commands = new CommandService((id, e) => {
      throw new Error(`${id}: ${String(e)}`);
    });
    const ran: string[] = [];
    const reg = (id: string, keybinding: string, extra: { when?: () => boolean; inText?: boolean } = {}) => commands.register({ id, title: id, keybinding, ...extra, run: () => void ran.push(id) });
    return { commands, keys: new KeybindingService(commands, isMac), ran, reg };
  }

  it('runs the command of a key, with Cmd on macOS and Ctrl elsewhere', () => {
    const linux = setup(false);
    linux.reg('palette', 'Ctrl+Shift+P');
    expect(linux.keys.dispatch(key('P', 'KeyP', { ctrlKey: true, shiftKey: true }), 'other')).toBe(true);
    expect(linux.keys.dispatch(key('P', 'KeyP', { metaKey: true, shiftKey: true }), 'other')).toBe(false);
    expect(linux.ran).toEqual(['palette']);

    const mac = setup(true);
    mac.reg('palette', 'Ctrl+Shift+P');
    expect(mac.keys.dispatch(key('P', 'KeyP', { ctrlKey: true, shiftKey: true }), 'other')).toBe(false);
    expect(mac.keys.dispatch(key('P', 'KeyP', { metaKey: true, shiftKey: true }), 'other')).toBe(true);
    expect(mac.ran).toEqual(['palette']);
    expect(mac.keys.labelOf('palette')).toBe('⇧⌘P');
  });

  it('respects focus: in text only keys meant to win, in the quick input only those with Ctrl/Cmd or Alt', () => {
    const { keys, ran, reg } = setup();
    reg('palette', 'Ctrl+Shift+P');
    reg('cell.insertAbove', 'A');
    reg('cell.undo', 'Ctrl+Z');
    reg('cell.run', 'Shift+Enter', { inText: true });
    reg('cell.commandMode', 'Escape', { inText: true });
    const press = (k: KeyInput, focus: 'text' | 'quickInput' | 'other') => keys.dispatch(k, focus);

    expect(press(key('P', 'KeyP', { ctrlKey: true, shiftKey: true }), 'text')).toBe(true);
    expect(press(key('a', 'KeyA'), 'text')).toBe(false);
    expect(press(key('z', 'KeyZ', { ctrlKey: true }), 'text')).toBe(false);
    expect(press(key('Enter', 'Enter', { shiftKey: true }), 'text')).toBe(true);
    expect(press(key('a', 'KeyA'), 'other')).toBe(true);
    expect(press(key('z', 'KeyZ', { ctrlKey: true }), 'other')).toBe(true);
    // The palette's own box keeps Escape and Enter, even from commands that win in text.
    expect(press(key('Escape', 'Escape'), 'quickInput')).toBe(false);
    expect(press(key('Enter', 'Enter', { shiftKey: true }), 'quickInput')).toBe(false);
    expect(press(key('P', 'KeyP', { ctrlKey: true, shiftKey: true }), 'quickInput')).toBe(true);
    expect(ran).toEqual(['palette', 'cell.run', 'cell.insertAbove', 'cell.undo', 'palette']);
  });

  it('gives a key to the last registered command that applies now, and lets it through when none does', () => {
    const { keys, ran, reg } = setup();
    let editorActive = false;
    reg('shell.thing', 'Ctrl+Enter', { inText: true });
    const editor = reg('notebook.runCell', 'Ctrl+Enter', { inText: true, when: () => editorActive });
    expect(keys.resolve(key('Enter', 'Enter', { ctrlKey: true }), 'other')?.id).toBe('shell.thing');
    editorActive = true;
    expect(keys.resolve(key('Enter', 'Enter', { ctrlKey: true }), 'other')?.id).toBe('notebook.runCell');
    editor.dispose();
    expect(keys.resolve(key('Enter', 'Enter', { ctrlKey: true }), 'other')?.id).toBe('shell.thing');
    reg('closeEditor', 'Ctrl+W', { when: () => false });
    expect(keys.dispatch(key('w', 'KeyW', { ctrlKey: true }), 'other')).toBe(false);
    expect(ran).toEqual([]);
  });

  it('reports a command with a malformed keybinding once instead of failing every key press', () => {
    const commands = new CommandService();
    const onInvalid = vi.fn();
    const keys = new KeybindingService(commands, false, onInvalid);
    commands.register({ id: 'bad', title: 'Bad', keybinding: 'Ctrl+Hyper+X', run: () => {} });
    expect(keys.dispatch(key('x', 'KeyX', { ctrlKey: true }), 'other')).toBe(false);
    expect(keys.dispatch(key('x', 'KeyX', { ctrlKey: true }), 'other')).toBe(false);
    expect(onInvalid).toHaveBeenCalledTimes(1);
    expect(onInvalid.mock.calls[0][0]).toBe('bad');
    expect(keys.labelOf('bad')).toBeUndefined();
  });
});
