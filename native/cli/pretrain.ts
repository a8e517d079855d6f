// `lathe pretrain`: train a small model from scratch on a text file in the foreground — tokenizer, config
// (parameter count and memory reported first), initialisation, training — and register the result as a model;
// `--resume RUN` continues a run from its last checkpoint.
import { PretrainInput } from '../api/train.ts';
import { UserError, type CliCommand } from './command.ts';
import { asFlagError, numberFields, parseFlagInput, schemaDefault, stringOptions } from './options.ts';
import { refuseStartFlagsOnResume, THREADS_HELP, startOrResume } from './foreground.ts';
import { optionalProjectId } from './project-ref.ts';
import { describePretrain } from './train.ts';

const USAGE =
  'lathe pretrain --corpus FILE [--family gpt2|llama] [--layers N] [--heads N] [--d-model N] [--context N] [--vocab N] ' +
  '[--steps N] [--lr X] [--batch-size B] [--grad-accum G] [--warmup-steps N] [--eval-every K] [--eval-batches N] [--save-every K] [--seed S] [--threads T] ' +
  '[--output-name N] [--name N] [--project P] [--json]\n       lathe pretrain --resume RUN [--threads T] [--json]';
const field = PretrainInput.shape;
const PRETRAIN_HELP: Record<string, string> = {
  corpus: 'a plain-text file to learn from; its end is held out for validation (required)',
  resume: 'continue this run (id or name) from its last checkpoint, exactly, with its own settings (no other flags but --threads and --json)',
  family: `architecture: gpt2 or llama (default ${schemaDefault(field.family)})`,
  'output-name': 'name of the trained model (default: <family>-pretrained, then -2, -3 … when taken)',
  name: 'name for the run',
  project: 'project id or name the run belongs to, so its pages show it (default: none)',
  layers: `transformer blocks (default ${schemaDefault(field.layers)})`,
  heads: `attention heads per block (default ${schemaDefault(field.heads)})`,
  'd-model': `width of the residual stream (default ${schemaDefault(field.dModel)})`,
  context: `context length in tokens (default ${schemaDefault(field.context)})`,
  vocab: `vocabulary size of the byte-level BPE learned from the corpus (default ${schemaDefault(field.vocab)})`,
  steps: `optimiser steps (default ${schemaDefault(field.steps)})`,
  lr: 'peak learning rate (default 1e-3)',
  'batch-size': `sequences per micro-batch (default ${schemaDefault(field.batchSize)})`,
  'grad-accum': `micro-batches per optimiser step (default ${schemaDefault(field.gradAccum)})`,
  'eval-every': `validate every K steps; 0 never (default ${schemaDefault(field.evalEvery)})`,
  'eval-batches': `validation batches per evaluation; 0 the whole split (default ${schemaDefault(field.evalBatches)})`,
  'save-every': `checkpoint every K steps (default ${schemaDefault(field.saveEvery)})`,
  seed: `seed of the initialisation and the batches (default ${schemaDefault(field.seed)})`,
  threads: THREADS_HELP,
  'warmup-steps': 'steps of linear learning-rate warm-up (default: 5% of the run)',
};

const NUMBERS: Record<string, string> = {
  layers: 'layers', heads: 'heads', 'd-model': 'dModel', context: 'context', vocab: 'vocab', steps: 'steps', lr: 'lr',
  'batch-size': 'batchSize', 'grad-accum': 'gradAccum', 'eval-every': 'evalEvery', 'eval-batches': 'evalBatches',
  'save-every': 'saveEvery', seed: 'seed', threads: 'threads', 'warmup-steps': 'warmupSteps',
};

const FIELD_OF_FLAG: Record<string, string> = { ...NUMBERS, corpus: 'corpus', family: 'family', 'output-name': 'outputName', name: 'name', project: 'projectId' };

const PRETRAIN_OPTIONS: NonNullable<CliCommand['options']> = {
  corpus: { type: 'string' }, resume: { type: 'string' }, family: { type: 'string' }, 'output-name': { type: 'string' }, name: { type: 'string' }, project: { type: 'string' },
  ...stringOptions(NUMBERS),
};

/** The flags as a PretrainInput, checked; errors name the flag. `projectId` is --project looked up by name. */
function inputOf(values: Record<string, unknown>, projectId?: string) {
  if (!values.corpus) throw new UserError(`give --corpus FILE (or --resume RUN).\nUsage: ${USAGE}`);
  const input = { corpus: values.corpus, family: values.family, outputName: values['output-name'], name: values.name, projectId, ...numberFields(values, NUMBERS, USAGE, PretrainInput.shape) };
  return parseFlagInput(PretrainInput, input, FIELD_OF_FLAG, USAGE);
}

/**
 * The request checked as the engine checks it (its shape, the corpus a non-empty file) before the data directory is
 * opened: `--corpus` naming no file is refused with nothing written, no data directory made, no run created.
 */
async function checkBeforeOpening(input: unknown): Promise<void> {
  const { checkPretrain } = await import('../train/validate.ts');
  try {
    checkPretrain(input);
  } catch (err) {
    throw asFlagError(err, FIELD_OF_FLAG, USAGE); // '--corpus: corpus file nope.txt: no such file; check the path'
  }
}

export const commands: CliCommand[] = [
  {
    path: ['pretrain'],
    summary: 'Pretrain a small model from scratch on a text corpus',
    usage: USAGE,
    help: PRETRAIN_HELP,
    options: PRETRAIN_OPTIONS,
    async run({ values }, ctx) {
      const runtime = refuseStartFlagsOnResume(values, PRETRAIN_OPTIONS, USAGE);
      if (!values.resume) await checkBeforeOpening(inputOf(values));
      const projectId = values.resume ? undefined : await optionalProjectId(ctx, values.project);
      return startOrResume(ctx, values, 'pretraining', {
        inputOf: (v) => inputOf(v, projectId),
        // the engine's refusal of a field under its flag: '--d-model: the hidden size 64 must be divisible by the 3 heads'
        flags: { fieldOfFlag: FIELD_OF_FLAG, usage: USAGE },
        start: async (input, env) => (await import('../train/pretrain.ts')).runPretrain(input, env),
        resume: async (id, env) => (await import('../train/pretrain.ts')).resumePretrain(id, env),
        describe: describePretrain,
      }, runtime);
    },
  },
];
