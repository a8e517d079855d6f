// A SIGINT sent to the `lathe` process alone (kill -INT PID, timeout -s INT), not to its process group as a
// terminal's Ctrl-C is: a foreground training command on Linux runs in a child of that process (bin/lathe.mjs,
// native/jobs/reused-heap.ts), which used to never hear of it, so the run trained on as if nothing had been asked.
// Now it stops after its step as Ctrl-C does, cancelled and resumable, and exits 130; a second one kills it.
import { describe, expect, it } from 'vitest';
import type { Run } from '../../native/api/schemas.ts';
import { lathe } from './helpers/lathe.ts';
import { pretrainDirs, signalledPretrain } from './helpers/signalled-pretrain.ts';

const dirs = pretrainDirs('train-sigint');

describe.skipIf(process.platform !== 'linux')('SIGINT to the lathe process alone', () => {
  it('stops a foreground training run after its step, cancelled and resumable, and exits 130', async () => {
    // the malloc tuning on, so the command runs in a child of the process signalled
    const { runId, ended, stdout, stderr } = await signalledPretrain(dirs.dataDir(), dirs.corpus(), { signal: 'SIGINT', group: false, mallocTuning: true, waitMs: 60_000 });
    expect(ended, stderr).toBe(130);
    expect(stderr).toContain('stopping after this step');
    expect(stdout).toMatch(new RegExp(`^run ${runId}: cancelled after [\\d,]+ steps`, 'm'));
    expect(lathe(dirs.dataDir(), ['runs', 'list', '--json']).json<Run[]>().find((r) => r.id === runId)?.status).toBe('cancelled');
  }, 150_000);
});
