// The layering of DESIGN.md as one ESLint rule. Do not relax these rules: every
// exception here is a hole through which Node reaches the renderer or the app
// reaches the engine.
import path from 'node:path';
import { builtinModules } from 'node:module';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const NODE_ONLY_PACKAGES = ['better-sqlite3', '@tensorflow/tfjs-node', 'electron'];
/** core modules the renderer may import at run time (pure, browser-safe). */
const RENDERER_SAFE_CORE = new Set(['notebook', 'eval']);

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
      const report = (why) => context.report({ node, message: `Layering: '${spec}' ${why} (see DESIGN.md, "Layout").` });
      if (!spec.startsWith('.')) {
        const pkg = packageName(spec);
        if (file.top === 'core' && (pkg === 'electron' || spec.startsWith('app/'))) report('is not allowed in core/: core runs without Electron');
        if (file.top === 'app' && file.mod === 'renderer' && !typeOnly && (NODE_BUILTINS.has(spec) || NODE_ONLY_PACKAGES.includes(pkg)))
          report('is Node-only; the renderer talks to the API instead');
        if (file.top === 'app' && file.mod === 'common' && !typeOnly && (NODE_BUILTINS.has(spec) || NODE_ONLY_PACKAGES.includes(pkg)))
          report('is Node-only; app/common is shared with the renderer');
        return;
      }
      const target = locate(path.resolve(path.dirname(context.filename), spec));
      if (file.top === 'core' && target.top === 'app') return report('is in app/: core never imports the app');
      if (target.top === 'core' && target.mod && !(file.top === 'core' && file.mod === target.mod) && file.top !== 'test' && !isBarrel(target))
        return report(`reaches into core/${target.mod} internals: import core/${target.mod} (its index.ts)`);
      if (file.top === 'app' && target.top === 'app' && target.mod !== file.mod && target.mod !== 'common')
        return report(`crosses from app/${file.mod} into app/${target.mod}: share through app/common`);
      if (file.top === 'app' && (file.mod === 'renderer' || file.mod === 'common' || file.mod === 'preload') && target.top === 'core' && !typeOnly && !RENDERER_SAFE_CORE.has(target.mod))
        return report(`is core/${target.mod}, which is not browser-safe: app/${file.mod} may import only types from it`);
    };
    return {
      ImportDeclaration: (n) => check(n, n.source.value, n.importKind === 'type'),
      ExportNamedDeclaration: (n) => n.source && check(n, n.source.value, n.exportKind === 'type'),
      ExportAllDeclaration: (n) => check(n, n.source.value, n.exportKind === 'type'),
      ImportExpression: (n) => n.source.type === 'Literal' && check(n, n.source.value, false),
      CallExpression: (n) => {
        if (n.callee.type === 'Identifier' && n.callee.name === 'require' && n.arguments[0]?.type === 'Literal') check(n, n.arguments[0].value, false);
      },
    };
  },
};
