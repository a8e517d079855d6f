// How a run whose work stopped early ends: 'cancelled' when a person asked (the Cancel button, Ctrl-C on a
// foreground command), 'interrupted' when the studio running its job closed or died — the state the job itself then
// takes, and what the app promises of work that was running when it stopped. Both resume from the last checkpoint.
// The job's process tells them apart by the reason it aborts its signal with (worker-host.ts).

/** The abort reason of a job's signal when its studio closed or died. */
export const STUDIO_GONE = 'the studio running this job closed or stopped';

/** The status of a run stopped by `signal`'s abort. */
export function stoppedStatus(signal: AbortSignal | undefined): 'cancelled' | 'interrupted' {
  return signal?.reason === STUDIO_GONE ? 'interrupted' : 'cancelled';
}
