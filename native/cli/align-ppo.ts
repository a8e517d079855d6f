// `lathe align ppo`: PPO-RLHF (a policy, a value head, the frozen reference and a reward run's model; LoRA or full) in
// the foreground, through the same code the studio's 'ppo' job runs, with `lathe train`'s conventions: progress on
// stderr, Ctrl-C stops between iterations and checkpoints there, `--resume RUN` continues a PPO run exactly, `--json`
// prints the outcome as JSON.
import { PpoStartInput, RolloutGeneration } from '../api/align.ts';
import { plural } from '../api/format.ts';
import { LoraInput } from '../api/train.ts';
import type { PpoOutcome } from '../train/ppo.ts';
import { StudioError } from '../api/errors.ts';
import { UserError, type CliCommand } from './command.ts';
import { figure } from './figures.ts';
import { RUN_PROJECT_HELP, runProject } from './project-ref.ts';
import { refuseStartFlagsOnResume, THREADS_HELP, requireStartFlags, startOrResume, writtenModelLines } from './foreground.ts';
import { choiceFields, LORA_FIELD_OF_FLAG, LORA_OPTIONS, loraFlags, numberFields, parseFlagInput, schemaDefault, stringOptions } from './options.ts';

const USAGE =
  'lathe align ppo --model M --reward-run RUN --dataset D [--reward-label L] [--method lora|full] [--rank R --alpha A --dropout P --targets q_proj,v_proj] ' +
  '[--steps N] [--batch-size B] [--mini-batch-size M] [--ppo-epochs E] [--lr X] [--kl-coef 0.2] [--fixed-kl] [--kl-target 6] [--kl-horizon 10000] ' +
  '[--score-scaling scale|norm|none] [--score-clip C] ' +
  '[--gamma 1] [--lam 0.95] [--clip-range 0.2] [--clip-range-value 0.2] [--vf-coef 0.1] [--max-prompt-len L] [--max-new-tokens N] [--min-new-tokens N] ' +
  '[--temperature T] [--top-k K] [--top-p P] [--weight-decay X] [--clip-norm C] [--eval-every K] [--eval-prompts N] [--save-every K] [--keep-checkpoints N] [--seed S] ' +
  '[--no-merge] [--output-name N] [--name N] [--project P] [--threads T] [--json]\n' +
  '       lathe align ppo --resume RUN [--threads T] [--json]';

const NUMBERS: Record<string, string> = {
  steps: 'steps', 'batch-size': 'batchSize', 'mini-batch-size': 'miniBatchSize', 'ppo-epochs': 'ppoEpochs', lr: 'lr', 'kl-coef': 'klCoef',
  'kl-target': 'klTarget', 'kl-horizon': 'klHorizon', gamma: 'gamma', lam: 'lam', 'clip-range': 'clipRange', 'clip-range-value': 'clipRangeValue',
  'vf-coef': 'vfCoef', 'score-clip': 'scoreClip', 'max-prompt-len': 'maxPromptLen', 'eval-every': 'evalEvery', 'eval-prompts': 'evalPrompts', 'save-every': 'saveEvery',
  'keep-checkpoints': 'keepCheckpoints', 'weight-decay': 'weightDecay', 'clip-norm': 'clipNorm', seed: 'seed', threads: 'threads',
};
const GENERATION: Record<string, string> = { 'max-new-tokens': 'maxNewTokens', 'min-new-tokens': 'minNewTokens', temperature: 'temperature', 'top-k': 'topK', 'top-p': 'topP' };

const CHOICES: Record<string, string> = { method: 'method', 'score-scaling': 'scoreScaling' };

/** The field of PpoStartInput each flag fills, for errors that name the flag. */
const FIELD_OF_FLAG: Record<string, string> = {
  ...NUMBERS, ...Object.fromEntries(Object.entries(GENERATION).map(([flag, f]) => [flag, `generation.${f}`])), ...CHOICES,
  model: 'model', 'reward-run': 'rewardRun', 'reward-label': 'rewardLabel', dataset: 'dataset', 'output-name': 'outputName', name: 'name', project: 'projectId',
  ...LORA_FIELD_OF_FLAG, 'fixed-kl': 'adaptiveKl',
};

const field = PpoStartInput.shape;
const gen = RolloutGeneration.shape;
const lora = LoraInput.shape;
const HELP: Record<string, string> = {
  model: 'model id or name: the policy starts from it and it is the frozen reference (required)',
  'reward-run': "the reward run ('lathe align reward') whose model scores prompt + completion, each cut to its last --seq-len tokens of that run, as it trained (required)",
  'reward-label': "a classifier's label whose logit is the reward (default: its last label, e.g. SST-2's 1, positive)",
  dataset: 'dataset id or name of prompts (a prompt or text column), with a validation split for the held-out rollouts (required)',
  resume: 'continue this PPO run from its last checkpoint, exactly, with its own settings (no other flags but --threads and --json)',
  method: `lora (small adapters on a frozen model) or full (every weight) (default ${schemaDefault(field.method)})`,
  rank: `LoRA rank r (default ${schemaDefault(lora.r)})`,
  alpha: `LoRA alpha; updates are scaled by alpha/r (default ${schemaDefault(lora.alpha)})`,
  dropout: 'LoRA dropout: PPO needs 0, the default',
  targets: "comma-separated modules to adapt, e.g. q_proj,v_proj (default: PEFT's for the model family)",
  steps: `PPO iterations: rollouts, scoring and an update each (default ${schemaDefault(field.steps)})`,
  'batch-size': `rollouts per iteration (default ${schemaDefault(field.batchSize)})`,
  'mini-batch-size': `rollouts per optimiser step (default ${schemaDefault(field.miniBatchSize)})`,
  'ppo-epochs': `passes over each iteration's rollouts (default ${schemaDefault(field.ppoEpochs)})`,
  lr: 'learning rate (default: a fifth of the fine-tuning one sized to the model and method, e.g. 1e-4 for a small model in full)',
  'kl-coef': `β_KL, the weight of the KL penalty at the start (default ${schemaDefault(field.klCoef)}); 0 with --fixed-kl: no penalty`,
  'fixed-kl': 'keep β_KL at --kl-coef instead of adapting it toward --kl-target',
  'kl-target': `the KL the adaptive controller steers toward (default ${schemaDefault(field.klTarget)})`,
  'kl-horizon': `the adaptive controller's horizon in rollouts (default ${schemaDefault(field.klHorizon)})`,
  'score-scaling': `how the score enters the reward: scale (divided by the running std of the scores, so β_KL means the same whatever the reward model's scale), norm (also minus the running mean) or none (default ${schemaDefault(field.scoreScaling)})`,
  'score-clip': 'clip the (scaled) score to ±C (default: no clipping)',
  gamma: `GAE discount γ (default ${schemaDefault(field.gamma)})`,
  lam: `GAE λ (default ${schemaDefault(field.lam)})`,
  'clip-range': `ε of the clipped policy ratio (default ${schemaDefault(field.clipRange)})`,
  'clip-range-value': `ε of the clipped value (default ${schemaDefault(field.clipRangeValue)})`,
  'vf-coef': `weight of the value loss (default ${schemaDefault(field.vfCoef)})`,
  'max-prompt-len': `longest prompt in tokens, its BOS included; a longer one keeps its end (the cue to answer) and its BOS (default ${schemaDefault(field.maxPromptLen)})`,
  'max-new-tokens': `response tokens at most (default ${schemaDefault(gen.maxNewTokens)})`,
  'min-new-tokens': `response tokens at least (default ${schemaDefault(gen.minNewTokens)})`,
  temperature: `sampling temperature (default ${schemaDefault(gen.temperature)})`,
  'top-k': `sample among the K likeliest tokens; 0 is off (default ${schemaDefault(gen.topK)})`,
  'top-p': `nucleus sampling; 1 is off (default ${schemaDefault(gen.topP)})`,
  'eval-every': `score held-out rollouts every K iterations (and at the start and end); 0 start and end only (default ${schemaDefault(field.evalEvery)})`,
  'eval-prompts': `held-out prompts per evaluation (default ${schemaDefault(field.evalPrompts)})`,
  'save-every': `checkpoint every K iterations (and at the end) (default ${schemaDefault(field.saveEvery)})`,
  'keep-checkpoints': `checkpoints kept on disk (default ${schemaDefault(field.keepCheckpoints)})`,
  'weight-decay': `AdamW weight decay (default ${schemaDefault(field.weightDecay)})`,
  'clip-norm': `gradient clipping norm (default ${schemaDefault(field.clipNorm)})`,
  seed: `seed of the prompt order, sampling, minibatches and LoRA initialisation (default ${schemaDefault(field.seed)})`,
  threads: THREADS_HELP,
  'no-merge': 'LoRA: keep only the adapter, do not also write the merged model',
  'output-name': 'name of the aligned model (default: the base name and ppo, -merged for a LoRA run, then -2, -3 … when taken)',
  name: 'name for the run',
  project: RUN_PROJECT_HELP,
};

/**
 * A PPO run's outcome in words; counts in the singular where one ('after 1 iteration'). Score, KL and loss are
 * worded as the progress line words them (figures.ts): the KL at the start reads 'KL 0' in both, not 'KL 0.000' here.
 */
export function describePpo(o: PpoOutcome): string {
  const h = (x: PpoOutcome['heldoutBefore']) => (x ? `score ${figure(x.scoreMean)}, KL ${figure(x.kl)} (iteration ${x.step})` : '—');
  return [
    `run ${o.runId}: ${o.status} after ${plural(o.steps, 'iteration')} (${plural(o.optimizerSteps, 'optimiser step')}); last loss ${o.lastLoss === null ? '—' : figure(o.lastLoss)}`,
    `held-out rollouts before: ${h(o.heldoutBefore)}; after: ${h(o.heldoutAfter)}`,
    o.truncatedPrompts ? `${plural(o.truncatedPrompts, 'prompt')} cut to --max-prompt-len (their ends kept)` : '',
    o.timing ? `per iteration: rollouts ${o.timing.rolloutS.toFixed(2)} s, scoring ${o.timing.scoreS.toFixed(2)} s, update ${o.timing.updateS.toFixed(2)} s` : '',
    ...writtenModelLines(o),
  ].filter(Boolean).join('\n');
}

/** The flags as a PpoStartInput, checked; errors name the flag. */
function inputOf(values: Record<string, unknown>, projectId?: string): PpoStartInput {
  requireStartFlags(values, ['model', 'reward-run', 'dataset'], USAGE);
  const input = {
    model: values.model, rewardRun: values['reward-run'], rewardLabel: values['reward-label'], dataset: values.dataset, name: values.name, projectId,
    outputName: values['output-name'], merge: !values['no-merge'], adaptiveKl: !values['fixed-kl'],
    ...choiceFields(values, CHOICES), ...numberFields(values, NUMBERS, USAGE, PpoStartInput.shape), generation: numberFields(values, GENERATION, USAGE, RolloutGeneration.shape),
    lora: { dropout: 0, ...loraFlags(values, USAGE) }, // no dropout unless asked: the update's log-probs must match the rollouts'
  };
  return parseFlagInput(PpoStartInput, input, FIELD_OF_FLAG, USAGE);
}

const PPO_OPTIONS: NonNullable<CliCommand['options']> = {
  model: { type: 'string' }, 'reward-run': { type: 'string' }, 'reward-label': { type: 'string' }, dataset: { type: 'string' }, resume: { type: 'string' },
  method: { type: 'string' }, 'score-scaling': { type: 'string' }, ...LORA_OPTIONS,
  'fixed-kl': { type: 'boolean' }, 'no-merge': { type: 'boolean' }, 'output-name': { type: 'string' }, name: { type: 'string' }, project: { type: 'string' },
  ...stringOptions(NUMBERS), ...stringOptions(GENERATION),
};

export const commands: CliCommand[] = [
  {
    path: ['align', 'ppo'],
    modelFlags: ['model'],
    summary: 'Align a model to a reward model with PPO and a KL penalty (RLHF), LoRA or full, or resume a PPO run',
    usage: USAGE,
    help: HELP,
    options: PPO_OPTIONS,
    async run({ values }, ctx) {
      const runtime = refuseStartFlagsOnResume(values, PPO_OPTIONS, USAGE);
      if (!values.resume) inputOf(values); // the flags checked first: a refused command starts no run, so it says nothing of a run's project
      const project = values.resume ? undefined : await runProject(ctx, values.project, { datasets: [values.dataset] });
      try {
        return await startOrResume(ctx, values, 'aligning', { inputOf: (v) => inputOf(v, project?.id), start: async (input, env) => (await import('../train/ppo.ts')).startPpo(input, env), resume: async (id, env) => (await import('../train/ppo.ts')).resumePpo(id, env), describe: describePpo, flags: { fieldOfFlag: FIELD_OF_FLAG, usage: USAGE } }, runtime, project?.announce);
      } catch (err) {
        // a reward run not found names its flag, as a reward run of the wrong kind does (asFlagError maps invalid_params only)
        if (err instanceof StudioError && err.code === 'not_found' && (err.details as { field?: unknown } | undefined)?.field === 'rewardRun') throw new UserError(`--reward-run: ${err.message}\nUsage: ${USAGE}`);
        throw err;
      }
    },
  },
];
