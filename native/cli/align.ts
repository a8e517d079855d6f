// `lathe align dpo`: preference tuning (DPO, robust DPO, IPO; LoRA or full) in the foreground, through the same code
// the studio's 'dpo' job runs, with `lathe train`'s conventions: progress on stderr, Ctrl-C stops after the current
// step and checkpoints there, `--resume RUN` continues a DPO run exactly, `--json` prints the outcome as JSON.
import { DpoStartInput } from '../api/align.ts';
import { DPO_LOSSES } from '../api/labels.ts';
import { figure, formatValue, plural } from '../api/format.ts';
import { LoraInput } from '../api/train.ts';
import type { DpoOutcome } from '../train/dpo.ts';
import type { CliCommand } from './command.ts';
import { RUN_PROJECT_HELP, runProject } from './project-ref.ts';
import { refuseStartFlagsOnResume, THREADS_HELP, requireStartFlags, startOrResume, writtenModelLines } from './foreground.ts';
import { choiceFields, LORA_FIELD_OF_FLAG, LORA_OPTIONS, loraFlags, numberFields, parseFlagInput, schemaDefault, SKIP_INVALID_ADVICE, stringOptions } from './options.ts';

const USAGE =
  'lathe align dpo --model M --dataset D [--beta 0.1] [--loss sigmoid|ipo|robust] [--label-smoothing E] [--method lora|full] ' +
  '[--rank R --alpha A --dropout P --targets q_proj,v_proj] [--lr X] [--epochs E] [--max-steps N] [--batch-size B] [--grad-accum G] ' +
  '[--seq-len L] [--max-prompt-len L] [--warmup-steps N] [--weight-decay X] [--eval-every K] [--eval-batches N] [--save-every K] [--seed S] [--skip-invalid] ' +
  '[--no-merge] [--output-name N] [--name N] [--project P] [--threads T] [--json]\n' +
  '       lathe align dpo --resume RUN [--threads T] [--json]';

const NUMBERS: Record<string, string> = {
  beta: 'beta', 'label-smoothing': 'labelSmoothing', lr: 'lr', epochs: 'epochs', 'max-steps': 'maxSteps', 'batch-size': 'batchSize',
  'grad-accum': 'gradAccum', 'seq-len': 'seqLen', 'max-prompt-len': 'maxPromptLen', 'eval-every': 'evalEvery', 'eval-batches': 'evalBatches',
  'save-every': 'saveEvery', seed: 'seed', threads: 'threads', 'warmup-steps': 'warmupSteps', 'weight-decay': 'weightDecay',
};

const CHOICES: Record<string, string> = { method: 'method', loss: 'loss' };

/** The field of DpoStartInput each flag fills, for errors that name the flag. */
const FIELD_OF_FLAG: Record<string, string> = {
  ...NUMBERS, ...CHOICES, ...LORA_FIELD_OF_FLAG, model: 'model', dataset: 'dataset', 'output-name': 'outputName', name: 'name', project: 'projectId',
};

const field = DpoStartInput.shape;
const lora = LoraInput.shape;
const HELP: Record<string, string> = {
  model: 'model id or name: the policy starts from it and it is the frozen reference (required)',
  dataset: 'dataset id or name, mapped to chosen and rejected, and prompt unless its rows are whole HH-RLHF transcripts (required)',
  resume: 'continue this DPO run from its last checkpoint, exactly, with its own settings (no other flags but --threads and --json)',
  beta: `β: how far the policy may move from the reference; higher keeps it closer (default ${schemaDefault(field.beta)})`,
  loss: `${DPO_LOSSES.join(', ')}: DPO, robust DPO (needs --label-smoothing), IPO (default ${schemaDefault(field.loss)})`,
  'label-smoothing': `ε, the assumed chance that a preference is flipped: conservative DPO with sigmoid (default ${schemaDefault(field.labelSmoothing)})`,
  method: `lora (small adapters on a frozen model) or full (every weight) (default ${schemaDefault(field.method)})`,
  rank: `LoRA rank r (default ${schemaDefault(lora.r)})`,
  alpha: `LoRA alpha; updates are scaled by alpha/r (default ${schemaDefault(lora.alpha)})`,
  dropout: `LoRA dropout on the adapters' input (default ${schemaDefault(lora.dropout)})`,
  targets: "comma-separated modules to adapt, e.g. q_proj,v_proj (default: PEFT's for the model family)",
  lr: 'peak learning rate (default: sized to the model and method)',
  epochs: `passes over the training pairs (default ${schemaDefault(field.epochs)})`,
  'max-steps': 'stop after this many optimiser steps (default: --epochs decides)',
  'batch-size': `pairs per micro-batch (each pair is two sequences) (default ${schemaDefault(field.batchSize)})`,
  'grad-accum': `micro-batches per optimiser step (default ${schemaDefault(field.gradAccum)})`,
  'seq-len': 'longest sequence (prompt + completion) in tokens (default: 256, or 512 for larger models)',
  'max-prompt-len': 'longest prompt in tokens, its BOS included; longer ones keep their end and BOS (default: half the sequence length)',
  'eval-every': `validate every K steps; 0 never (default ${schemaDefault(field.evalEvery)})`,
  'eval-batches': `validation batches per evaluation; 0 the whole split (default ${schemaDefault(field.evalBatches)})`,
  'save-every': `checkpoint every K steps (default ${schemaDefault(field.saveEvery)})`,
  seed: `seed of the shuffle, the initialisation and dropout (default ${schemaDefault(field.seed)})`,
  threads: THREADS_HELP,
  'warmup-steps': 'steps of linear learning-rate warm-up (default: 10% of the run)',
  'weight-decay': `AdamW weight decay (default ${schemaDefault(field.weightDecay)})`,
  'skip-invalid': 'leave out (and list) rows that make no pair, e.g. an empty completion, instead of refusing the dataset',
  'no-merge': 'LoRA: keep only the adapter, do not also write the merged model',
  'output-name': 'name of the aligned model (default: the base name and dpo, -merged for a LoRA run, then -2, -3 … when taken)',
  name: 'name for the run',
  project: RUN_PROJECT_HELP,
};

/**
 * A DPO run's outcome in words; counts grouped and in the singular where one ('after 1 step'), measured values as
 * the progress line words them (figure: 'loss 0.6931', 'rewards/accuracies 0.75').
 */
export function describeDpo(o: DpoOutcome): string {
  const m = o.trainMetrics;
  const v = o.validationMetrics;
  return [
    `run ${o.runId}: ${o.status} after ${plural(o.steps, 'step')}; last loss ${o.lastLoss === null ? '—' : figure(o.lastLoss)}`,
    // no pairs: cancelled while tokenizing, before any pair was counted (a run has at least one training pair)
    o.trainPairs === 0 ? '' : `${formatValue(o.trainPairs)} training and ${plural(o.validationPairs, 'validation pair')}${o.truncatedPairs ? `, ${formatValue(o.truncatedPairs)} cut to --seq-len (the response's end lost)` : ''}${o.truncatedPrompts ? `, ${formatValue(o.truncatedPrompts)} with the prompt cut to --max-prompt-len (its end kept)` : ''}${o.skippedRows.length ? `, ${plural(o.skippedRows.length, 'row')} left out` : ''}`,
    m ? `training pairs: rewards/accuracies ${figure(m['rewards/accuracies'])}, rewards/margins ${figure(m['rewards/margins'])}` : '',
    v ? `validation pairs: rewards/accuracies ${figure(v['rewards/accuracies'])}, rewards/margins ${figure(v['rewards/margins'])}` : '',
    ...writtenModelLines(o),
  ].filter(Boolean).join('\n');
}

/** The flags as a DpoStartInput, checked; errors name the flag. */
function inputOf(values: Record<string, unknown>, projectId?: string): DpoStartInput {
  requireStartFlags(values, ['model', 'dataset'], USAGE);
  const input = {
    model: values.model, dataset: values.dataset, name: values.name, outputName: values['output-name'], projectId,
    merge: !values['no-merge'], skipInvalid: Boolean(values['skip-invalid']),
    ...choiceFields(values, CHOICES), ...numberFields(values, NUMBERS, USAGE, DpoStartInput.shape), lora: loraFlags(values, USAGE),
  };
  return parseFlagInput(DpoStartInput, input, FIELD_OF_FLAG, USAGE);
}

const DPO_OPTIONS: NonNullable<CliCommand['options']> = {
  model: { type: 'string' }, dataset: { type: 'string' }, resume: { type: 'string' }, method: { type: 'string' }, loss: { type: 'string' },
  ...LORA_OPTIONS,
  'skip-invalid': { type: 'boolean' }, 'no-merge': { type: 'boolean' }, 'output-name': { type: 'string' }, name: { type: 'string' }, project: { type: 'string' },
  ...stringOptions(NUMBERS),
};

export const commands: CliCommand[] = [
  {
    path: ['align', 'dpo'],
    modelFlags: ['model'],
    summary: 'Align a model to preference pairs with DPO (or robust DPO, IPO), LoRA or full, or resume a DPO run',
    usage: USAGE,
    help: HELP,
    options: DPO_OPTIONS,
    async run({ values }, ctx) {
      const runtime = refuseStartFlagsOnResume(values, DPO_OPTIONS, USAGE);
      if (!values.resume) inputOf(values); // the flags checked first: a refused command starts no run, so it says nothing of a run's project
      const project = values.resume ? undefined : await runProject(ctx, values.project, { datasets: [values.dataset] });
      return startOrResume(ctx, values, 'aligning', { inputOf: (v) => inputOf(v, project?.id), start: async (input, env) => (await import('../train/dpo.ts')).startDpo(input, env), resume: async (id, env) => (await import('../train/dpo.ts')).resumeDpo(id, env), describe: describeDpo, skipAdvice: SKIP_INVALID_ADVICE, flags: { fieldOfFlag: FIELD_OF_FLAG, usage: USAGE } }, runtime, project?.announce);
    },
  },
];
