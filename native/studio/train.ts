// Studio API handlers for training (schemas in native/api/train.ts): jobs for fine-tuning and pretraining,
// resume and cancel by run (DPO runs too, native/api/align.ts), defaults sized to the model, checkpoints and before/after samples.
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../api/errors.ts';
import { withArticle } from '../api/format.ts';
import { isTrainingKind } from '../api/run-kinds.ts';
import type { Run } from '../api/schemas.ts';
import type { trainMethods } from '../api/train.ts';
import { readHfFolder } from '../models/checkpoint.ts';
import { listCheckpoints } from '../train/checkpoints.ts';
import { trainingDefaults } from '../train/defaults.ts';
import { SAMPLES_FILE, missingRunInput, runDir, type Sample } from '../train/run-env.ts';
import { checkPretrain, planFinetune } from '../train/validate.ts';
import type { HandlerContext, HandlersFor } from './context.ts';

type TrainHandlers = HandlersFor<typeof trainMethods>;

function trainingRun(ctx: HandlerContext, runId: string) {
  const run = ctx.store.runs.find(runId);
  if (!isTrainingKind(run.kind)) {
    throw new StudioError('invalid_params', `run ${runId} is ${withArticle(run.kind)} run, not a training run`, { field: 'runId' });
  }
  return run;
}

function activeJob(ctx: HandlerContext, runId: string) {
  return ctx.store.jobs.list(500).find((j) => j.runId === runId && (j.state === 'running' || j.state === 'queued'));
}

/**
 * Why train.resume refuses training run `run` now, said of the run ('already finished'), else null: the one check
 * behind both the call (whose error is 'run <id> ' and this) and train.resumable, so the two cannot drift.
 */
function resumeRefusal(ctx: HandlerContext, run: Run): string | null {
  // a run left 'running' by a crashed or killed job can resume; one with a live job cannot
  if (activeJob(ctx, run.id)) return 'is running; cancel it first or wait';
  if (ctx.store.runs.hasLiveOwner(run.id)) return "is being trained by 'lathe' in a terminal; stop it there first or wait";
  if (run.status === 'succeeded') return 'already finished';
  const missing = missingRunInput(ctx.store, run);
  return missing && `cannot resume: ${missing}`;
}

export const trainHandlers: TrainHandlers = {
  'train.start': (input, _raw, ctx) => {
    planFinetune(input, ctx.store, ctx.dataDir); // model, dataset, mapping and hyperparameters, before a job or run exists
    return ctx.queue.enqueue('finetune', input);
  },
  'train.resume': ({ runId }, _raw, ctx) => {
    const run = trainingRun(ctx, runId);
    const refusal = resumeRefusal(ctx, run);
    if (refusal) throw new StudioError('conflict', `run ${runId} ${refusal}`, { field: 'runId' });
    return ctx.queue.enqueue(run.kind, { resumeRunId: runId });
  },
  'train.resumable': ({ runId }, _raw, ctx) => {
    const run = ctx.store.runs.find(runId);
    if (!isTrainingKind(run.kind)) return { resumable: false, reason: `is ${withArticle(run.kind)} run, not a training run; only training runs resume` };
    const reason = resumeRefusal(ctx, run);
    return { resumable: reason === null, reason };
  },
  'train.cancel': ({ runId }, _raw, ctx) => {
    trainingRun(ctx, runId);
    const job = activeJob(ctx, runId);
    if (!job) throw new StudioError('conflict', `run ${runId} has no running job`, { field: 'runId' });
    return ctx.queue.cancel(job.id);
  },
  'train.defaults': ({ model, method }, _raw, ctx) => {
    const m = ctx.store.models.findDecoder(model, 'be trained or fine-tuned as a text-generation model');
    return trainingDefaults(readHfFolder(m.path).spec, m.name, method);
  },
  'train.checkpoints': ({ runId }, _raw, ctx) => {
    trainingRun(ctx, runId);
    return listCheckpoints(runDir(ctx.dataDir, runId));
  },
  'train.samples': ({ runId }, _raw, ctx) => {
    trainingRun(ctx, runId);
    const file = path.join(runDir(ctx.dataDir, runId), SAMPLES_FILE);
    return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Sample[]) : [];
  },
  'train.pretrain': (input, _raw, ctx) => {
    const { config } = checkPretrain(input); // shape and corpus file, before a job or run exists (the job checks the text's length)
    if (config.outputName) ctx.store.models.requireFreeName(config.outputName, 'outputName');
    return ctx.queue.enqueue('pretrain', input);
  },
};
