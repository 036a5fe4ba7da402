import { Command } from 'commander';
import { isRecLabError, RecLabError } from '../util';
import { downloadDataset, importDataset, listDatasets } from './commands/datasets';
import { exportRunCommand, recommendCommand } from './commands/export';
import { compareRunsCommand, listRunsCommand, showRunCommand } from './commands/runs';
import { runCommand } from './commands/run';

const out = (s: string) => process.stdout.write(s + '\n');
const err = (s: string) => process.stderr.write(s + '\n');

/**
 * Commands implemented outside the engine: `serve` is browser mode, which lives in the app
 * (app/server) that core may not import; bin/reclab.js passes it in.
 */
export interface AppCommands {
  serve?: (opts: { workspace?: string; port?: string }) => Promise<void>;
}

/** Builds the `reclab` command line. */
export function buildProgram(app: AppCommands = {}): Command {
  const program = new Command('reclab')
    .description('RecLab: train, evaluate and compare hybrid recommenders; every run is kept in the workspace run store')
    .option('-w, --workspace <dir>', 'workspace folder (state in <dir>/.reclab); default: $RECLAB_WORKSPACE or the current folder');
  const ws = () => program.opts().workspace as string | undefined;

  program
    .command('run')
    .description('train and evaluate a JSON experiment spec or a .recnb notebook; record the run')
    .argument('<spec...>', 'spec or notebook files (run one after another)')
    .option('--json', 'print one JSON object per run (run id, metrics, artifact dir)')
    .option('-q, --quiet', 'no progress lines')
    .action(async (specs: string[], o) => {
      for (const s of specs) await runCommand(s, { ...o, workspace: ws() }, out, err);
    });
  program
    .command('runs')
    .description('list runs, newest first')
    .option('-e, --experiment <name>')
    .option('-s, --status <status>', 'RUNNING, FINISHED, FAILED or KILLED')
    .option('-t, --tag <key[=value]>')
    .option('--search <text>', 'run name contains')
    .option('-m, --metric <key>', 'metric column', 'ndcg@10')
    .option('--sort', 'best first by the metric')
    .option('-n, --limit <n>')
    .option('--json')
    .action((o) => listRunsCommand({ ...o, workspace: ws() }, out));
  program
    .command('show')
    .description('everything recorded for one run')
    .argument('<run>', 'run id or unique prefix')
    .option('--json')
    .action((id: string, o) => showRunCommand(id, { ...o, workspace: ws() }, out));
  program
    .command('compare')
    .description('final metrics side by side; warns when protocol fingerprints differ')
    .argument('<runs...>')
    .option('--segment <name>', 'overall, items:cold, ...', 'overall')
    .option('--json')
    .action((ids: string[], o) => compareRunsCommand(ids, { ...o, workspace: ws() }, out, err));
  program
    .command('export')
    .description("verify a run's model bundle and copy it out; --recommend prints a user's top items from it")
    .argument('<run>', 'run id or unique prefix')
    .option('-o, --out <dir>', 'copy the bundle to this new folder')
    .option('--recommend <user>', 'load the bundle and print the top items of this user')
    .option('-k <n>', 'number of items for --recommend', '10')
    .option('--json')
    .action((id: string, o) => exportRunCommand(id, { ...o, workspace: ws() }, out));
  program
    .command('recommend')
    .description('top items of a known user from a bundle folder (plain Node, no workspace needed)')
    .argument('<bundle>', 'bundle folder')
    .argument('<user>', 'original user id')
    .option('-k <n>', 'number of items', '10')
    .option('--json')
    .action((dir: string, user: string, o) => recommendCommand(dir, user, o, out));
  program
    .command('serve')
    .description('browser mode: serve the workbench on 127.0.0.1 and print its URL with a session token (Ctrl-C stops it)')
    .option('-p, --port <n>', 'port; 0 picks a free one', '0')
    .action(async (o: { port?: string }) => {
      if (!app.serve) throw new RecLabError('Browser mode is not built into this RecLab: run `npm run build`.', 'NOT_BUILT');
      await app.serve({ workspace: ws(), port: o.port });
    });
  const datasets = program.command('datasets').description('list, import or download datasets');
  datasets
    .command('list', { isDefault: true })
    .option('--json')
    .action((o) => listDatasets({ ...o, workspace: ws() }, out));
  datasets
    .command('import')
    .argument('<name>')
    .option('--movielens <path>', 'MovieLens 100K folder or ml-100k.zip')
    .option('--csv <mapping>', 'JSON column mapping of CSV files (see README)')
    .option('--json')
    .action((name: string, o) => importDataset(name, { ...o, workspace: ws() }, out));
  datasets
    .command('download')
    .argument('<dataset>', 'ml-100k')
    .option('--dir <dir>', 'where to put it')
    .action((which: string, o) => downloadDataset(which, { ...o, workspace: ws() }, out, err));
  return program;
}

/** Runs the CLI; user errors print one clear line and exit 1, bugs print a stack. */
export async function main(argv = process.argv, app: AppCommands = {}): Promise<void> {
  try {
    await buildProgram(app).parseAsync(argv);
  } catch (e) {
    if (isRecLabError(e)) {
      err(`error: ${e.message}`);
    } else {
      err(e instanceof Error ? (e.stack ?? e.message) : String(e));
    }
    process.exitCode = 1;
  }
}
