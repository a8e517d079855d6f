// `lathe train`: supervised fine-tuning (LoRA or full) in the foreground, through the same code the studio's
// 'finetune' job runs. Progress on stderr; Ctrl-C stops after the current step and checkpoints there;
// `--resume RUN` continues a run (fine-tuning or pretraining) from its last checkpoint.
import { TrainStartInput } from '../api/train.ts';
import { openStore } from '../store/db.ts';
import { currentOwner } from '../store/process-owner.ts';
import { resumeFinetune, startFinetune, type FinetuneOutcome } from '../train/finetune.ts';
import { resumePretrain, type PretrainOutcome } from '../train/pretrain.ts';
import type { TrainEnv } from '../train/run-env.ts';
import { UserError, type CliCommand, type CliContext } from './command.ts';
import { numberFlag } from './options.ts';
import { isDiskFull } from '../disk-full.ts';

const USAGE =
  'lathe train --model N --dataset D [--method lora|full] [--rank R --alpha A --dropout P --targets q_proj,v_proj] [--lr X] [--epochs E] ' +
  '[--max-steps S] [--batch-size B] [--grad-accum G] [--seq-len L] [--eval-every K] [--save-every K] [--patience K] [--seed S] ' +
  '[--format auto|instruction|summary|qa|chat|text] [--no-merge] [--output-name N] [--threads T] [--json]\n       lathe train --resume RUN [--json]';

const NUMBERS: Record<string, string> = { lr: 'lr', epochs: 'epochs', 'max-steps': 'maxSteps', 'batch-size': 'batchSize', 'grad-accum': 'gradAccum', 'seq-len': 'seqLen', 'eval-every': 'evalEvery', 'eval-batches': 'evalBatches', 'save-every': 'saveEvery', patience: 'earlyStoppingPatience', seed: 'seed', threads: 'threads', 'warmup-steps': 'warmupSteps', 'weight-decay': 'weightDecay' };

/** A TrainEnv that writes metrics straight to the store and progress to stderr. */
export function foregroundEnv(ctx: CliContext, what: string): { env: TrainEnv; close(): void } {
  const store = openStore(ctx.dataDir);
  const controller = new AbortController();
  const onSigint = () => {
    ctx.info('stopping after this step (Ctrl-C again to kill)…');
    controller.abort();
    process.removeListener('SIGINT', onSigint);
  };
  process.on('SIGINT', onSigint);
  let last = 0;
  const env: TrainEnv = {
    store,
    dataDir: ctx.dataDir,
    signal: controller.signal,
    log: (level, line) => ctx.info(`${level === 'info' ? '' : `${level}: `}${line}`),
    progress: (fraction, message, eta) => {
      const now = Date.now();
      if (now - last < 1000 && fraction < 1) return;
      last = now;
      ctx.info(`${what}: ${message}${eta !== null ? `, about ${eta}s left` : ''}`);
    },
    onRun: (id) => ctx.info(`run ${id}`),
    metric: (runId, step, name, value) => void store.runs.addMetric({ runId, step, name, value }),
    owner: currentOwner(), // no job owns a foreground run: if this process dies, the next store open ends it
  };
  return { env, close: () => { process.removeListener('SIGINT', onSigint); store.close(); } };
}

export function describePretrain(o: PretrainOutcome): string {
  return [
    `run ${o.runId}: ${o.status} after ${o.steps} steps (${o.parameters.toLocaleString('en')} parameters)`,
    `validation loss ${o.valLoss.toFixed(4)} nats/token (${o.valLossPerChar.toFixed(4)} per character)`,
    `unigram baseline ${o.unigramLoss.toFixed(4)} nats/token (${o.unigramLossPerChar.toFixed(4)} per character)`,
    o.outputModel ? `model: ${o.outputModel}` : '',
    `sample:\n${o.sample}`,
  ].filter(Boolean).join('\n');
}

function describe(o: FinetuneOutcome): string {
  return [
    `run ${o.runId}: ${o.status} after ${o.steps} steps`,
    `loss ${o.lastLoss?.toFixed(4) ?? '—'}; validation loss ${o.firstValLoss?.toFixed(4) ?? '—'} → best ${o.bestValLoss?.toFixed(4) ?? '—'}`,
    `${o.trainExamples} training examples${o.truncatedExamples ? `, ${o.truncatedExamples} cut to the sequence length` : ''}`,
    o.adapterPath ? `adapter (PEFT): ${o.adapterPath}` : '',
    o.outputModel ? `model: ${o.outputModel} (lathe generate --model ${o.outputModel})` : '',
  ].filter(Boolean).join('\n');
}

export const commands: CliCommand[] = [
  {
    path: ['train'],
    summary: 'Fine-tune a model on a dataset (LoRA or full), or resume a fine-tuning or pretraining run',
    usage: USAGE,
    options: {
      model: { type: 'string' }, dataset: { type: 'string' }, method: { type: 'string' }, resume: { type: 'string' },
      rank: { type: 'string' }, alpha: { type: 'string' }, dropout: { type: 'string' }, targets: { type: 'string' },
      format: { type: 'string' }, 'no-merge': { type: 'boolean' }, 'output-name': { type: 'string' }, name: { type: 'string' },
      'train-on-prompt': { type: 'boolean' }, schedule: { type: 'string' },
      ...Object.fromEntries(Object.keys(NUMBERS).map((k) => [k, { type: 'string' as const }])),
    },
    async run({ values }, ctx) {
      const { env, close } = foregroundEnv(ctx, 'training');
      try {
        let outcome: FinetuneOutcome;
        if (values.resume && env.store.runs.get(String(values.resume))?.kind === 'pretrain') {
          const pretrained = await resumePretrain(String(values.resume), env);
          ctx.print(pretrained, () => describePretrain(pretrained));
          return pretrained.status === 'cancelled' ? 130 : 0;
        }
        if (values.resume) outcome = await resumeFinetune(String(values.resume), env);
        else {
          if (!values.model || !values.dataset) throw new UserError(`give --model and --dataset (or --resume RUN).\nUsage: ${USAGE}`);
          const input: Record<string, unknown> = { model: values.model, dataset: values.dataset, name: values.name, outputName: values['output-name'], merge: !values['no-merge'], trainOnPrompt: Boolean(values['train-on-prompt']) };
          if (values.method) input.method = values.method;
          if (values.format) input.format = values.format;
          if (values.schedule) input.schedule = values.schedule;
          for (const [flag, field] of Object.entries(NUMBERS)) {
            const n = numberFlag(values, flag, USAGE);
            if (n !== undefined) input[field] = n;
          }
          const lora: Record<string, unknown> = {};
          if (values.rank !== undefined) lora.r = numberFlag(values, 'rank', USAGE);
          if (values.alpha !== undefined) lora.alpha = numberFlag(values, 'alpha', USAGE);
          if (values.dropout !== undefined) lora.dropout = numberFlag(values, 'dropout', USAGE);
          if (values.targets) lora.targetModules = String(values.targets).split(',').map((s) => s.trim()).filter(Boolean);
          input.lora = lora;
          const parsed = TrainStartInput.safeParse(input);
          if (!parsed.success) throw new UserError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') + `\nUsage: ${USAGE}`);
          outcome = await startFinetune(parsed.data, env);
        }
        ctx.print(outcome, () => describe(outcome));
        return outcome.status === 'cancelled' ? 130 : 0;
      } catch (err) {
        if (err instanceof UserError || isDiskFull(err)) throw err;
        throw new UserError((err as Error).message, 1);
      } finally {
        close();
      }
    },
  },
];
