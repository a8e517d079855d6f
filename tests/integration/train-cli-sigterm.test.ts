// SIGTERM to a foreground training command ends it at once, the run left 'interrupted' (as a kill leaves it), and
// it used to end with no word of how to go on. It now says, as the outcome of a Ctrl-C does, 'resume it with: …',
// whether the command trains in the lathe process itself or (Linux, the malloc tuning on: bin/lathe.mjs) in a child
// that the lathe process passes the signal on to.
import { describe, expect, it } from 'vitest';
import type { Run } from '../../native/api/schemas.ts';
import { lathe } from './helpers/lathe.ts';
import { pretrainDirs, signalledPretrain } from './helpers/signalled-pretrain.ts';

const dirs = pretrainDirs('train-sigterm');

describe('SIGTERM to a foreground training run', () => {
  it.each([['in the lathe process', false], ['in the child bin/lathe.mjs starts', true]])('%s: ends at once, interrupted, and says how to resume it', async (_, tuning) => {
    const { runId, ended, stderr } = await signalledPretrain(dirs.dataDir(), dirs.corpus(), { signal: 'SIGTERM', group: false, mallocTuning: tuning, waitMs: 30_000 });
    expect(ended, stderr).toBe('SIGTERM');
    expect(stderr).toContain(`stopped by SIGTERM: run ${runId} is interrupted; it continues from its last checkpoint\nresume it with: lathe pretrain --resume ${runId}\n`);
    expect(lathe(dirs.dataDir(), ['runs', 'list', '--json']).json<Run[]>().find((r) => r.id === runId)?.status).toBe('interrupted');
  }, 150_000);
});
