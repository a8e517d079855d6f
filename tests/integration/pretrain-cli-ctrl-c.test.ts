// Ctrl-C on a foreground `lathe pretrain` (SIGINT to its process group, as a terminal sends it): the run stops after
// the current step, checkpointed, is recorded as cancelled, and the command says so and exits 130 like the other
// training commands (a fresh pretrain used to exit 0, as if it had finished).
import { describe, expect, it } from 'vitest';
import type { Run } from '../../native/api/schemas.ts';
import { lathe } from './helpers/lathe.ts';
import { pretrainDirs, signalledPretrain } from './helpers/signalled-pretrain.ts';

const dirs = pretrainDirs('pretrain-ctrl-c');

describe('Ctrl-C on lathe pretrain', () => {
  it('stops after a checkpoint, records the run as cancelled and exits 130', async () => {
    const { runId, ended, stdout, stderr } = await signalledPretrain(dirs.dataDir(), dirs.corpus(), { signal: 'SIGINT', group: true, waitMs: 60_000 });
    expect(ended, stderr).toBe(130);
    expect(stderr).toContain('stopping after this step');
    expect(stdout).toMatch(new RegExp(`^run ${runId}: cancelled after [\\d,]+ steps`, 'm'));
    expect(stdout).toContain(`resume it with: lathe pretrain --resume ${runId}`);
    const run = lathe(dirs.dataDir(), ['runs', 'list', '--json']).json<Run[]>().find((r) => r.id === runId);
    expect(run?.status).toBe('cancelled');
  }, 150_000);
});
