// Processes a test started and the ones they started in turn, without vitest (tests/trials/ runs outside it): a
// `lathe` training command re-executes itself as a trainer child on Linux (bin/lathe.mjs), which lives a moment
// after its parent is killed, so a check of what a kill left must first wait for that child to be gone.
import fs from 'node:fs';

/** The pids of `pid`'s children (Linux's /proc; none elsewhere, where `lathe` trains in its own process). */
export function childPids(pid: number): number[] {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Waits until none of `pids` is alive; throws, naming them, if one still is after `timeoutMs`. */
export async function waitGone(pids: number[], timeoutMs: number): Promise<void> {
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const deadline = Date.now() + timeoutMs;
  while (pids.some(alive)) {
    if (Date.now() > deadline) throw new Error(`pid ${pids.filter(alive).join(', ')} still ran ${timeoutMs} ms after the process that started it was killed`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
