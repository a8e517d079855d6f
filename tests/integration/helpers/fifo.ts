// A `lathe` child held mid-command, deterministically: a file it reads is a named pipe (mkfifo), so its read blocks
// until the test opens the pipe for writing. The test looks at what the command holds meanwhile (its in-use marker),
// then lets it go on by writing `contents` into each pipe it waits on.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { liveUses, type InUse } from '../../../native/store/in-use.ts';

/** Make `file` a named pipe (its folder must exist). */
export function makeFifo(file: string): string {
  execFileSync('mkfifo', [file]);
  return file;
}

/**
 * Feed `contents` to each pipe of `fifos` a reader waits on now (opening one without a reader fails at once, ENXIO,
 * and is skipped); returns how many were fed.
 */
export function feedWaitingFifos(fifos: readonly string[], contents = ''): number {
  let fed = 0;
  for (const fifo of fifos) {
    let fd: number;
    try {
      fd = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
    } catch {
      continue;
    }
    try {
      if (contents) fs.writeSync(fd, contents);
    } finally {
      fs.closeSync(fd);
    }
    fed++;
  }
  return fed;
}

/** The live in-use marker of process `pid` in `dataDir` once `ready` holds for it (polled), or a timeout error. */
export async function markerOf(dataDir: string, pid: number, ready: (use: InUse) => boolean, timeoutMs = 60_000): Promise<InUse> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const use = liveUses(dataDir).find((u) => u.owner.pid === pid && ready(u));
    if (use) return use;
    if (Date.now() > until) throw new Error(`process ${pid} wrote no matching in-use marker within ${timeoutMs} ms; markers: ${JSON.stringify(liveUses(dataDir))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
