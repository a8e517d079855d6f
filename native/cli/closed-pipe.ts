// `lathe runs metrics RUN | head`: once the reader of a pipe has gone, every later write fails with EPIPE, and Node
// (which ignores SIGPIPE) raises it as an unhandled 'error' event — a stack trace and exit code 1 after output the
// user asked to cut short. A command whose reader left has nobody to answer, so it ends quietly instead, as
// `seq 1000000 | head` does, keeping the exit code it had so far.

/** End the process quietly when `stream`'s reader has closed the pipe; other write errors still surface. */
export function endQuietlyWhenReaderCloses(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? 0);
  });
}
