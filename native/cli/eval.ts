// `lathe eval`: evaluate a model on a dataset split in the foreground, through the same runEvaluation the
// studio's 'evaluation' job runs in a child process. Progress goes to stderr; Ctrl-C stops after the current
// example and keeps the partial results (the run ends 'cancelled').
import path from 'node:path';
import { EvalMetricInput, EvalStartInput, JUDGE_RUBRICS, PromptTemplateInput, type MetricValue } from '../api/eval.ts';
import { CheckpointError, StudioError } from '../api/errors.ts';
import { parseJsonText } from '../api/json-text.ts';
import type { EvalOutcome } from '../eval/runner.ts';
import { currentOwner } from '../store/process-owner.ts';
import { UserError, type CliCommand, type CliContext } from './command.ts';
import { closestChoice, didYouMean } from './suggest.ts';
import { EVAL_GENERATION_HELP, GENERATION_OPTIONS, GENERATION_USAGE, integerFlagValue, numberFieldRule, parseFlagInput, parseGenerationFlags, schemaNumberFlag, type IntegerRange } from './options.ts';
import { asUserError, openCliStudio } from './studio-call.ts';
import { RUN_PROJECT_HELP, runProject } from './project-ref.ts';
import { figure, formatValue, plural, timeLeft } from '../api/format.ts';
import { cancelOnSignals } from './cancel.ts';
import { formatMetric } from './figures.ts';
import { formatTable } from './table.ts';
import { readFlagFile, requireAdapterFolder } from './file-errors.ts';
import { templateNameOf } from '../api/default-prompt.ts';

const USAGE =
  'lathe eval --model N [--adapter PATH] --dataset D [--split test|validation|train|all] [--limit K] --metrics rouge,bleu,chrf,em_f1,accuracy,entity_f1,perplexity,… ' +
  `[--template zero-shot|one-shot|few-shot:K [--shots-from DATASET]] [--prompt FILE.json] [--shot-seed S] ${GENERATION_USAGE} ` +
  '[--input-column C] [--ref-columns C1,C2] [--batch-size B] [--threads T] ' +
  '[--judge MODEL [--judge-mode pointwise|pairwise] [--rubric helpfulness|faithfulness|summary | --rubric-file FILE] [--judge-responses COLUMN] [--judge-labels COLUMN] [--judge-against RUN]] ' +
  '[--project ID] [--name N] [--json]';

/** --flag's number, whole where the EvalStartInput field it fills (FIELD_OF_FLAG) is; the schema checks its bounds. */
const num = (values: Record<string, unknown>, flag: string) => schemaNumberFlag(values, flag, USAGE, EvalStartInput.shape[FIELD_OF_FLAG[flag] as keyof typeof EvalStartInput.shape]);

/** The field of EvalStartInput each flag fills, so that a refusal names the flag (--limit, not 'evaluation: limit'). */
const FIELD_OF_FLAG: Record<string, string> = {
  model: 'model', adapter: 'adapterPath', dataset: 'dataset', split: 'split', limit: 'limit', metrics: 'metrics', template: 'shots',
  'shots-from': 'shotsFrom', prompt: 'template', 'shot-seed': 'shotSeed', 'input-column': 'inputColumn', 'ref-columns': 'referenceColumns', 'batch-size': 'batchSize',
  threads: 'threads', project: 'projectId', name: 'name', judge: 'judge.model', 'judge-mode': 'judge.mode', rubric: 'judge.rubric',
  'rubric-file': 'judge.rubricText', 'judge-responses': 'judge.responseColumn', 'judge-labels': 'judge.labelColumn', 'judge-against': 'judge.againstRun',
};

/**
 * K of few-shot:K: from 1 (few-shot:0 would quietly run zero-shot; whoever typed it most likely meant some examples)
 * to the most EvalStartInput's shots takes.
 */
const SHOTS_RANGE: IntegerRange = { min: 1, max: numberFieldRule(EvalStartInput.shape.shots)?.range.max, note: 'for no examples, write --template zero-shot' };

/**
 * 'zero-shot' → 0, 'one-shot' → 1, 'few-shot:K' → K, read as every whole-number flag is (integerFlagValue): a hand-made
 * pattern here refused few-shot:2x, few-shot:-1 and few-shot: with another error than --limit's.
 */
export function parseTemplate(raw: string | undefined): number {
  if (raw === undefined || raw === 'zero-shot') return 0;
  if (raw === 'one-shot') return 1;
  const fewShot = 'few-shot:';
  if (raw.startsWith(fewShot)) return integerFlagValue('template few-shot:K', raw.slice(fewShot.length), SHOTS_RANGE, USAGE);
  throw new UserError(`--template must be zero-shot, one-shot or few-shot:K (K examples, e.g. few-shot:2); got '${raw}'.\nUsage: ${USAGE}`);
}

/** The keys a --prompt file may have, as the evaluation's template schema names them. */
const PROMPT_KEYS = Object.keys(PromptTemplateInput.shape);
/** What a --prompt file holds, for its --help and its refusals (docs/evaluation.md says the same). */
export const PROMPT_FILE_FORMAT = '{ "instruction"?: "…", "input": "Dialogue:\\n{{dialogue}}", "output": "Summary: {{summary1}}", "answerPrefix": "Summary:", "separator"?: "\\n\\n" }';

/**
 * A prompt layout from a JSON file: { instruction?, input, output, answerPrefix, separator? } with {{column}}
 * placeholders. A syntax error is placed by line and column; a key the template has not (a typo: 'outptu') is named
 * with the keys it has, where it once was dropped unread; an input with no placeholder is refused by the schema.
 */
function readPromptFile(file: string | undefined): EvalStartInput['template'] {
  if (file === undefined) return undefined;
  const text = readFlagFile('prompt', file).toString('utf8');
  let parsed: unknown;
  try {
    parsed = parseJsonText(text, `--prompt ${file}`);
  } catch (err) {
    if (err instanceof CheckpointError) throw new UserError(err.message);
    throw err;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UserError(`--prompt ${file}: expected a JSON object ${PROMPT_FILE_FORMAT}, got ${Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : `a ${typeof parsed}`}`);
  }
  const unknown = Object.keys(parsed).filter((key) => !PROMPT_KEYS.includes(key));
  if (unknown.length > 0) {
    const keys = unknown.map((k) => `'${k}'`).join(', ');
    throw new UserError(`--prompt ${file}: unknown key${unknown.length > 1 ? 's' : ''} ${keys}; a prompt template has ${PROMPT_KEYS.join(', ')}.${didYouMean(unknown[0], PROMPT_KEYS)}`);
  }
  const checked = PromptTemplateInput.safeParse(parsed);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new UserError(`--prompt ${file}: field '${issue.path.join('.')}': ${issue.message} (expected ${PROMPT_FILE_FORMAT})`);
  }
  return checked.data;
}

/** --metrics: a comma-separated list, each one checked here so a typo names the valid choices. */
function parseMetrics(raw: unknown): EvalStartInput['metrics'] {
  const names = list(raw) ?? [];
  const valid = EvalMetricInput.options as readonly string[];
  const unknown = names.filter((n) => !valid.includes(n));
  if (unknown.length > 0) {
    // one guess as for any flag; several each named with the metric it is for
    const guesses = unknown.length === 1 ? didYouMean(unknown[0], valid) : meantMetrics(unknown, valid);
    throw new UserError(`--metrics: unknown metric${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n}'`).join(', ')}; choose from ${valid.join(', ')}.${guesses}\nUsage: ${USAGE}`);
  }
  return names as EvalStartInput['metrics'];
}

/** " Did you mean 'rougeL' for 'rouge-l', 'bleu' for 'bleau'?" for the unknown metrics clearly meant as a known one. */
function meantMetrics(unknown: readonly string[], valid: readonly string[]): string {
  const meant = unknown.flatMap((n) => {
    const guess = closestChoice(n, valid);
    return guess === undefined ? [] : [`'${guess}' for '${n}'`];
  });
  return meant.length ? ` Did you mean ${meant.join(', ')}?` : '';
}

/** --judge and its companions, checked here so each error names its flag. */
export function parseJudgeFlags(values: Record<string, unknown>, metrics: readonly string[]): EvalStartInput['judge'] {
  const companions = ['judge-mode', 'rubric', 'rubric-file', 'judge-responses', 'judge-labels', 'judge-against'].filter((f) => values[f] !== undefined);
  const wanted = metrics.includes('judge');
  if (!wanted) {
    const given = values.judge !== undefined ? ['judge', ...companions] : companions;
    if (given.length > 0) throw new UserError(`--${given[0]} needs the judge metric: add it with --metrics …,judge.\nUsage: ${USAGE}`);
    return undefined;
  }
  if (!values.judge) throw new UserError(`--metrics judge needs a judge model: --judge MODEL (any model in the store, by name or id).\nUsage: ${USAGE}`);
  const mode = (values['judge-mode'] as string | undefined) ?? 'pointwise';
  if (mode !== 'pointwise' && mode !== 'pairwise') throw new UserError(`--judge-mode must be pointwise or pairwise; got '${mode}'.${didYouMean(mode, ['pointwise', 'pairwise'])}\nUsage: ${USAGE}`);
  const rubric = values.rubric as string | undefined;
  if (rubric !== undefined && !(JUDGE_RUBRICS as readonly string[]).includes(rubric)) {
    throw new UserError(`--rubric must be one of ${JUDGE_RUBRICS.join(', ')}; got '${rubric}' (for your own rubric text use --rubric-file FILE).${didYouMean(rubric, JUDGE_RUBRICS)}\nUsage: ${USAGE}`);
  }
  if (rubric !== undefined && values['rubric-file'] !== undefined) throw new UserError(`--rubric and --rubric-file both name the rubric: give one.\nUsage: ${USAGE}`);
  let rubricText: string | undefined;
  const file = values['rubric-file'] as string | undefined;
  if (file !== undefined) {
    rubricText = readFlagFile('rubric-file', file).toString('utf8').trim();
    if (!rubricText) throw new UserError(`--rubric-file ${file}: the file is empty; write the rubric the judge should apply`);
    if (rubricText.length > 4000) throw new UserError(`--rubric-file ${file}: ${rubricText.length} characters; a rubric may have at most 4000`);
  }
  if (values['judge-against'] !== undefined && mode !== 'pairwise') throw new UserError(`--judge-against compares each answer with that run's: add --judge-mode pairwise.\nUsage: ${USAGE}`);
  if (values['judge-labels'] !== undefined && mode === 'pairwise') throw new UserError(`--judge-labels holds 1–5 scores for pointwise judging; drop it or use --judge-mode pointwise.\nUsage: ${USAGE}`);
  return {
    model: values.judge as string,
    mode,
    rubric: rubric as (typeof JUDGE_RUBRICS)[number] | undefined,
    rubricText,
    responseColumn: values['judge-responses'] as string | undefined,
    labelColumn: values['judge-labels'] as string | undefined,
    againstRun: values['judge-against'] as string | undefined,
  };
}

const list = (raw: unknown) => (raw === undefined ? undefined : String(raw).split(',').map((s) => s.trim()).filter(Boolean));

export function metricsTable(metrics: readonly MetricValue[]): string {
  const interval = (m: MetricValue) => (m.ci95 ? `${formatMetric(m.ci95.low)}–${formatMetric(m.ci95.high)}` : '');
  return formatTable(['METRIC', 'VALUE', '95% CI'], metrics.map((m) => [m.name, formatMetric(m.value), interval(m)]), 60);
}

/** "12 of 20 examples (limit …); 1.50 few-shot examples per prompt on average", for `eval` and `runs show`. */
export function exampleCounts(c: { examples: number; plannedExamples: number | null; requestedExamples?: number | null; shotsUsedMean: number | null }): string {
  const planned = c.plannedExamples !== null && c.plannedExamples !== c.examples ? ` of ${formatValue(c.plannedExamples)}` : '';
  const limit = c.requestedExamples ? ` (limit ${formatValue(c.requestedExamples)} asked for more rows than the split had)` : '';
  const shots = c.shotsUsedMean !== null ? `; ${plural(Number(c.shotsUsedMean.toFixed(2)), 'few-shot example')} per prompt fit the context on average` : '';
  return `${formatValue(c.examples)}${planned} ${(c.plannedExamples ?? c.examples) === 1 ? 'example' : 'examples'}${limit}${shots}`;
}

/** The line under an evaluation's table: how to read its scores, naming perplexity and bits per byte only when measured. */
export function scoreNote(metrics: readonly string[]): string {
  const lowerBetter = metrics.some((m) => m === 'perplexity' || m === 'bits_per_byte');
  const fractions = !lowerBetter || metrics.some((m) => m !== 'perplexity' && m !== 'bits_per_byte');
  return [fractions ? 'Scores are fractions in [0, 1]' : null, lowerBetter ? 'perplexity and bits per byte: lower is better' : null].filter(Boolean).join('; ') + '.';
}

function describeOutcome(o: EvalOutcome): string {
  const t = o.timing;
  const timing = [
    t.latencyMsMean !== null
      ? `latency mean ${t.latencyMsMean.toFixed(0)} ms, p50 ${t.latencyMsP50!.toFixed(0)} ms, p95 ${t.latencyMsP95!.toFixed(0)} ms`
      : null,
    t.tokensPerSecond !== null ? `${figure(t.tokensPerSecond)} generated tokens/s` : null,
    `${t.totalSeconds.toFixed(1)} s in all`,
  ].filter(Boolean).join('; ');
  return [
    `run ${o.runId}: ${o.status}, ${exampleCounts(o)}`,
    metricsTable(o.metrics),
    scoreNote(o.metrics.map((m) => m.name)),
    ...(o.metrics.some((m) => m.name === 'judge')
      ? ['judge: pointwise (expected 1–5 score − 1) / 4, pairwise the probability of beating the reference; each judge prompt and its answer probabilities are in the predictions.']
      : []),
    timing,
    `predictions: ${o.predictionsPath}`,
  ].join('\n');
}

/** The evaluation's progress on stderr: rewritten in place on a terminal, every 2 s otherwise; time left until the end. */
export function progressLine(ctx: CliContext): { update(done: number, total: number, eta: number | null): void; done(): void } {
  const tty = process.stderr.isTTY;
  let last = 0;
  let shown = false;
  return {
    update(done, total, eta) {
      if (ctx.json) return;
      const now = Date.now();
      if (!tty && now - last < 2000 && done < total) return;
      last = now;
      const left = done < total ? timeLeft(eta) : null;
      const line = `evaluating: ${formatValue(done)}/${plural(total, 'example')}${left ? `, ${left}` : ''}`;
      process.stderr.write(tty ? `\r${line.padEnd(60)}` : `${line}\n`);
      shown = true;
    },
    done() {
      if (tty && shown) process.stderr.write('\n');
    },
  };
}

export const commands: CliCommand[] = [
  {
    path: ['eval'],
    modelFlags: ['model', 'judge'],
    summary: 'Evaluate a model on a dataset split (zero/one/few-shot), storing a run with per-example predictions',
    usage: USAGE,
    help: {
      model: 'model id or name (required, except with --judge-responses and --judge: the judge is then the model)',
      adapter: 'a PEFT adapter folder to apply on the model (default: none)',
      dataset: 'dataset id or name (required)',
      split: 'train, validation, test or all (default test)',
      limit: 'score only the first K examples (default: all)',
      metrics: 'comma-separated metrics, e.g. rouge,bleu (required)',
      template: `zero-shot, one-shot or few-shot:K with K from ${SHOTS_RANGE.min} to ${SHOTS_RANGE.max} (default zero-shot)`,
      'shots-from': "dataset (id or name) whose train split supplies the one-/few-shot examples, e.g. the training set of a published test set imported on its own (default: the evaluated dataset's train split); it needs the columns the examples are written from",
      prompt: `a prompt template file (JSON) instead of the built-in one: ${PROMPT_FILE_FORMAT}; {{column}} is filled from each row (input must name one), a few-shot example is its input then its output, the query its input then answerPrefix; the run is named 'template FILE'`,
      'shot-seed': 'seed that picks the few-shot examples (default 0)',
      ...EVAL_GENERATION_HELP,
      'input-column': "column fed to the model (default: the mapping's input)",
      'ref-columns': "comma-separated reference columns (default: the mapping's target, and summary1..N where present)",
      'batch-size': 'examples generated together (default 1)',
      threads: 'CPU threads (default: all cores)',
      project: RUN_PROJECT_HELP,
      name: 'name for the run',
      judge: 'judge model (id or name) for the judge metric',
      'judge-mode': 'pointwise (a 1–5 score from the judge\'s probabilities) or pairwise (the answer against the first reference, both orders); default pointwise',
      rubric: 'built-in judge rubric: helpfulness, faithfulness or summary (default helpfulness)',
      'rubric-file': 'a text file with your own judge rubric',
      'judge-responses': 'judge this dataset column instead of generating (the judge is then the model)',
      'judge-labels': 'a column of reference scores 1–5: reports judge_agreement',
      'judge-against': 'pairwise: compare each answer with this evaluation run\'s answer to the same example (same dataset and split) instead of the reference',
    },
    options: {
      model: { type: 'string' },
      adapter: { type: 'string' },
      dataset: { type: 'string' },
      split: { type: 'string' },
      limit: { type: 'string' },
      metrics: { type: 'string' },
      template: { type: 'string' },
      'shots-from': { type: 'string' },
      prompt: { type: 'string' },
      'shot-seed': { type: 'string' },
      ...GENERATION_OPTIONS,
      'input-column': { type: 'string' },
      'ref-columns': { type: 'string' },
      'batch-size': { type: 'string' },
      threads: { type: 'string' },
      project: { type: 'string' },
      name: { type: 'string' },
      judge: { type: 'string' },
      'judge-mode': { type: 'string' },
      rubric: { type: 'string' },
      'rubric-file': { type: 'string' },
      'judge-responses': { type: 'string' },
      'judge-labels': { type: 'string' },
      'judge-against': { type: 'string' },
    },
    async run({ values }, ctx) {
      // Judging a dataset column generates nothing: the judge is the run's model unless --model says otherwise.
      if (!values.model && values['judge-responses'] && values.judge) values.model = values.judge;
      for (const required of ['model', 'dataset', 'metrics']) {
        if (!values[required]) throw new UserError(`--${required} is required.\nUsage: ${USAGE}`);
      }
      const metrics = parseMetrics(values.metrics);
      const split = (values.split as string | undefined) ?? 'test';
      if (!['train', 'validation', 'test', 'all'].includes(split)) throw new UserError(`--split must be train, validation, test or all; got '${split}'.${didYouMean(split, ['train', 'validation', 'test', 'all'])}\nUsage: ${USAGE}`);
      const input: EvalStartInput = {
        model: values.model as string,
        adapterPath: (values.adapter as string | undefined) ?? null,
        dataset: values.dataset as string,
        split: split as 'test',
        limit: num(values, 'limit') ?? null,
        metrics,
        judge: parseJudgeFlags(values, metrics),
        shots: parseTemplate(values.template as string | undefined),
        shotsFrom: (values['shots-from'] as string | undefined) ?? null,
        template: readPromptFile(values.prompt as string | undefined),
        // the run is named after the file: its layout is not the built-in zero-shot one
        templateName: typeof values.prompt === 'string' ? templateNameOf(path.basename(values.prompt)) : undefined,
        shotSeed: num(values, 'shot-seed'),
        inputColumn: values['input-column'] as string | undefined,
        referenceColumns: list(values['ref-columns']),
        generation: parseGenerationFlags(values, USAGE),
        batchSize: num(values, 'batch-size'),
        threads: num(values, 'threads'),
        projectId: null,
        name: values.name as string | undefined,
      };
      parseFlagInput(EvalStartInput, input, FIELD_OF_FLAG, USAGE); // checked here for errors that name the flags
      if (typeof input.adapterPath === 'string') await requireAdapterFolder('adapter', input.adapterPath); // before the store is opened
      // after the flags: a command they refuse starts no run, so it says nothing of a run's project
      const project = await runProject(ctx, values.project, { datasets: [values.dataset, values['shots-from']] });
      input.projectId = project.id ?? null;
      const studio = await openCliStudio(ctx);
      const cancel = cancelOnSignals('stopping after the current example; partial results are kept…');
      const progress = progressLine(ctx);
      try {
        const { runEvaluation } = await import('../eval/runner.ts');
        const outcome = await runEvaluation(input, {
          store: studio.store,
          dataDir: ctx.dataDir,
          signal: cancel.signal,
          onProgress: (p) => progress.update(p.done, p.total, p.etaSeconds),
          log: ctx.log,
          onRun: project.announce, // once the run exists: a model refused before it claims no run
          owner: currentOwner(), // no job owns a foreground evaluation: if this process dies, the next store open ends it
        });
        progress.done();
        ctx.print(outcome, () => describeOutcome(outcome));
        return outcome.status === 'cancelled' ? cancel.exitCode : 0;
      } catch (err) {
        progress.done();
        // The engine's not_found names the dataset; say which flag named it, as --dataset's own error is plain.
        if (err instanceof StudioError && err.code === 'not_found' && err.details?.field === 'shotsFrom') throw new UserError(`--shots-from: ${err.message}`);
        throw asUserError(err);
      } finally {
        cancel.release();
        await studio.close();
      }
    },
  },
];
