// Which process owns a row (a job queued by a studio, a run trained by the CLI in the foreground), and whether it
// still lives. A pid alone can be reused after the owner dies, so where the system says when a process started
// (Linux: /proc/<pid>/stat) the owner is recorded as pid + start marker and a different marker means it is gone.
import fs from 'node:fs';

export interface ProcessOwner {
  pid: number;
  /** When the process started, in the system's own units (null where the system does not tell). */
  started: string | null;
}

/** The start marker of `pid`: field 22 of /proc/<pid>/stat (clock ticks since boot), or null where unavailable. */
export function processStartMarker(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) is in parentheses and may hold spaces: count fields after its closing one
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/** This process as an owner. */
export function currentOwner(): ProcessOwner {
  return { pid: process.pid, started: processStartMarker(process.pid) };
}

/** Whether a process with this pid exists (EPERM: it does, as another user). */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the recorded owner still runs: its pid lives and, when a start marker was recorded, it is the same process. */
export function isOwnerAlive(owner: ProcessOwner): boolean {
  if (!isPidAlive(owner.pid)) return false;
  if (owner.started === null) return true;
  const now = processStartMarker(owner.pid);
  return now === null || now === owner.started;
}
