import { Command } from 'commander';
import { appVersion, isRecLabError, RecLabError } from '../util';
import { downloadDataset, importDataset, listDatasets } from './commands/datasets';
import { exportRunCommand, recommendCommand } from './commands/export';
import { recoverRunsCommand } from './commands/recover';
import { compareRunsCommand, listRunsCommand, showRunCommand, tagRunCommand, untagRunCommand } from './commands/runs';
import { runCommand } from './commands/run';
import { dropWritesWhenPipeCloses, writeLine } from './output';

const out = (s: string) => writeLine(process.stdout, s);
const err = (s: string) => writeLine(process.stderr, s);
/** For repeatable options: `--attr a=1 --attr b=2`. */
const collect = (value: string, previous: string[]) => [...previous, value];

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
    .version(appVersion(), '-V, --version', 'print the RecLab version')
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
  const runs = program.command('runs').description('list runs (the default), tag them, or recover a lost run store');
  runs
    .command('list', { isDefault: true })
    .description('list runs, newest first')
    .option('-e, --experiment <name>', 'only runs of this experiment')
    .option('-s, --status <status>', 'RUNNING, FINISHED, FAILED or KILLED')
    .option('-t, --tag <key[=value]>', 'only runs with this tag (and value)')
    .option('--search <text>', 'run name contains')
    .option('-f, --filter <query>', 'a query: metrics.ndcg@10 > 0.3 and params.model.type = "hybrid" or tags.stage = "tuned" (and, or, not, parentheses, in, like, is null)')
    .option('-m, --metric <key>', 'metric column', 'ndcg@10')
    .option('--sort', 'best first by the metric')
    .option('-n, --limit <n>', 'at most this many runs')
    .option('--json', 'print one JSON array')
    .action((o) => listRunsCommand({ ...o, workspace: ws() }, out));
  runs
    .command('tag')
    .description('set tags on a run (a tag of the same key is replaced)')
    .argument('<run>', 'run id or unique prefix')
    .argument('<tags...>', 'key=value pairs')
    .action((id: string, pairs: string[]) => tagRunCommand(id, pairs, { workspace: ws() }, out));
  runs
    .command('untag')
    .description('remove tags from a run')
    .argument('<run>', 'run id or unique prefix')
    .argument('<keys...>', 'tag keys')
    .action((id: string, keys: string[]) => untagRunCommand(id, keys, { workspace: ws() }, out));
  runs
    .command('recover')
    .description("rebuild a lost or damaged run store from the runs' artifact folders (.reclab/artifacts/RUN_ID); never overwrites a store that has runs")
    .option('--json', 'print one JSON object')
    .action((o) => recoverRunsCommand({ ...o, workspace: ws() }, out, err));
  program
    .command('show')
    .description('everything recorded for one run')
    .argument('<run>', 'run id or unique prefix')
    .option('--json')
    .action((id: string, o) => showRunCommand(id, { ...o, workspace: ws() }, out));
  program
    .command('compare')
    .description('final metrics side by side, with the difference to the first run and the best marked; warns when protocol fingerprints differ')
    .argument('<runs...>', 'run ids or unique prefixes')
    .option('--segment <name>', 'overall, items:cold, users:activity[1-20], ...', 'overall')
    .option('--json')
    .action((ids: string[], o) => compareRunsCommand(ids, { ...o, workspace: ws() }, out, err));
  program
    .command('export')
    .description("verify a run's model bundle and copy it out; --recommend prints a user's top items from it")
    .argument('<run>', 'run id or unique prefix')
    .option('-o, --out <dir>', 'copy the bundle to this new folder')
    .option('--recommend [user]', 'load the bundle and print the top items of this user (or of a new user given by --history/--attr)')
    .option('--history <items>', 'a new user: items they interacted with, ITEM,ITEM (repeatable)', collect, [])
    .option('--attr <key=value>', 'a new user: an attribute (repeatable)', collect, [])
    .option('-k <n>', 'number of items for --recommend', '10')
    .option('--json')
    .action((id: string, o) => exportRunCommand(id, { ...o, workspace: ws() }, out));
  program
    .command('recommend')
    .description('top items of a user from a bundle folder (plain Node, no workspace needed): a known user by id, or a new user by --history and --attr')
    .argument('<bundle>', 'bundle folder')
    .argument('[user]', 'original id of a known user')
    .option('--history <items>', 'a new user: items they interacted with, ITEM,ITEM (repeatable)', collect, [])
    .option('--attr <key=value>', "a new user: an attribute, e.g. age=31 (repeatable; list values as a|b)", collect, [])
    .option('-k <n>', 'number of items', '10')
    .option('--json')
    .action((dir: string, user: string | undefined, o) => recommendCommand(dir, user, o, out));
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
    .description('the embedded sample and the datasets imported into this workspace, with their sizes')
    .option('--json', 'print one JSON object')
    .action((o) => listDatasets({ ...o, workspace: ws() }, out));
  datasets
    .command('import')
    .description('check a dataset by loading it once, then register it in the workspace under a name (use it as "data": {"source": "workspace", "name": NAME})')
    .argument('<name>', 'name to register it under')
    .option('--movielens <path>', 'MovieLens 100K folder or ml-100k.zip')
    .option('--csv <mapping>', 'JSON column mapping of CSV files (see README)')
    .option('--json', 'print one JSON object')
    .action((name: string, o) => importDataset(name, { ...o, workspace: ws() }, out));
  datasets
    .command('download')
    .description('download a public dataset (progress, checksum verified) and import it; needs internet access')
    .argument('<dataset>', 'ml-100k')
    .option('--dir <dir>', 'where to put it (default .reclab/downloads)')
    .action((which: string, o) => downloadDataset(which, { ...o, workspace: ws() }, out, err));
  return program;
}

/** Runs the CLI; user errors print one clear line and exit 1, bugs print a stack. */
export async function main(argv = process.argv, app: AppCommands = {}): Promise<void> {
  dropWritesWhenPipeCloses(process.stdout);
  dropWritesWhenPipeCloses(process.stderr);
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
