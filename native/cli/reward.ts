// `lathe align reward`: train a reward model (pairwise, from preference pairs) or a sequence classifier (text +
// label) in the foreground, as `lathe train` trains; `lathe reward score`: score texts with the model a reward run
// wrote, or measure its accuracy on a labelled dataset split against the majority class.
import path from 'node:path';
import { REWARD_OBJECTIVES, RewardStartInput } from '../api/align.ts';
import { figure, formatValue, plural, timeLeft, withArticle } from '../api/format.ts';
import { openStore } from '../store/db.ts';
import type { RewardOutcome } from '../train/reward.ts';
import type { ScoredTexts, ScoreProgress } from '../train/reward-score.ts';
import { UserError, type CliCommand, type CliContext } from './command.ts';
import { didYouMean } from './suggest.ts';
import { RUN_PROJECT_HELP, runProject } from './project-ref.ts';
import { refuseStartFlagsOnResume, THREADS_HELP, requireStartFlags, startOrResume } from './foreground.ts';
import { choiceFields, numberFields, numberFlag, parseFlagInput, schemaDefault, SKIP_INVALID_ADVICE, stringOptions, THREADS_RANGE } from './options.ts';
import { formatMetric } from './figures.ts';
import { formatTable } from './table.ts';

/**
 * `reward score --text` for people: a header names each column. A classifier's row is its predicted label with that
 * label's probability (softmax of the logits), then every label's logit; a pairwise reward model's row is its reward,
 * and, with --prompt, the prompt each text was scored after.
 */
export function scoredTextsTable(texts: readonly string[], { labels, scores }: ScoredTexts, prompts: readonly string[] | null = null): string {
  if (labels.length === 1 && prompts) return formatTable(['REWARD', 'PROMPT', 'TEXT'], texts.map((t, i) => [formatMetric(scores[i][0]), prompts[i], t]), 120);
  if (labels.length === 1) return formatTable(['REWARD', 'TEXT'], texts.map((t, i) => [formatMetric(scores[i][0]), t]), 120);
  const rows = texts.map((t, i) => {
    const top = Math.max(...scores[i]);
    const sum = scores[i].reduce((acc, s) => acc + Math.exp(s - top), 0);
    const best = scores[i].indexOf(top);
    return [labels[best], formatMetric(1 / sum), ...scores[i].map(formatMetric), t];
  });
  const table = formatTable(['PREDICTED', 'P', ...labels.map((l) => `LOGIT ${l}`), 'TEXT'], rows, 120);
  return `${table}\nP: the predicted label's probability (softmax of the logits); a higher logit means a likelier label.`;
}

/**
 * `reward score`'s progress on stderr (quiet under --json, as ctx.info is): '<what>: 120/872 examples, about 9 s left',
 * every 2 s and at the end, timed from the first batch (jobs/eta.ts), so a split of thousands does not pass in silence.
 */
export function scoringProgress(ctx: Pick<CliContext, 'info'>, what: string, unit: string, now: () => number = Date.now): ScoreProgress {
  let last = -Infinity;
  return (done, total, eta) => {
    const t = now();
    if (t - last < 2000 && done < total) return;
    last = t;
    const left = done < total ? timeLeft(eta) : null;
    ctx.info(`${what}: ${formatValue(done)}/${plural(total, unit)}${left ? `, ${left}` : ''}`);
  };
}

/** `reward score --dataset` of a classifier, for people: '3,031 validation examples: accuracy 0.9103; majority class …'. */
export function classifierAccuracyText(r: { examples: number; accuracy: number; majorityClass: string; majorityShare: number }, split: string): string {
  return `${plural(r.examples, `${split} example`)}: accuracy ${figure(r.accuracy)}; majority class '${r.majorityClass}' ${figure(r.majorityShare)}`;
}

/** `reward score --dataset` of a pairwise reward model, for people: '1,200 validation pairs: pairwise accuracy …'. */
export function pairwiseAccuracyText(r: { pairs: number; accuracy: number; meanMargin: number; skipped: number }, split: string): string {
  const skipped = r.skipped ? `; ${plural(r.skipped, 'row')} made no pair and ${r.skipped === 1 ? 'was' : 'were'} left out` : '';
  return `${plural(r.pairs, `${split} pair`)}: pairwise accuracy ${figure(r.accuracy)} (chance 0.5); mean margin ${figure(r.meanMargin)}${skipped}`;
}

const USAGE =
  'lathe align reward --model M --dataset D [--objective auto|pairwise|classify] [--margin X] [--lr X] [--epochs E] [--max-steps N] ' +
  '[--batch-size B] [--grad-accum G] [--seq-len L] [--max-prompt-len L] [--eval-every K] [--eval-batches N] [--save-every K] [--seed S] [--skip-invalid] [--name N] [--project P] [--threads T] [--json]\n' +
  '       lathe align reward --resume RUN [--threads T] [--json]';
const SCORE_USAGE = 'lathe reward score --run RUN (--text T [--text T]... [--prompt P]... | --dataset D [--split validation]) [--threads T] [--json]';

/**
 * The prompt of each --text (`lathe reward score` of a pairwise run): one --prompt is the prompt of every text, or
 * there is one --prompt per --text, paired in order; without --prompt, null (each text scored whole). Any other
 * count is refused, naming both flags and their counts.
 */
export function promptsOfTexts(prompts: readonly string[], texts: readonly string[]): string[] | null {
  if (prompts.length === 0) return null;
  if (prompts.length === 1) return texts.map(() => prompts[0]);
  if (prompts.length === texts.length) return [...prompts];
  throw new UserError(`got ${prompts.length} --prompt and ${texts.length} --text: give one --prompt for every --text, or one --prompt per --text (paired in order).\nUsage: ${SCORE_USAGE}`);
}

const NUMBERS: Record<string, string> = {
  margin: 'margin', lr: 'lr', epochs: 'epochs', 'max-steps': 'maxSteps', 'batch-size': 'batchSize', 'grad-accum': 'gradAccum', 'seq-len': 'seqLen',
  'max-prompt-len': 'maxPromptLen', 'eval-every': 'evalEvery', 'eval-batches': 'evalBatches', 'save-every': 'saveEvery', seed: 'seed', threads: 'threads',
};
const CHOICES: Record<string, string> = { objective: 'objective' };
const FIELD_OF_FLAG: Record<string, string> = { ...NUMBERS, ...CHOICES, model: 'model', dataset: 'dataset', name: 'name', project: 'projectId' };
const field = RewardStartInput.shape;

const HELP: Record<string, string> = {
  model: 'model id or name: the decoder the score head is put on (required)',
  dataset: 'dataset id or name: chosen/rejected pairs, or text and label columns (required)',
  resume: 'continue this reward run from its last checkpoint, exactly, with its own settings (no other flags but --threads and --json)',
  objective: `${REWARD_OBJECTIVES.join(', ')}: pairwise reward model or classifier; auto picks from the mapping (default ${schemaDefault(field.objective)})`,
  margin: `pairwise: the margin in −log σ(r_chosen − r_rejected − margin) (default ${schemaDefault(field.margin)})`,
  lr: 'peak learning rate (default: sized to the model)',
  epochs: `passes over the training split (default ${schemaDefault(field.epochs)})`,
  'max-steps': 'stop after this many optimiser steps (default: --epochs decides)',
  'batch-size': `examples (or pairs) per micro-batch (default ${schemaDefault(field.batchSize)})`,
  'grad-accum': `micro-batches per optimiser step (default ${schemaDefault(field.gradAccum)})`,
  'seq-len': 'longest sequence in tokens; a longer text (or pair side) keeps its end, where the score is read, and its BOS (default: 256, or 512 for larger models)',
  'max-prompt-len': 'pairwise: longest prompt in tokens, its BOS included; a longer one keeps its end (default: half the sequence length)',
  'eval-every': `validate every K steps; 0 never (default ${schemaDefault(field.evalEvery)})`,
  'eval-batches': `validation batches per evaluation; 0 the whole split (default ${schemaDefault(field.evalBatches)})`,
  'save-every': `checkpoint every K steps (default ${schemaDefault(field.saveEvery)})`,
  seed: `seed of the shuffle and the head's initialisation (default ${schemaDefault(field.seed)})`,
  threads: THREADS_HELP,
  'skip-invalid': 'pairwise: leave out (and list) rows that make no pair instead of refusing the dataset',
  name: 'name for the run',
  project: RUN_PROJECT_HELP,
};

/** The inputs a reward run cut, as describeDpo says them (training and validation together); outcomes from before the counts say none. */
function cutWords(o: RewardOutcome): string {
  const parts = [
    o.truncatedTexts ? `${plural(o.truncatedTexts, 'text')} cut to --seq-len (their ends kept)` : '',
    o.truncatedPairs ? `${plural(o.truncatedPairs, 'pair')} cut to --seq-len (their ends kept)` : '',
    o.truncatedPrompts ? `${plural(o.truncatedPrompts, 'pair')} with the prompt cut to --max-prompt-len (its end kept)` : '',
  ].filter(Boolean);
  return parts.map((p) => `; ${p}`).join('');
}

/**
 * A reward run's outcome in words. The final validation reads the whole split, unlike the sampled batches of the
 * 'validation: step N/M, loss …' lines above it, so it says so (the two losses differ).
 */
export function describeReward(o: RewardOutcome): string {
  return [
    `run ${o.runId}: ${o.status} after ${plural(o.steps, 'step')}; last loss ${o.lastLoss === null ? '—' : figure(o.lastLoss)}`,
    // no labels: cancelled while tokenizing, before any example was counted
    o.labels.length === 0 ? '' : `${o.objective}: ${plural(o.trainExamples, 'training example')}${o.objective === 'classify' ? `, labels ${o.labels.join(', ')}` : ''}${cutWords(o)}`,
    o.validation ? `the whole validation split: accuracy ${figure(o.validation.accuracy)}, loss ${figure(o.validation.loss)}` : '',
    o.modelDir ? `model (sequence classification): ${o.modelDir}` : '',
  ].filter(Boolean).join('\n');
}

/** The flags as a RewardStartInput, checked; errors name the flag. */
function inputOf(values: Record<string, unknown>, projectId?: string): RewardStartInput {
  requireStartFlags(values, ['model', 'dataset'], USAGE);
  const input = {
    model: values.model, dataset: values.dataset, name: values.name, projectId, skipInvalid: Boolean(values['skip-invalid']),
    ...choiceFields(values, CHOICES), ...numberFields(values, NUMBERS, USAGE, RewardStartInput.shape),
  };
  return parseFlagInput(RewardStartInput, input, FIELD_OF_FLAG, USAGE);
}

const REWARD_OPTIONS: NonNullable<CliCommand['options']> = {
  model: { type: 'string' }, dataset: { type: 'string' }, resume: { type: 'string' }, objective: { type: 'string' }, name: { type: 'string' }, project: { type: 'string' },
  'skip-invalid': { type: 'boolean' }, ...stringOptions(NUMBERS),
};

export const commands: CliCommand[] = [
  {
    path: ['align', 'reward'],
    modelFlags: ['model'],
    summary: 'Train a reward model on preference pairs, or a sequence classifier on labelled text, or resume one',
    usage: USAGE,
    help: HELP,
    options: REWARD_OPTIONS,
    async run({ values }, ctx) {
      const runtime = refuseStartFlagsOnResume(values, REWARD_OPTIONS, USAGE);
      if (!values.resume) inputOf(values); // the flags checked first: a refused command starts no run, so it says nothing of a run's project
      const project = values.resume ? undefined : await runProject(ctx, values.project, { datasets: [values.dataset] });
      return startOrResume(ctx, values, 'training the reward model', { inputOf: (v) => inputOf(v, project?.id), start: async (input, env) => (await import('../train/reward.ts')).startReward(input, env), resume: async (id, env) => (await import('../train/reward.ts')).resumeReward(id, env), describe: describeReward, skipAdvice: SKIP_INVALID_ADVICE, flags: { fieldOfFlag: FIELD_OF_FLAG, usage: USAGE } }, runtime, project?.announce);
    },
  },
  {
    path: ['reward', 'score'],
    summary: "Score texts with a reward run's model, or measure its accuracy on a labelled dataset split",
    usage: SCORE_USAGE,
    help: {
      run: 'the reward run whose model scores (required)',
      text: 'a text to score; repeat for several. With --prompt, the completion as it follows the prompt (a transcript\'s answer after "Assistant:" begins with its space)',
      prompt: "a pairwise reward model: the prompt a --text answers; the two are tokenized apart and joined, the prompt cut to the run's --max-prompt-len and the whole to its --seq-len, as its training pairs were built (without it, a text is scored whole). One --prompt for every --text, or one per --text, paired in order. A classifier scores whole texts: put the prompt in the --text",
      dataset: 'a classifier: a dataset with text and label mapped, to report accuracy and the majority-class share; a pairwise reward model: preference pairs, to report pairwise accuracy and mean margin',
      split: 'the dataset split to measure: train, validation or test (default validation)',
      threads: 'CPU threads (default: all cores)',
    },
    options: { run: { type: 'string' }, text: { type: 'string', multiple: true }, prompt: { type: 'string', multiple: true }, dataset: { type: 'string' }, split: { type: 'string' }, threads: { type: 'string' } },
    async run({ values }, ctx) {
      if (!values.run) throw new UserError(`give --run RUN.\nUsage: ${SCORE_USAGE}`);
      const texts = (values.text as string[] | undefined) ?? [];
      if (texts.length === 0 && !values.dataset) throw new UserError(`give --text or --dataset.\nUsage: ${SCORE_USAGE}`);
      const givenPrompts = (values.prompt as string[] | undefined) ?? [];
      if (givenPrompts.length && values.dataset) throw new UserError(`--prompt goes with --text: a dataset's pairs carry their own prompts; drop --prompt, or score --text instead of --dataset.\nUsage: ${SCORE_USAGE}`);
      const prompts = promptsOfTexts(givenPrompts, texts);
      const split = String(values.split ?? 'validation');
      if (!['train', 'validation', 'test'].includes(split)) throw new UserError(`--split must be train, validation or test; got '${split}'.${didYouMean(split, ['train', 'validation', 'test'])}\nUsage: ${SCORE_USAGE}`);
      const threads = numberFlag(values, 'threads', SCORE_USAGE, THREADS_RANGE);
      const [{ runDir }, { REWARD_MODEL_DIR }, { checkScoringDataset, classifierAccuracy, pairwiseAccuracy, scoreCompletions, scoreTexts }, { bosFollowsTokenizer }] = await Promise.all([
        import('../train/run-env.ts'), import('../train/reward.ts'), import('../train/reward-score.ts'), import('../train/sft-examples.ts')]);
      const store = openStore(ctx.dataDir);
      try {
        const run = store.runs.find(String(values.run));
        if (run.kind !== 'reward') {
          // which runs would do, as align ppo's --reward-run says
          const { rewardRunsWords } = await import('../train/ppo-plan.ts');
          throw new UserError(`--run: run ${run.id} is ${withArticle(run.kind)} run, not a reward run; ${rewardRunsWords(store)}\nUsage: ${SCORE_USAGE}`);
        }
        const modelDir = path.join(runDir(ctx.dataDir, run.id), REWARD_MODEL_DIR);
        const config = run.config as { objective?: string; seqLen?: number; maxPromptLen?: number; promptLenCountsBos?: boolean; bosFollowsTokenizer?: boolean };
        // the run's own window: scored as it trained and validated, a split's accuracy here is the run's own
        const seqLen = config.seqLen ?? 256;
        // a pairwise run's pairs as it built them: its maxPromptLen, whether that counted the BOS, whether a BOS the
        // tokenizer does not add began them (its config says: runs from before either was recorded keep their rule)
        const pairwise = { seqLen, maxPromptLen: config.maxPromptLen, promptLenCountsBos: config.promptLenCountsBos, bosFollowsTokenizer: config.bosFollowsTokenizer };
        const followsTokenizer = bosFollowsTokenizer(config); // a classifier's texts, likewise
        if (prompts && config.objective !== 'pairwise') throw new UserError(`run ${run.id} trained a classifier (objective ${config.objective ?? 'classify'}), and a classifier scores whole texts, so --prompt does not apply: drop --prompt and put the prompt in the --text itself`);
        const dataset = values.dataset ? store.datasets.find(String(values.dataset), 'dataset') : null;
        // everything the measurement needs is checked before a word of progress is said
        if (dataset) checkScoringDataset(dataset, split as 'validation', config.objective === 'pairwise' ? 'pairwise' : 'classify');
        if (dataset) ctx.info(`scoring the ${split} split of ${dataset.name} with run ${run.id}'s ${config.objective === 'pairwise' ? 'reward model' : 'classifier'} (at most ${seqLen} tokens a text, as it trained)`);
        if (dataset && config.objective === 'pairwise') {
          const r = await pairwiseAccuracy(modelDir, ctx.dataDir, dataset, split as 'validation', pairwise, { threads, onProgress: scoringProgress(ctx, 'scoring', 'pair side') });
          ctx.print(r, () => pairwiseAccuracyText(r, split));
        } else if (dataset) {
          const r = await classifierAccuracy(modelDir, ctx.dataDir, dataset, split as 'validation', { seqLen, followsTokenizer, threads, onProgress: scoringProgress(ctx, 'scoring', 'example') });
          ctx.print(r, () => classifierAccuracyText(r, split));
        } else if (prompts) {
          // each text read after its prompt as the run's training pairs were: the prompt cut to the run's own maxPromptLen
          const r = await scoreCompletions(modelDir, prompts, texts, pairwise, { threads });
          ctx.print({ ...r, prompts }, () => scoredTextsTable(texts, r, prompts));
        } else {
          const r = await scoreTexts(modelDir, texts, { threads, maxLen: seqLen, followsTokenizer });
          ctx.print(r, () => scoredTextsTable(texts, r));
        }
      } finally {
        store.close();
      }
    },
  },
];
