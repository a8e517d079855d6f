// --threads beside --resume: how fast this attempt goes on a busy machine, not one of the run's settings, so every
// resumable command takes it (it used to be refused as a start flag), while the run's own settings stay refused.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runThreads } from '../../native/train/run-env.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { tempDir } from './helpers/lathe.ts';

const dataDir = tempDir('train-resume-threads');
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const RESUMABLE = [['train'], ['pretrain'], ['align', 'dpo'], ['align', 'reward'], ['align', 'ppo']];

describe('--threads with --resume', () => {
  it.each(RESUMABLE.map((words) => [words.join(' '), words] as const))('lathe %s --resume RUN --threads T is taken: the run is looked up', async (_, words) => {
    const r = await inProcessLathe(dataDir, [...words, '--resume', 'run_nope', '--threads', '2']);
    expect(r.code).toBe(2);
    // the store's one wording for a run that is not there, as `lathe runs show` and `merge --run` say it
    expect(r.stderr).toBe(`lathe ${words.join(' ')}: run run_nope does not exist; the Runs page or 'lathe runs list' shows the ids\n`);
    const help = (await inProcessLathe(dataDir, [...words, '--help'])).stdout;
    expect(help).toMatch(/--resume RUN \[--threads T\] \[--json\]/);
    expect(help).toMatch(/--threads VALUE +CPU threads \(default: all cores\); also with --resume/);
  }, 60_000);

  it("is checked as a new run's is, and the run's own settings beside it are still refused", async () => {
    const zero = await inProcessLathe(dataDir, ['train', '--resume', 'run_nope', '--threads', '0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/^lathe train: --threads must be a whole number from 1 to 256; got '0'\./);
    const mixed = await inProcessLathe(dataDir, ['align', 'dpo', '--resume', 'run_nope', '--threads', '2', '--beta', '0.2']);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/^lathe align dpo: --resume continues the run with its own recorded settings, so --beta would be ignored; drop it/);
  }, 60_000);

  it("the attempt's thread count wins over the one the run recorded", async () => {
    expect(runThreads(8, { threads: 2 })).toBe(2);
    expect(runThreads(8, {})).toBe(8);
    expect(runThreads(undefined, {})).toBeUndefined();
  });
});
