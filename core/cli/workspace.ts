import fs from 'node:fs';
import path from 'node:path';
import { openRunStore, type SqliteRunStore } from '../runs';

/** A workspace is a folder; RecLab keeps its state in `<folder>/.reclab/`. */
export interface Workspace {
  root: string;
  stateDir: string;
  storeFile: string;
  artifactsRoot: string;
  datasetsFile: string;
}

export function resolveWorkspace(dir?: string): Workspace {
  const root = path.resolve(dir ?? process.env.RECLAB_WORKSPACE ?? process.cwd());
  const stateDir = path.join(root, '.reclab');
  return {
    root,
    stateDir,
    storeFile: path.join(stateDir, 'runs.sqlite'),
    artifactsRoot: path.join(stateDir, 'artifacts'),
    datasetsFile: path.join(stateDir, 'datasets.json'),
  };
}

export function openWorkspaceStore(ws: Workspace): SqliteRunStore {
  fs.mkdirSync(ws.stateDir, { recursive: true });
  const store = openRunStore(ws.storeFile);
  // Runs whose process died (crash, kill -9) would otherwise stay RUNNING forever.
  store.markStaleRunsKilled();
  return store;
}
