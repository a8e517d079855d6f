// `lathe train`: supervised fine-tuning (LoRA or full) in the foreground, through the same code the studio's
// 'finetune' job runs. Progress on stderr; Ctrl-C stops after the current step and checkpoints there;
// `--resume RUN` continues a run (fine-tuning or pretraining) from its last checkpoint.
import { LoraInput, SCHEDULES, SFT_FORMATS, TrainStartInput } from '../api/train.ts';
import type { FinetuneOutcome } from '../train/finetune.ts';
import type { PretrainOutcome } from '../train/pretrain.ts';
import type { CliCommand } from './command.ts';
import { printOutcome, refuseStartFlagsOnResume, THREADS_HELP, requireStartFlags, runInForeground, writtenModelLines } from './foreground.ts';
import { asFlagError, choiceFields, LORA_FIELD_OF_FLAG, LORA_OPTIONS, loraFlags, numberFields, parseFlagInput, schemaDefault, stringOptions } from './options.ts';
import { figure, formatValue, plural } from '../api/format.ts';
import { RUN_PROJECT_HELP, runProject } from './project-ref.ts';

const USAGE =
  'lathe train --model N --dataset D [--method lora|full] [--rank R --alpha A --dropout P --targets q_proj,v_proj] [--lr X] [--epochs E] ' +
  `[--max-steps S] [--batch-size B] [--grad-accum G] [--seq-len L] [--schedule ${SCHEDULES.join('|')}] [--warmup-steps N] [--weight-decay X] ` +
  '[--eval-every K] [--eval-batches N] [--save-every K] [--patience K] [--seed S] ' +
  `[--format ${SFT_FORMATS.join('|')}] [--train-on-prompt] [--no-merge] [--output-name N] [--name N] [--project P] [--threads T] [--json]\n       lathe train --resume RUN [--threads T] [--json]`;

const NUMBERS: Record<string, string> = {
  lr: 'lr', epochs: 'epochs', 'max-steps': 'maxSteps', 'batch-size': 'batchSize', 'grad-accum': 'gradAccum', 'seq-len': 'seqLen',
  'eval-every': 'evalEvery', 'eval-batches': 'evalBatches', 'save-every': 'saveEvery', patience: 'earlyStoppingPatience', seed: 'seed',
  threads: 'threads', 'warmup-steps': 'warmupSteps', 'weight-decay': 'weightDecay',
};

const CHOICES: Record<string, string> = { method: 'method', format: 'format', schedule: 'schedule' };

/** The field of TrainStartInput each flag fills, for errors that name the flag. */
const FIELD_OF_FLAG: Record<string, string> = {
  ...NUMBERS, ...CHOICES, ...LORA_FIELD_OF_FLAG, model: 'model', dataset: 'dataset', 'output-name': 'outputName', name: 'name', project: 'projectId',
};

const field = TrainStartInput.shape;
const lora = LoraInput.shape;
const TRAIN_HELP: Record<string, string> = {
  model: 'model id or name to start from (required)',
  dataset: 'dataset id or name; its column mapping picks the format (required)',
  method: `lora (small adapters on a frozen model) or full (every weight) (default ${schemaDefault(field.method)})`,
  resume: 'continue this run (id or name) from its last checkpoint, exactly, with its own settings (no other flags but --threads and --json)',
  rank: `LoRA rank r: the adapters' inner size (default ${schemaDefault(lora.r)})`,
  alpha: `LoRA alpha; updates are scaled by alpha/r (default ${schemaDefault(lora.alpha)})`,
  dropout: `LoRA dropout on the adapters' input (default ${schemaDefault(lora.dropout)})`,
  targets: "comma-separated modules to adapt, e.g. q_proj,v_proj (default: PEFT's for the model family)",
  format: `${SFT_FORMATS.join(', ')} (default ${schemaDefault(field.format)}: from the column mapping; classification (text + label) and tagging (tokens + tags) train on the evaluation's zero-shot prompt)`,
  'no-merge': 'LoRA: keep only the adapter, do not also write the merged model',
  'output-name': 'name of the trained model (default: the base name and the method, s260k-lora-merged or s260k-full, then -2, -3 … when taken)',
  name: 'name for the run',
  project: RUN_PROJECT_HELP,
  'train-on-prompt': 'score the prompt tokens too (default: the completion only)',
  schedule: `learning-rate schedule: ${SCHEDULES.join(', ')} (default ${schemaDefault(field.schedule)})`,
  lr: 'peak learning rate (default: sized to the model and method, e.g. 2e-3 for LoRA on a small model)',
  epochs: `passes over the training split (default ${schemaDefault(field.epochs)})`,
  'max-steps': 'stop after this many optimiser steps (default: --epochs decides)',
  'batch-size': `examples per micro-batch (default ${schemaDefault(field.batchSize)})`,
  'grad-accum': `micro-batches per optimiser step (default ${schemaDefault(field.gradAccum)})`,
  'seq-len': 'longest example in tokens; longer ones lose the middle of their prompt (default: 256, or 512 for larger models)',
  'eval-every': `validate every K steps; 0 never (default ${schemaDefault(field.evalEvery)})`,
  'eval-batches': `validation batches per evaluation; 0 the whole split (default ${schemaDefault(field.evalBatches)})`,
  'save-every': `checkpoint every K steps (default ${schemaDefault(field.saveEvery)})`,
  patience: `stop after K evaluations without a better validation loss; 0 never (default ${schemaDefault(field.earlyStoppingPatience)})`,
  seed: `seed of the shuffle, the initialisation and dropout (default ${schemaDefault(field.seed)})`,
  threads: THREADS_HELP,
  'warmup-steps': 'steps of linear learning-rate warm-up (default: 3% of the run)',
  'weight-decay': `AdamW weight decay (default ${schemaDefault(field.weightDecay)})`,
};

export function describePretrain(o: PretrainOutcome): string {
  return [
    `run ${o.runId}: ${o.status} after ${plural(o.steps, 'step')} (${plural(o.parameters, 'parameter')})`,
    // the whole validation text, unlike the sampled batches of the 'validation: step N/M, loss …' lines (the two differ)
    `validation loss on the whole validation text ${figure(o.valLoss)} nats/token (${figure(o.valLossPerChar)} per character)`,
    `unigram baseline ${figure(o.unigramLoss)} nats/token (${figure(o.unigramLossPerChar)} per character)`,
    // the line, and the command that tries the model, that fine-tuning and alignment end with (writtenModelLines)
    ...writtenModelLines({ adapterPath: null, outputModel: o.outputModel }),
    `sample:\n${o.sample}`,
  ].filter(Boolean).join('\n');
}

/**
 * Validation loss from the start to the last validation. The model written holds the last step's weights, so a
 * better loss earlier in the run is named as such, not as the result.
 */
function validationLine({ firstValLoss: first, lastValLoss: last, bestValLoss: best, lastValStep, steps }: FinetuneOutcome): string {
  const f = (v: number | null) => (v === null ? '—' : figure(v));
  if (last === null) return `validation loss ${f(first)}`;
  // a run stopped before its next validation: the start's loss is not a result of the steps taken
  if (lastValStep === 0) return `validation loss ${f(first)} at the start; not measured again before the run stopped at step ${steps}`;
  const earlier = best !== null && best < last ? `; best ${f(best)} earlier in the run, not kept (the model holds the last step's weights)` : '';
  const at = lastValStep !== null && lastValStep !== steps ? ` (step ${lastValStep})` : '';
  return `validation loss ${f(first)} at the start → ${f(last)} at the last validation${at}${earlier}`;
}

/** A fine-tune's outcome in words; counts grouped as the run's log groups them (57,583, not 57583). */
export function describeFinetune(o: FinetuneOutcome): string {
  return [
    `run ${o.runId}: ${o.status} after ${plural(o.steps, 'step')}`,
    `loss ${o.lastLoss === null ? '—' : figure(o.lastLoss)}; ${validationLine(o)}`,
    `${plural(o.trainExamples, 'training example')}${o.truncatedExamples ? `, ${formatValue(o.truncatedExamples)} cut to --seq-len (a long prompt's middle or a long completion's end lost)` : ''}`,
    ...writtenModelLines(o),
  ].filter(Boolean).join('\n');
}

/** The flags as a TrainStartInput, checked; errors name the flag. `projectId` is --project looked up by name. */
function inputOf(values: Record<string, unknown>, projectId?: string): TrainStartInput {
  requireStartFlags(values, ['model', 'dataset'], USAGE);
  const input = {
    model: values.model, dataset: values.dataset, name: values.name, outputName: values['output-name'], projectId,
    merge: !values['no-merge'], trainOnPrompt: Boolean(values['train-on-prompt']),
    ...choiceFields(values, CHOICES), ...numberFields(values, NUMBERS, USAGE, TrainStartInput.shape), lora: loraFlags(values, USAGE),
  };
  return parseFlagInput(TrainStartInput, input, FIELD_OF_FLAG, USAGE);
}

const TRAIN_OPTIONS: NonNullable<CliCommand['options']> = {
  model: { type: 'string' }, dataset: { type: 'string' }, method: { type: 'string' }, resume: { type: 'string' },
  ...LORA_OPTIONS,
  format: { type: 'string' }, 'no-merge': { type: 'boolean' }, 'output-name': { type: 'string' }, name: { type: 'string' }, project: { type: 'string' },
  'train-on-prompt': { type: 'boolean' }, schedule: { type: 'string' },
  ...stringOptions(NUMBERS),
};

export const commands: CliCommand[] = [
  {
    path: ['train'],
    modelFlags: ['model'],
    summary: 'Fine-tune a model on a dataset (LoRA or full), or resume a fine-tuning or pretraining run',
    usage: USAGE,
    help: TRAIN_HELP,
    options: TRAIN_OPTIONS,
    async run({ values }, ctx) {
      const runtime = refuseStartFlagsOnResume(values, TRAIN_OPTIONS, USAGE);
      if (!values.resume) inputOf(values); // the flags checked first: a refused command starts no run, so it says nothing of a run's project
      const project = values.resume ? undefined : await runProject(ctx, values.project, { datasets: [values.dataset] });
      return runInForeground(ctx, 'training', async (env) => {
        const [{ resumePretrain }, { resumeFinetune, startFinetune }] = await Promise.all([import('../train/pretrain.ts'), import('../train/finetune.ts')]);
        if (values.resume && env.store.runs.get(String(values.resume))?.kind === 'pretrain') {
          return printOutcome(ctx, await resumePretrain(String(values.resume), env), describePretrain);
        }
        const start = () => startFinetune(inputOf(values, project?.id), env).catch((err: unknown) => {
          throw asFlagError(err, FIELD_OF_FLAG, USAGE); // '--seq-len: …', not the API's seqLen
        });
        return printOutcome(ctx, values.resume ? await resumeFinetune(String(values.resume), env) : await start(), describeFinetune);
      }, runtime, project?.announce);
    },
  },
];
