// runEvaluation: a model × prompt template × generation settings × dataset split → a run (kind 'evaluation')
// with its full config, per-example predictions on disk, and aggregates with bootstrap 95% intervals in
// run_metrics. The CLI calls it in the foreground; the 'evaluation' job (runner-worker.ts) calls it in a child
// process. Cancelling keeps what was done: the run ends 'cancelled' with the finished examples scored.
import { StudioError } from '../api/errors.ts';
import { nerPromptTemplate } from '../api/ner-prompt.ts';
import { EvalStartInput, type EvalConfigInput, type EvalExample, type EvalStartInput as EvalStartParams, type MetricValue } from '../api/eval.ts';
import { intervalEndNames } from '../api/intervals.ts';
import type { Dataset, Run } from '../api/schemas.ts';
import { CUSTOM_TEMPLATE_NAME, placeholdersOf, promptLabel } from '../api/default-prompt.ts';
import type { Store } from '../store/db.ts';
import type { ProcessOwner } from '../store/process-owner.ts';
import { codeVersion } from './code-version.ts';
import { metricFitWarning } from './metric-fit.ts';
import { savePredictions } from './predictions.ts';
import { adapterLabel, checkAdapter } from './runner-adapter.ts';
import { checkTemplateColumns, defaultTemplate, inputColumnOf, loadItems, loadShotPool, referenceColumnsOf, shotColumnsView, type RowView } from './runner-data.ts';
import { createGenerationEvaluator, type ExampleEvaluator } from './runner-generation.ts';
import { nerColumnsOf, nerRowView, tagSetOf, tokenListView } from './runner-ner.ts';
import { createPerplexityEvaluator } from './runner-perplexity.ts';
import { checkJudgeColumns, judgeOf, opponentPredictions } from './runner-judge-options.ts';
import { columnResponses, withJudge } from './runner-judge.ts';
import { rubricOf } from './judge.ts';
import { aggregateGeneration, aggregatePerplexity, expandMetrics, isPerplexityRun, ROUGE_STEM, timingOf } from './scoring.ts';
import { plural } from '../api/format.ts';
import { stoppedStatus } from '../jobs/stopped.ts';
import { steadyEtaSeconds, type WarmMark } from '../jobs/eta.ts';

const PROGRESS_INTERVAL_MS = 250;
export const BOOTSTRAP = { samples: 1000, seed: 0, confidence: 0.95 };

export interface EvalProgress {
  done: number;
  total: number;
  fraction: number;
  message: string;
  etaSeconds: number | null;
}

export interface EvalContext {
  store: Store;
  dataDir: string;
  signal?: AbortSignal;
  onProgress?(p: EvalProgress): void;
  log?(level: 'info' | 'warn', line: string): void;
  /** Called once the run exists (the job attaches itself to it). */
  onRun?(run: Run): void;
  /**
   * The process evaluating when no job does (the CLI in the foreground): recorded on the run, so a store opened
   * after that process died ends the run 'interrupted' instead of leaving it 'running' for ever.
   */
  owner?: ProcessOwner;
  /** Where aggregates go; default: straight into the store. A job records them and announces them to its parent. */
  recordMetric?(runId: string, step: number, name: string, value: number): void;
}

export interface EvalOutcome {
  runId: string;
  shotsUsedMean: number | null;
  status: 'succeeded' | 'cancelled';
  examples: number;
  plannedExamples: number;
  /** The limit asked for when the split had fewer rows (all of them were evaluated); else null. */
  requestedExamples: number | null;
  metrics: MetricValue[];
  timing: ReturnType<typeof timingOf>;
  predictionsPath: string;
}

function parseInput(input: EvalStartParams): EvalConfigInput {
  const parsed = EvalStartInput.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.join('.');
    throw new StudioError('invalid_params', `evaluation: ${field ? `${field}: ` : ''}${issue.message}`, { field });
  }
  return parsed.data;
}

/** The aggregates as run_metrics rows: value, interval ends, example counts and timing. */
function metricRows(
  metrics: MetricValue[],
  timing: EvalOutcome['timing'],
  examples: readonly EvalExample[],
  planned: number,
  requested: number | null,
  shots: number,
): [string, number][] {
  const rows: [string, number][] = [];
  for (const m of metrics) {
    rows.push([m.name, m.value]);
    if (m.ci95) rows.push([intervalEndNames(m.name).low, m.ci95.low], [intervalEndNames(m.name).high, m.ci95.high]);
  }
  rows.push(['examples', examples.length], ['planned_examples', planned], ['total_seconds', timing.totalSeconds]);
  if (requested !== null) rows.push(['requested_examples', requested]);
  if (shots > 0 && examples.length > 0) rows.push(['shots_used_mean', examples.reduce((s, e) => s + (e.shotsUsed ?? 0), 0) / examples.length]);
  if (timing.latencyMsMean !== null) rows.push(['latency_ms_mean', timing.latencyMsMean], ['latency_ms_p50', timing.latencyMsP50!], ['latency_ms_p95', timing.latencyMsP95!]);
  if (timing.tokensPerSecond !== null) rows.push(['tokens_per_second', timing.tokensPerSecond]);
  return rows.filter(([, v]) => Number.isFinite(v));
}

/** The dataset whose train split supplies the examples: shotsFrom, else the evaluated dataset itself. */
function shotSourceOf(store: Store, config: EvalConfigInput, dataset: Dataset): Dataset {
  if (config.shotsFrom === null) return dataset;
  if (config.shots === 0) throw new StudioError('invalid_params', 'shotsFrom (--shots-from) names where few-shot examples come from, but this run is zero-shot; ask for examples (shots; --template one-shot or few-shot:K) or leave it out', { field: 'shotsFrom' });
  const source = store.datasets.find(config.shotsFrom, 'shotsFrom');
  return source.id === dataset.id ? dataset : source;
}

/** Where the run's examples came from, as its config records it (null: zero-shot, none drawn). */
function shotsFromRecord(source: Dataset, shots: number): Record<string, unknown> | null {
  return shots === 0 ? null : { id: source.id, name: source.name, split: 'train', contentHash: source.contentHash };
}

export async function runEvaluation(input: EvalStartParams, ctx: EvalContext): Promise<EvalOutcome> {
  const config = parseInput(input);
  let metrics;
  try {
    metrics = expandMetrics(config.metrics);
  } catch (err) {
    throw new StudioError('invalid_params', (err as Error).message, { field: 'metrics' });
  }
  const perplexityRun = isPerplexityRun(metrics);
  if (perplexityRun && config.shots > 0) throw new StudioError('invalid_params', 'perplexity runs score text as it is; they take no prompt template or shots', { field: 'shots' });
  const { store, dataDir } = ctx;
  const model = store.models.findDecoder(config.model, 'generate answers for an evaluation');
  const judge = judgeOf(config, metrics, store, model);
  const adapter = config.adapterPath === null ? null : checkAdapter(config.adapterPath, model);
  if (adapter && !adapter.recordedBaseMatches) ctx.log?.('warn', `adapter ${adapter.path} was trained on ${adapter.baseModel}, not ${model.name}; its sizes fit, so it is applied`);
  const dataset = store.datasets.find(config.dataset);
  const project = config.projectId !== null ? store.projects.find(config.projectId) : null;
  // before any work: accuracy on a summarisation dataset ran to the end and reported 0 with no word of why
  const datasetProject = project ?? (dataset.projectId !== null ? (store.projects.get(dataset.projectId) ?? null) : null);
  const unfit = metricFitWarning(metrics, dataset, datasetProject);
  if (unfit) ctx.log?.('warn', unfit);
  // Tagging reads tokens and tags (runner-ner.ts), every other task a text column and its references; perplexity
  // reads a tokens column (an NER dataset's own when no column is given) as its words joined, as the NER prompt shows them.
  const ner = perplexityRun ? null : nerColumnsOf(dataset, project, metrics, config);
  const inputColumn = ner ? ner.tokens : inputColumnOf(dataset, config.inputColumn, { perplexity: perplexityRun });
  if (judge) checkJudgeColumns(dataset, judge.options);
  const referenceColumns = perplexityRun ? null : ner ? [ner.tags] : referenceColumnsOf(dataset, config.referenceColumns);
  const tagSet = ner ? tagSetOf(dataDir, dataset, ner.tags) : null;
  const view = ner ? nerRowView(dataset, ner) : perplexityRun ? tokenListView(inputColumn) : undefined;
  const { items } = loadItems(dataDir, dataset, config.split, config.limit, inputColumn, referenceColumns, view);
  const opponent = judge?.options.againstRun ? opponentPredictions(store, dataDir, judge.options.againstRun, dataset, config.split, items) : null;
  // A limit past the end of the split evaluates every row there is; say so rather than report a smaller run quietly.
  const requestedExamples = config.limit !== null && config.limit > items.length ? config.limit : null;
  const template = perplexityRun ? null : (config.template ?? (ner ? nerPromptTemplate(ner, tagSet!) : defaultTemplate(dataDir, dataset, inputColumn, referenceColumns![0])));
  if (!perplexityRun && config.template) checkTemplateColumns(dataset, config.template);
  const shotsFrom = shotSourceOf(store, config, dataset);
  const renamed = shotsFrom === dataset ? undefined : shotColumnsView(shotsFrom, dataset, [inputColumn, referenceColumns![0], ...placeholdersOf(template!.input), ...placeholdersOf(template!.output)]);
  const ownView = ner && shotsFrom !== dataset ? nerRowView(shotsFrom, ner) : view;
  const shotView: RowView | undefined = renamed && ownView ? (row, id) => ownView(renamed(row, id), id) : (renamed ?? ownView);
  const pool = !perplexityRun && config.shots > 0 ? loadShotPool(dataDir, shotsFrom, dataset, config.shots, shotView) : [];
  const label = perplexityRun ? 'perplexity' : config.judge?.responseColumn ? `judged ${config.judge.responseColumn}` : promptLabel(config.shots, config.template ? (config.templateName ?? CUSTOM_TEMPLATE_NAME) : undefined);

  const runConfig = {
    model: { id: model.id, name: model.name, architecture: model.architecture, path: model.path },
    adapterPath: adapter?.path ?? null,
    adapter,
    dataset: { id: dataset.id, name: dataset.name, contentHash: dataset.contentHash, splitSeed: dataset.splitSeed },
    split: config.split,
    limit: config.limit,
    metrics: judge?.options.labelColumn ? [...metrics, 'judge_agreement'] : metrics,
    template: perplexityRun ? null : { label, shots: config.shots, shotSeed: config.shotSeed, ...template, fewShotPoolRows: pool.length, shotsFrom: shotsFromRecord(shotsFrom, config.shots) },
    inputColumn,
    referenceColumns,
    ner: ner ? { tokensColumn: ner.tokens, tagsColumn: ner.tags, tagSet } : null,
    generation: config.generation,
    batchSize: config.batchSize,
    judge: judge ? { ...judge.options, model: { id: judge.model.id, name: judge.model.name, path: judge.model.path }, rubricText: rubricOf(judge.options.rubric, judge.options.rubricText), againstRun: opponent?.run ?? null } : null,
    rouge: { stem: ROUGE_STEM },
    bootstrap: BOOTSTRAP,
    codeVersion: codeVersion(),
  } as Record<string, unknown>;
  // The model loads before the run exists, so the run's config records the settings as applied.
  let evaluator: ExampleEvaluator;
  try {
    evaluator = perplexityRun
      ? await createPerplexityEvaluator(model.path, config.threads, adapter?.path)
      : judge?.options.responseColumn
        ? columnResponses(judge.options.responseColumn, metrics)
        : await createGenerationEvaluator({
          modelDir: model.path, adapterDir: adapter?.path, template: template!, shots: config.shots, shotSeed: config.shotSeed, pool, metrics,
          settings: config.generation, threads: config.threads,
        });
  } catch (err) {
    if (err instanceof RangeError) throw new StudioError('invalid_params', err.message, { field: 'generation' });
    throw err;
  }
  if (judge) {
    const o = judge.options;
    evaluator = await withJudge(evaluator, { modelDir: judge.model.path, modelName: judge.model.name, mode: o.mode, rubric: rubricOf(o.rubric, o.rubricText), labelColumn: o.labelColumn, threads: config.threads, responsesFromColumn: o.responseColumn !== undefined, opponent: opponent ? { runId: opponent.run.id, byId: opponent.byId } : undefined });
  }
  try {
    evaluator.check?.(items);
  } catch (err) {
    await evaluator.release();
    if (err instanceof RangeError) throw new StudioError('invalid_params', err.message, { field: judge ? 'judge' : 'shots' });
    throw err;
  }
  runConfig.applied = evaluator.describe;
  let run = store.runs.create({ kind: 'evaluation', name: config.name ?? `${model.name}${adapter ? ` + adapter ${adapterLabel(adapter.path)}` : ''} · ${dataset.name}/${config.split} · ${label}`, projectId: config.projectId, config: runConfig, owner: ctx.owner });
  run = store.runs.setStatus(run.id, 'running', ctx.owner ?? null)!;
  ctx.onRun?.(run);
  const record = ctx.recordMetric ?? ((runId, step, name, value) => void store.runs.addMetric({ runId, step, name, value }));

  const examples: EvalExample[] = [];
  const t0 = performance.now();
  let generationMs = 0;
  let failure: unknown;
  try {
    if (requestedExamples !== null) ctx.log?.('warn', `limit ${requestedExamples} is more than the ${plural(items.length, 'row')} of split '${config.split}' of ${dataset.name}: evaluating all ${items.length}`);
    ctx.log?.('info', `evaluating ${model.name}${adapter ? ` + adapter ${adapter.path}` : ''} on ${plural(items.length, 'example')} of ${dataset.name}/${config.split} (${label}; ${metrics.join(', ')})`);
    let lastReport = 0;
    let warm: WarmMark | null = null;
    for (let start = 0; start < items.length; start += config.batchSize) {
      if (ctx.signal?.aborted) break;
      const b0 = performance.now();
      const batch = await evaluator.evaluate(items.slice(start, start + config.batchSize), start);
      examples.push(...batch);
      // The judge's time is not generation's: tokens/s stays comparable with runs not judged, as latency does.
      generationMs += performance.now() - b0 - batch.reduce((ms, e) => ms + (e.judge?.latencyMs ?? 0), 0);
      const now = performance.now();
      warm ??= { done: examples.length, at: now };
      if (now - lastReport >= PROGRESS_INTERVAL_MS || examples.length === items.length) {
        lastReport = now;
        const done = examples.length;
        const eta = steadyEtaSeconds(warm, now, done, items.length);
        ctx.onProgress?.({ done, total: items.length, fraction: done / items.length, message: `${done}/${plural(items.length, 'example')}`, etaSeconds: eta });
      }
    }
  } catch (err) {
    failure = err;
  } finally {
    await evaluator.release();
  }

  // Whatever happened, keep and score what was done.
  const cancelled = failure === undefined && examples.length < items.length;
  const scored = perplexityRun
    ? aggregatePerplexity(metrics, examples.map((e) => ({ nll: e.nll ?? 0, tokens: e.scoredTokens ?? 0, bytes: e.bytes ?? 0 })), BOOTSTRAP)
    : aggregateGeneration(metrics, examples, BOOTSTRAP);
  const timing = timingOf(examples, (performance.now() - t0) / 1000, generationMs);
  const predictionsFile = await savePredictions(store, dataDir, run.id, examples);
  for (const [name, value] of metricRows(scored, timing, examples, items.length, requestedExamples, config.shots)) record(run.id, examples.length, name, value);
  if (failure !== undefined) {
    store.runs.fail(run.id, failure);
    throw failure;
  }
  store.runs.setStatus(run.id, cancelled ? stoppedStatus(ctx.signal) : 'succeeded');
  const short = examples.filter((e) => (e.shotsUsed ?? config.shots) < config.shots).length;
  // where to look, named: the field, and the file that holds it (one JSON line per example)
  const perExample = (field: string, what: string) => `; each example's ${field} in its predictions file says ${what}: ${predictionsFile}`;
  if (short > 0) ctx.log?.('warn', `${short} of ${plural(examples.length, 'prompt')} fit fewer than ${plural(config.shots, 'example')} in the model's context${perExample('shotsUsed', 'how many fit')}`);
  const cut = examples.filter((e) => e.truncatedTokens > 0).length;
  if (cut > 0) ctx.log?.('warn', `the middle of ${cut} of ${plural(examples.length, 'prompt')} was cut to fit the model's context, keeping each one's start (the instruction) and end (the cue to answer) as fine-tuning does${perExample('truncatedTokens', 'how many tokens it lost, and its prompt what the model read')}`);
  ctx.log?.('info', cancelled ? `cancelled after ${examples.length} of ${plural(items.length, 'example')}; partial results kept` : `done: ${plural(examples.length, 'example')}`);
  const shotsUsedMean = config.shots > 0 && examples.length > 0 ? examples.reduce((s, e) => s + (e.shotsUsed ?? 0), 0) / examples.length : null;
  return {
    runId: run.id, shotsUsedMean, status: cancelled ? 'cancelled' : 'succeeded', examples: examples.length, plannedExamples: items.length,
    requestedExamples, metrics: scored, timing, predictionsPath: predictionsFile,
  };
}
