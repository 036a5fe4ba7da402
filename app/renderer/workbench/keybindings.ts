import type { CommandService } from './commands';
import { isEnabled } from './commands';
import type { Command } from './services';

/**
 * Keybindings in VS Code's notation: `Ctrl+Shift+P`, `Alt+Enter`, `Ctrl+PageDown`.
 * `Ctrl` is Ctrl/Cmd: Ctrl on Windows and Linux, Cmd on macOS (VS Code's CtrlCmd);
 * `WinCtrl` is the Control key everywhere (Ctrl+Tab stays Control+Tab on a Mac, where
 * Cmd+Tab belongs to the system); `Meta` is the Windows or Cmd key.
 */
export interface KeyChord {
  ctrlCmd: boolean;
  winCtrl: boolean;
  meta: boolean;
  shift: boolean;
  alt: boolean;
  /** Upper-case letters, digits, `Enter`, `Escape`, `PageDown`, `UpArrow`, `F1`, `/`, ... */
  key: string;
}

/** A key press as the platform reports it, resolved to modifier keys and one key name. */
export interface PressedKey {
  ctrl: boolean;
  meta: boolean;
  shift: boolean;
  alt: boolean;
  key: string;
}

/** The part of a KeyboardEvent a key press is read from (tests pass plain objects). */
export interface KeyInput {
  key: string;
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** Where focus is: in text (an input, a textarea, Monaco), the quick input's box, or elsewhere. */
export type KeyFocus = 'text' | 'quickInput' | 'other';

const KEY_ALIASES: Record<string, string> = {
  esc: 'Escape',
  escape: 'Escape',
  enter: 'Enter',
  return: 'Enter',
  tab: 'Tab',
  space: 'Space',
  backspace: 'Backspace',
  delete: 'Delete',
  del: 'Delete',
  pageup: 'PageUp',
  pagedown: 'PageDown',
  home: 'Home',
  end: 'End',
  up: 'UpArrow',
  down: 'DownArrow',
  left: 'LeftArrow',
  right: 'RightArrow',
  uparrow: 'UpArrow',
  downarrow: 'DownArrow',
  leftarrow: 'LeftArrow',
  rightarrow: 'RightArrow',
  insert: 'Insert',
};

/** `event.key` names that differ from the notation's. */
const EVENT_KEYS: Record<string, string> = {
  ArrowUp: 'UpArrow',
  ArrowDown: 'DownArrow',
  ArrowLeft: 'LeftArrow',
  ArrowRight: 'RightArrow',
  ' ': 'Space',
  Esc: 'Escape',
  Del: 'Delete',
};

/** Punctuation by physical key, so Shift (which changes `event.key`) does not change the name. */
const CODE_KEYS: Record<string, string> = {
  Backquote: '`',
  Minus: '-',
  Equal: '=',
  BracketLeft: '[',
  BracketRight: ']',
  Backslash: '\\',
  Semicolon: ';',
  Quote: "'",
  Comma: ',',
  Period: '.',
  Slash: '/',
};

function normaliseKeyName(name: string): string {
  if (/^[a-z]$/i.test(name)) return name.toUpperCase();
  if (/^f([1-9]|1[0-9])$/i.test(name)) return name.toUpperCase();
  return KEY_ALIASES[name.toLowerCase()] ?? name;
}

/** Parses `Ctrl+Shift+P`; throws on a string that is not a keybinding (a bug in a command's definition). */
export function parseKeybinding(text: string): KeyChord {
  const parts = text.split('+').map((p) => p.trim());
  // `Ctrl++` means the plus key.
  if (parts.length > 1 && parts[parts.length - 1] === '' && parts[parts.length - 2] === '') parts.splice(-2, 2, '+');
  const chord: KeyChord = { ctrlCmd: false, winCtrl: false, meta: false, shift: false, alt: false, key: '' };
  parts.forEach((part, i) => {
    const p = part.toLowerCase();
    const last = i === parts.length - 1;
    if (!last && (p === 'ctrl' || p === 'cmd' || p === 'ctrlcmd')) chord.ctrlCmd = true;
    else if (!last && p === 'winctrl') chord.winCtrl = true;
    else if (!last && (p === 'meta' || p === 'win' || p === 'super')) chord.meta = true;
    else if (!last && p === 'shift') chord.shift = true;
    else if (!last && (p === 'alt' || p === 'option')) chord.alt = true;
    else if (last && part !== '') chord.key = normaliseKeyName(part);
    else throw new Error(`'${text}' is not a keybinding: '${part}' is not a modifier (Ctrl, Shift, Alt, WinCtrl, Meta).`);
  });
  if (!chord.key) throw new Error(`'${text}' is not a keybinding: it names no key.`);
  return chord;
}

/** The modifier keys a chord needs on this platform. */
export function resolveChord(chord: KeyChord, isMac: boolean): PressedKey {
  return {
    ctrl: chord.winCtrl || (chord.ctrlCmd && !isMac),
    meta: chord.meta || (chord.ctrlCmd && isMac),
    shift: chord.shift,
    alt: chord.alt,
    key: chord.key,
  };
}

/** The key a keyboard event pressed, in the notation's names. */
export function pressedKey(e: KeyInput): PressedKey {
  let key: string;
  if (/^[a-z0-9]$/i.test(e.key)) key = e.key.toUpperCase();
  else if (/^Key[A-Z]$/.test(e.code)) key = e.code.slice(3); // Alt on a Mac types other characters
  else if (/^Digit[0-9]$/.test(e.code)) key = e.code.slice(5);
  else if (CODE_KEYS[e.code]) key = CODE_KEYS[e.code];
  else key = EVENT_KEYS[e.key] ?? normaliseKeyName(e.key);
  return { ctrl: e.ctrlKey, meta: e.metaKey, shift: e.shiftKey, alt: e.altKey, key };
}

function samePress(a: PressedKey, b: PressedKey): boolean {
  return a.key === b.key && a.ctrl === b.ctrl && a.meta === b.meta && a.shift === b.shift && a.alt === b.alt;
}

const MAC_KEY_LABELS: Record<string, string> = { UpArrow: '↑', DownArrow: '↓', LeftArrow: '←', RightArrow: '→', Escape: 'Esc', Enter: '↩', Backspace: '⌫', Delete: '⌦', Tab: '⇥' };

/**
 * How the platform writes a keybinding, as the parts a palette shows in key caps:
 * `['Ctrl', 'Shift', 'P']`, or on macOS `['⇧', '⌘', 'P']` (Apple's order: ⌃ ⌥ ⇧ ⌘).
 */
export function keybindingParts(text: string, isMac: boolean): string[] {
  const k = resolveChord(parseKeybinding(text), isMac);
  if (isMac) return [...(k.ctrl ? ['⌃'] : []), ...(k.alt ? ['⌥'] : []), ...(k.shift ? ['⇧'] : []), ...(k.meta ? ['⌘'] : []), MAC_KEY_LABELS[k.key] ?? k.key];
  return [...(k.ctrl ? ['Ctrl'] : []), ...(k.shift ? ['Shift'] : []), ...(k.alt ? ['Alt'] : []), ...(k.meta ? ['Meta'] : []), k.key];
}

/** `Ctrl+Shift+P`, or `⇧⌘P` on macOS: for tooltips and menus. */
export function keybindingLabel(text: string, isMac: boolean): string {
  const parts = keybindingParts(text, isMac);
  return isMac ? parts.join('') : parts.join('+');
}

const TEXT_KEYS = new Set(['Enter', 'Tab', 'Space', 'Backspace', 'Delete', 'Home', 'End', 'UpArrow', 'DownArrow', 'LeftArrow', 'RightArrow', 'Insert']);
const CLIPBOARD_AND_UNDO = new Set(['Z', 'Y', 'A', 'C', 'V', 'X']);

/**
 * Whether a key goes to a command even while focus is in text, unless the command says:
 * keys with Ctrl/Cmd or Alt, and F-keys, win (the palette opens from inside a cell, as in
 * VS Code); plain keys, the editing keys (Enter, arrows, Backspace... with any modifier)
 * and Ctrl+Z/Y/A/C/V/X stay with the text.
 */
export function winsInText(chord: KeyChord): boolean {
  if (/^F\d+$/.test(chord.key)) return true;
  if (TEXT_KEYS.has(chord.key)) return false;
  if (chord.ctrlCmd && !chord.alt && CLIPBOARD_AND_UNDO.has(chord.key)) return false;
  return chord.ctrlCmd || chord.winCtrl || chord.alt || chord.meta;
}

interface Bound {
  command: Command;
  chord: KeyChord;
  press: PressedKey;
}

/**
 * Dispatches key presses to commands by their `keybinding`. Among commands on the same
 * key, the last registered that applies now (`when`) wins, as later contributions do in
 * VS Code. Focus is respected: in text, only keys that win there (`inText`, or
 * `winsInText` by default) reach commands; in the quick input's box only those with
 * Ctrl/Cmd or Alt.
 */
export class KeybindingService {
  private cache = new Map<string, KeyChord | null>();

  constructor(
    private readonly commands: CommandService,
    readonly isMac: boolean,
    private readonly onInvalid: (commandId: string, error: Error) => void = (id, e) => console.error(`command ${id}: ${e.message}`),
  ) {}

  /** The command a key press runs in this focus, if any. */
  resolve(e: KeyInput, focus: KeyFocus): Command | undefined {
    const pressed = pressedKey(e);
    const bound = this.bindings().filter((b) => samePress(b.press, pressed));
    for (let i = bound.length - 1; i >= 0; i--) {
      const { command, chord } = bound[i];
      if (!this.allowedIn(command, chord, focus)) continue;
      if (isEnabled(command)) return command;
    }
    return undefined;
  }

  /** Runs the command of a key press; true when one ran (the caller stops the event). */
  dispatch(e: KeyInput, focus: KeyFocus): boolean {
    const command = this.resolve(e, focus);
    if (!command) return false;
    void this.commands.execute(command.id);
    return true;
  }

  /** The platform's label of a command's key (`Ctrl+B`, `⌘B`), if it has one. */
  labelOf(commandId: string): string | undefined {
    const kb = this.commands.get(commandId)?.keybinding;
    return kb && this.chordOf(commandId, kb) ? keybindingLabel(kb, this.isMac) : undefined;
  }

  /** The parts of a command's key for key caps, if it has one. */
  partsOf(command: Command): string[] | undefined {
    return command.keybinding && this.chordOf(command.id, command.keybinding) ? keybindingParts(command.keybinding, this.isMac) : undefined;
  }

  private allowedIn(command: Command, chord: KeyChord, focus: KeyFocus): boolean {
    if (focus === 'other') return true;
    const inText = command.inText ?? winsInText(chord);
    if (focus === 'text') return inText;
    return inText && (chord.ctrlCmd || chord.winCtrl || chord.alt || chord.meta);
  }

  private bindings(): Bound[] {
    const out: Bound[] = [];
    for (const command of this.commands.list()) {
      if (!command.keybinding) continue;
      const chord = this.chordOf(command.id, command.keybinding);
      if (chord) out.push({ command, chord, press: resolveChord(chord, this.isMac) });
    }
    return out;
  }

  private chordOf(commandId: string, text: string): KeyChord | undefined {
    let chord = this.cache.get(text);
    if (chord === undefined) {
      try {
        chord = parseKeybinding(text);
      } catch (e) {
        chord = null;
        this.onInvalid(commandId, e as Error);
      }
      this.cache.set(text, chord);
    }
    return chord ?? undefined;
  }
}
