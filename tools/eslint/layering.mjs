// The layering of DESIGN.md as one ESLint rule. Do not relax these rules: every
// exception here is a hole through which Node reaches the renderer or the app
// reaches the engine. The rule has its own test (test/tools/layering.test.ts).
import path from 'node:path';
import { builtinModules } from 'node:module';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
/** Packages that need Node (or Electron's main process) to load. */
const NODE_ONLY_PACKAGES = ['better-sqlite3', 'electron', 'cli-progress', 'ws'];
/** Packages that may not be bundled for the browser from the browser-safe core (heavy or Node-bound). */
const NOT_BROWSER_SAFE = ['@tensorflow/tfjs', '@tensorflow/tfjs-node', '@tensorflow/tfjs-backend-wasm'];

/**
 * core folders in import order: a folder imports only folders before it (util first,
 * cli last). `worker` comes before `workspace`, which starts worker processes.
 */
export const CORE_ORDER = ['util', 'spec', 'notebook', 'runs', 'data', 'features', 'eval', 'models', 'train', 'export', 'experiment', 'worker', 'workspace', 'cli'];
/** core folders the renderer may run (no node: modules, no tfjs, no SQLite); a test bundles them for the browser. */
export const BROWSER_SAFE_CORE = new Set(['util', 'spec', 'notebook']);
/** app folders and the app folders each may import (besides itself). */
const APP_IMPORTS = {
  common: [],
  host: ['common'],
  server: ['common', 'host'],
  main: ['common'],
  preload: ['common'],
  renderer: ['common'],
};
/** app folders that run in a browser-like context: only browser-safe code at run time. */
const APP_BROWSER = new Set(['common', 'renderer', 'preload']);

/** 'core/data/csv.ts' -> { top: 'core', mod: 'data', rest: 'csv.ts' } */
function locate(absPath) {
  const rel = path.relative(ROOT, absPath).split(path.sep);
  return { top: rel[0], mod: rel[1], rest: rel.slice(2).join('/'), rel: rel.join('/') };
}

function isBarrel(target) {
  return target.rest === '' || /^index(\.[cm]?[tj]s)?$/.test(target.rest);
}

function packageName(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Why `file` may not import the package `spec` at run time, or undefined. */
function packageViolation(file, spec, typeOnly) {
  const pkg = packageName(spec);
  const nodeOnly = NODE_BUILTINS.has(spec) || NODE_ONLY_PACKAGES.includes(pkg);
  if (file.top === 'core' && pkg === 'electron') return 'is not allowed in core/: core runs without Electron';
  if (typeOnly) return undefined;
  if (file.top === 'core' && BROWSER_SAFE_CORE.has(file.mod) && (nodeOnly || NOT_BROWSER_SAFE.includes(pkg)))
    return `is Node-only or not browser-safe; core/${file.mod} is bundled for the browser`;
  if (file.top === 'app' && APP_BROWSER.has(file.mod) && file.mod !== 'preload' && (nodeOnly || NOT_BROWSER_SAFE.includes(pkg)))
    return `is Node-only; app/${file.mod} runs in the browser and talks to the API instead`;
  if (file.top === 'app' && file.mod === 'preload' && pkg !== 'electron' && (nodeOnly || NOT_BROWSER_SAFE.includes(pkg)))
    return 'is Node-only; the sandboxed preload may use only electron and app/common';
  return undefined;
}

/** Why `file` may not import the project file `target`, or undefined. */
function fileViolation(file, target, typeOnly) {
  if (file.top === 'core' && target.top === 'app') return 'is in app/: core never imports the app';
  if (target.top === 'core' && target.mod && !(file.top === 'core' && file.mod === target.mod) && file.top !== 'test' && !isBarrel(target))
    return `reaches into core/${target.mod} internals: import core/${target.mod} (its index.ts)`;
  if (file.top === 'core' && target.top === 'core' && file.mod !== target.mod) {
    const from = CORE_ORDER.indexOf(file.mod);
    const to = CORE_ORDER.indexOf(target.mod);
    if (from < 0) return `comes from core/${file.mod}, which is not in the layer order (tools/eslint/layering.mjs CORE_ORDER)`;
    if (to < 0) return `is core/${target.mod}, which is not in the layer order (tools/eslint/layering.mjs CORE_ORDER)`;
    if (to > from) return `is core/${target.mod}, a layer above core/${file.mod} (order: ${CORE_ORDER.join(' < ')})`;
  }
  if (file.top === 'app' && target.top === 'app' && target.mod !== file.mod && !(APP_IMPORTS[file.mod] ?? []).includes(target.mod))
    return `crosses from app/${file.mod} into app/${target.mod}: share through app/common`;
  if (file.top === 'app' && target.top === 'core' && !typeOnly) {
    if (APP_BROWSER.has(file.mod) && !BROWSER_SAFE_CORE.has(target.mod))
      return `is core/${target.mod}, which is not browser-safe: app/${file.mod} may import only types from it`;
    if (file.mod === 'main') return 'is the engine: app/main reaches it only through the host (a utility process)';
  }
  return undefined;
}

export const layeringRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the import direction of DESIGN.md' },
    schema: [],
  },
  create(context) {
    const file = locate(context.filename);
    const check = (node, spec, typeOnly) => {
      if (typeof spec !== 'string') return;
      const why = spec.startsWith('.') ? fileViolation(file, locate(path.resolve(path.dirname(context.filename), spec)), typeOnly) : packageViolation(file, spec, typeOnly);
      if (why) context.report({ node, message: `Layering: '${spec}' ${why} (see DESIGN.md, "Layout").` });
    };
    return {
      ImportDeclaration: (n) => check(n, n.source.value, n.importKind === 'type' || (n.specifiers.length > 0 && n.specifiers.every((s) => s.importKind === 'type'))),
      ExportNamedDeclaration: (n) => n.source && check(n, n.source.value, n.exportKind === 'type'),
      ExportAllDeclaration: (n) => check(n, n.source.value, n.exportKind === 'type'),
      ImportExpression: (n) => n.source.type === 'Literal' && check(n, n.source.value, false),
      CallExpression: (n) => {
        if (n.callee.type === 'Identifier' && n.callee.name === 'require' && n.arguments[0]?.type === 'Literal') check(n, n.arguments[0].value, false);
      },
    };
  },
};
