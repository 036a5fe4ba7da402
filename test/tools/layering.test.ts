import path from 'node:path';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs module without typings
import { layeringRule } from '../../tools/eslint/layering.mjs';

const root = path.resolve(__dirname, '..', '..');

/** The layering messages ESLint gives `code` as if it were the file at `rel`. */
function lint(rel: string, code: string): string[] {
  const linter = new Linter({ configType: 'flat' });
  const messages = linter.verify(
    code,
    [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser as Linter.Parser, ecmaVersion: 2022, sourceType: 'module' },
        plugins: { reclab: { rules: { layering: layeringRule } } },
        rules: { 'reclab/layering': 'error' },
      },
    ],
    path.join(root, rel),
  );
  return messages.map((m) => m.message);
}

describe('the layering rule (tools/eslint/layering.mjs)', () => {
  it('lets a core folder import the folders below it, through their index', () => {
    expect(lint('core/experiment/x.ts', "import { loadDataset } from '../data';")).toEqual([]);
    expect(lint('core/workspace/x.ts', "import { startWorker } from '../worker';")).toEqual([]);
    expect(lint('core/data/x.ts', "import type { DataSpec } from '../spec';")).toEqual([]);
  });

  it('refuses an import of a layer above, even type-only, and internals of another folder', () => {
    expect(lint('core/data/x.ts', "import { runExperiment } from '../experiment';")[0]).toMatch(/a layer above core\/data/);
    expect(lint('core/models/x.ts', "import type { TrainSpec } from '../train';")[0]).toMatch(/a layer above core\/models/);
    expect(lint('core/worker/x.ts', "import { Workspace } from '../workspace';")[0]).toMatch(/a layer above/);
    expect(lint('core/experiment/x.ts', "import { loadDataset } from '../data/load';")[0]).toMatch(/internals/);
    expect(lint('core/util/x.ts', "import { x } from '../newfolder';")[0]).toMatch(/not in the layer order/);
  });

  it('keeps core free of the app and of Electron', () => {
    expect(lint('core/cli/x.ts', "import { serve } from '../../app/server';")[0]).toMatch(/core never imports the app/);
    expect(lint('core/cli/x.ts', "import { app } from 'electron';")[0]).toMatch(/without Electron/);
  });

  it('keeps util, spec and notebook browser-safe: no node: modules, tfjs or SQLite at run time', () => {
    expect(lint('core/util/x.ts', "import fs from 'node:fs';")[0]).toMatch(/bundled for the browser/);
    expect(lint('core/spec/x.ts', "import * as tf from '@tensorflow/tfjs';")[0]).toMatch(/bundled for the browser/);
    expect(lint('core/notebook/x.ts', "import Database from 'better-sqlite3';")[0]).toMatch(/bundled for the browser/);
    expect(lint('core/notebook/x.ts', "const fs = require('fs');")[0]).toMatch(/bundled for the browser/);
    expect(lint('core/runs/x.ts', "import fs from 'node:fs';")).toEqual([]);
  });

  it('lets the renderer use only app/common and browser-safe core at run time, types from anywhere', () => {
    expect(lint('app/renderer/x.ts', "import { parseNotebook } from '../../core/notebook';")).toEqual([]);
    expect(lint('app/renderer/x.ts', "import type { RunRecord } from '../../core/runs';")).toEqual([]);
    expect(lint('app/renderer/x.ts', "import { openRunStore } from '../../core/runs';")[0]).toMatch(/not browser-safe/);
    expect(lint('app/renderer/x.ts', "import fs from 'node:fs';")[0]).toMatch(/Node-only/);
    expect(lint('app/renderer/x.ts', "import { Host } from '../host';")[0]).toMatch(/share through app\/common/);
    expect(lint('app/common/x.ts', "import { z } from 'zod';")).toEqual([]);
    expect(lint('app/common/x.ts', "import path from 'node:path';")[0]).toMatch(/Node-only/);
  });

  it('lets main reach the engine only through the host, and the preload only electron and app/common', () => {
    expect(lint('app/main/x.ts', "import { Workspace } from '../../core/workspace';")[0]).toMatch(/only through the host/);
    expect(lint('app/main/x.ts', "import { app } from 'electron';")).toEqual([]);
    expect(lint('app/preload/x.ts', "import { contextBridge } from 'electron';")).toEqual([]);
    expect(lint('app/preload/x.ts', "import fs from 'node:fs';")[0]).toMatch(/sandboxed preload/);
    expect(lint('app/server/x.ts', "import { createHost } from '../host';")).toEqual([]);
    expect(lint('app/host/x.ts', "import { Workspace } from '../../core/workspace';")).toEqual([]);
  });
});
