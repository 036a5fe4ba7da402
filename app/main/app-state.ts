import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_WINDOW_STATE, type WindowState } from './window-options';

/** What the desktop app remembers between launches (in Electron's userData folder). */
export interface AppState {
  window: WindowState;
  /** Workspace folders, most recent first. */
  recent: string[];
}

const MAX_RECENT = 10;

const stateSchema = z.object({
  window: z
    .object({ x: z.number().int().optional(), y: z.number().int().optional(), width: z.number().int().min(400).max(20000), height: z.number().int().min(300).max(20000), maximized: z.boolean() })
    .catch(DEFAULT_WINDOW_STATE),
  recent: z.array(z.string()).catch([]),
});

/** Reads the state file; a missing or damaged one gives the defaults (never a failed start). */
export function readAppState(file: string): AppState {
  try {
    const r = stateSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (r.success) return { window: r.data.window, recent: r.data.recent.slice(0, MAX_RECENT) };
  } catch {
    // first launch or damaged: defaults
  }
  return { window: { ...DEFAULT_WINDOW_STATE }, recent: [] };
}

export function writeAppState(file: string, state: AppState): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file + '.tmp', JSON.stringify(state, null, 2));
  fs.renameSync(file + '.tmp', file);
}

/** `folder` first, no duplicates, at most ten. */
export function withRecent(state: AppState, folder: string): AppState {
  return { ...state, recent: [folder, ...state.recent.filter((f) => f !== folder)].slice(0, MAX_RECENT) };
}
