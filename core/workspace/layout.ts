import path from 'node:path';

/** Where a workspace keeps its state: everything RecLab writes lives in `<root>/.reclab/`. */
export interface WorkspaceLayout {
  root: string;
  stateDir: string;
  storeFile: string;
  artifactsRoot: string;
  datasetsFile: string;
  /** The previous version of each notebook, kept on every save. */
  backupsDir: string;
}

/** The layout of the workspace at `dir` (default `$RECLAB_WORKSPACE`, else the current folder). */
export function workspaceLayout(dir?: string): WorkspaceLayout {
  const root = path.resolve(dir ?? process.env.RECLAB_WORKSPACE ?? process.cwd());
  const stateDir = path.join(root, '.reclab');
  return {
    root,
    stateDir,
    storeFile: path.join(stateDir, 'runs.sqlite'),
    artifactsRoot: path.join(stateDir, 'artifacts'),
    datasetsFile: path.join(stateDir, 'datasets.json'),
    backupsDir: path.join(stateDir, 'backups'),
  };
}
