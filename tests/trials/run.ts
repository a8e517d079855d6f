// `npm run trials`: SIGKILL dataset import, LoRA fine-tuning and evaluation at seeded random moments (the CLI in
// the foreground, a job's worker, or the studio hosting the job), then check the store and the files and that a
// retry or resume is exact; and fill a small disk during an import and a fine-tuning run. Prints a results table
// and a summary line; exits 1 when any check failed.
//   node --import tsx tests/trials/run.ts [--trials N] [--seed S] [--kinds import,finetune,eval] [--no-full-disk] [--keep]
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { fullDiskTrials } from './full-disk.ts';
import { prepareFixture, sharedDataMissing } from './fixture.ts';
import { KINDS, resultsTable, runTrial, trialSeed, type TrialKind } from './trials.ts';
import type { TrialResult } from './common.ts';

const { values } = parseArgs({
  options: { trials: { type: 'string', default: '10' }, seed: { type: 'string' }, kinds: { type: 'string', default: KINDS.join(',') }, 'no-full-disk': { type: 'boolean' }, keep: { type: 'boolean' } },
});
const missing = sharedDataMissing();
if (missing) {
  console.error(`trials: ${missing}`);
  process.exit(2);
}
const count = Number(values.trials);
const master = values.seed !== undefined ? Number(values.seed) : Date.now() % 1_000_000;
const kinds = values.kinds.split(',').map((k) => k.trim()) as TrialKind[];
const unknown = kinds.filter((k) => !KINDS.includes(k));
if (unknown.length || !Number.isInteger(count) || count < 0 || !Number.isInteger(master)) {
  console.error(`usage: tests/trials/run.ts [--trials N] [--seed S] [--kinds ${KINDS.join(',')}] [--no-full-disk] [--keep]`);
  process.exit(2);
}

const t0 = Date.now();
console.log(`fault trials: seed ${master} (replay with --seed ${master}), ${count} trials each of ${kinds.join(', ')}; ${os.cpus().length} cores, node ${process.version}`);
const fx = await prepareFixture();
console.log(`references: import ${fx.import.rowCount} rows in ${fx.import.ms} ms, fine-tuning ${fx.finetune.losses.size} steps in ${fx.finetune.ms} ms, evaluation in ${fx.eval.ms} ms (data: ${fx.work})`);
const results: (TrialResult & { notes: string[] })[] = [];
try {
  for (const kind of kinds) {
    for (let trial = 0; trial < count; trial++) {
      const r = await runTrial(fx, kind, trial, trialSeed(master, kind, trial));
      results.push(r);
      const failed = r.checks.filter((c) => !c.ok);
      console.log(`${kind} #${trial} seed ${r.seed}: killed ${r.target} ${r.killedAtMs === null ? 'after it ended' : `at ${r.killedAtMs} ms`} (${r.phase}) → ${failed.length ? failed.map((c) => `FAIL ${c.name}: ${c.detail}`).join('; ') : 'ok'}${r.notes.length ? ` [${r.notes.join(', ')}]` : ''} (${r.seconds.toFixed(1)} s)`);
    }
  }
  const disk = values['no-full-disk'] ? [] : await fullDiskTrials(fx);
  for (const d of disk) console.log(`full disk (${d.how}) during ${d.what}: exit ${d.exitCode}; ${d.checks.filter((c) => !c.ok).map((c) => `FAIL ${c.name}: ${c.detail}`).join('; ') || 'ok'}\n  message: ${d.message}`);

  console.log(`\n${resultsTable(results)}`);
  const summary = kinds.map((k) => {
    const mine = results.filter((r) => r.kind === k);
    return `${k} ${mine.filter((r) => r.checks.every((c) => c.ok)).length}/${mine.length}`;
  });
  if (disk.length) summary.push(`full disk ${disk.filter((d) => d.checks.every((c) => c.ok)).length}/${disk.length}`);
  const allOk = results.every((r) => r.checks.every((c) => c.ok)) && disk.every((d) => d.checks.every((c) => c.ok));
  console.log(`\ntrials ${allOk ? 'PASSED' : 'FAILED'}: ${summary.join(', ')} passed every check; seed ${master}; ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  process.exitCode = allOk ? 0 : 1;
} finally {
  if (!values.keep) fs.rmSync(fx.work, { recursive: true, force: true });
}
