// The fault-trial harness (`npm run trials`) exercised once per kind, small: one SIGKILL each during a dataset
// import (the CLI), a LoRA fine-tuning run (the job's worker) and an evaluation (the studio hosting the job), then
// a dataset import and a fine-tuning run under a file-size limit. Every check of each trial must pass.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fullDiskTrials } from '../trials/full-disk.ts';
import { QUICK_SIZES, prepareFixture, sharedDataMissing, type Fixture } from '../trials/fixture.ts';
import { runTrial, trialSeed, type TrialKind } from '../trials/trials.ts';

const missing = sharedDataMissing();
if (missing) console.warn(`trials: skipped: ${missing}`);

let fx: Fixture | undefined;

beforeAll(async () => {
  if (!missing) fx = await prepareFixture(QUICK_SIZES);
}, 120_000);

afterAll(() => {
  if (fx) fs.rmSync(fx.work, { recursive: true, force: true });
});

describe.skipIf(missing !== null)('fault trials', () => {
  // trial n kills the target TARGETS[n % 3]: 0 the CLI, 1 the job's worker, 2 the studio
  it.each([['import', 0], ['finetune', 1], ['eval', 2]] as [TrialKind, number][])('a killed %s (trial %i) leaves an intact store and retries exactly', async (kind, trial) => {
    const result = await runTrial(fx!, kind, trial, trialSeed(7, kind, trial));
    expect(result.checks.filter((c) => !c.ok), `seed ${result.seed}, phase ${result.phase}`).toEqual([]);
  }, 120_000);

  it('a file-size limit fails an import and a fine-tuning run with a clear message and an intact store', async () => {
    const trials = await fullDiskTrials(fx!, { only: 'ulimit -f' });
    expect(trials.map((t) => t.what)).toEqual(['dataset import', 'LoRA fine-tuning']);
    for (const t of trials) expect(t.checks.filter((c) => !c.ok), t.message).toEqual([]);
  }, 120_000);
});
