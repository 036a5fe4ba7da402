import { InputError } from '../../core/util';
import { serve } from './server';

export interface ServeCommandOptions {
  workspace?: string;
  port?: string | number;
}

/**
 * `reclab serve`: starts browser mode and prints its URL (with the token) on one line;
 * Ctrl-C or SIGTERM ends live runs as KILLED and stops the server.
 */
export async function serveCommand(opts: ServeCommandOptions, out: (s: string) => void = (s) => process.stdout.write(s + '\n')): Promise<void> {
  const port = opts.port === undefined ? 0 : Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InputError(`--port must be 0 (any free port) or a port number, got ${String(opts.port)}.`, 'USAGE');
  const server = await serve({ workspace: opts.workspace ?? process.env.RECLAB_WORKSPACE ?? process.cwd(), port });
  out(server.url);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void server.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
