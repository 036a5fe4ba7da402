/** Streams whose reader went away (`reclab show RUN | head`): nothing more is written to them. */
const closed = new WeakSet<NodeJS.WritableStream>();

/**
 * A reader that stops early closes the pipe, and the next write fails with EPIPE. Unix
 * tools then stop writing quietly; without a listener Node throws the error with a stack.
 * From then on lines for the stream are dropped, and the command finishes as it would
 * have (a run being recorded is not cut off half-way).
 */
export function dropWritesWhenPipeCloses(stream: NodeJS.WritableStream): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') {
      closed.add(stream);
      return;
    }
    throw e;
  });
}

/** Writes one line, unless the stream's reader has gone. */
export function writeLine(stream: NodeJS.WritableStream & { destroyed?: boolean }, line: string): void {
  if (closed.has(stream) || stream.destroyed) return;
  stream.write(line + '\n');
}
