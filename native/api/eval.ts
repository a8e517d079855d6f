// The evaluation part of the Studio API: starting an evaluation job, reading its results, comparing runs
// example by example, and a project's scorecard. Spread into `methods` in contract.ts.
//
// Scales: every score metric is a fraction in [0, 1] (ROUGE F, BLEU/100, chrF/100, exact match, F1, accuracy, entity F1),
// the scale a project's target is written in; perplexity and bits per byte are unbounded, lower is better.
import { z } from 'zod';
import { MAX_TEMPLATE_NAME, placeholdersOf } from './default-prompt.ts';
import { evalMetricLabel } from './labels.ts';
import { Job, Run } from './schemas.ts';

/** Metrics an evaluation computes, and the groups accepted as shorthands ('rouge' → rouge1, rouge2, rougeL, rougeLsum). */
export const EVAL_METRICS = ['rouge1', 'rouge2', 'rougeL', 'rougeLsum', 'bleu', 'chrf', 'exact_match', 'f1', 'accuracy', 'macro_f1', 'entity_f1', 'perplexity', 'bits_per_byte', 'judge'] as const;
export const EVAL_METRIC_GROUPS = { rouge: ['rouge1', 'rouge2', 'rougeL', 'rougeLsum'], em_f1: ['exact_match', 'f1'], perplexity: ['perplexity', 'bits_per_byte'] } as const;
export const EvalMetricInput = z.enum([...EVAL_METRICS, 'rouge', 'em_f1']);
export type EvalMetricName = (typeof EVAL_METRICS)[number];

/** Metrics where a smaller value is better; every other metric is better when larger. */
export const LOWER_IS_BETTER: readonly string[] = [
  'perplexity', 'bits_per_byte', 'latency_ms_mean', 'latency_ms_p50', 'latency_ms_p95',
  'loss', 'val_loss', 'rss_mb', // training runs: a lower loss and a smaller footprint are better
];
/** Settings recorded as metrics (a run's last learning rate): neither end is "better". */
export const SETTING_METRICS: readonly string[] = ['lr'];
/** How a training step went, not how good the run is (a last gradient norm): not ranked either. */
export const TRAINING_DIAGNOSTICS: readonly string[] = ['grad_norm'];
/** PPO's diagnostics (native/train/ppo.ts): how a run moved, not how good it is — its score is what ranks. */
export const PPO_DIAGNOSTICS: readonly string[] = [
  'kl', 'kl_coef', 'eval/kl', 'approx_kl', 'clipfrac', 'clipfrac/value', 'entropy', 'response_length', 'score/std', 'eval/score_std',
  'score/running_std', 'loss/policy', 'loss/value', 'time/rollout_s', 'time/score_s', 'time/update_s',
];
export const NOT_RANKED: readonly string[] = [...SETTING_METRICS, ...TRAINING_DIAGNOSTICS, ...PPO_DIAGNOSTICS];

/** A custom prompt: {{column}} placeholders, as native/text/prompt.ts fills them. */
/**
 * A prompt layout: `input` and `output` are written with {{column}} placeholders filled from each row; the query gets
 * `answerPrefix` where an example has its output. `input` must name a column, or the model would never see the data.
 */
export const PromptTemplateInput = z.object({
  instruction: z.string().optional(),
  input: z.string().min(1).refine((text) => placeholdersOf(text).length > 0, {
    message: 'has no {{column}} placeholder, so the model would never see the data; name the column it reads, e.g. "Dialogue:\\n{{dialogue}}"',
  }),
  output: z.string().min(1),
  answerPrefix: z.string(),
  separator: z.string().optional(),
});

export const GenerationSettings = z.object({
  maxNewTokens: z.number().int().min(1).max(4096).optional(),
  temperature: z.number().min(0).optional(),
  topK: z.number().int().min(0).optional(),
  topP: z.number().gt(0).max(1).optional(),
  minP: z.number().min(0).max(1).optional(),
  repetitionPenalty: z.number().positive().optional(),
  noRepeatNgramSize: z.number().int().min(0).optional(),
  numBeams: z.number().int().min(1).max(16).optional(),
  seed: z.number().int().optional(),
  /** Stop when the continuation contains one of these (default: a newline, since references are one line). */
  stop: z.array(z.string().min(1)).optional(),
});
export type GenerationSettings = z.infer<typeof GenerationSettings>;

/** Built-in judge rubrics (native/eval/judge-prompts.ts holds their text). */
export const JUDGE_RUBRICS = ['helpfulness', 'faithfulness', 'summary'] as const;
/** Pointwise judge scores and the pairwise answers, read from the judge's next-token probabilities. */
export const JUDGE_SCORE_LABELS = ['1', '2', '3', '4', '5'] as const;
export const JUDGE_PAIR_LABELS = ['A', 'B'] as const;

/**
 * LLM-as-judge ('judge' among the metrics): another model rates each response. Pointwise: a 1–5 score read from
 * the judge's next-token probabilities over "1".."5" (metric judge = (expected score − 1) / 4). Pairwise: the
 * response against the first reference, asked in both orders and averaged (judge = probability the response
 * wins; swapping the two sides gives exactly 1 − that).
 */
export const JudgeOptions = z.object({
  /** Judge model id or name (any model in the store). */
  model: z.string().min(1),
  mode: z.enum(['pointwise', 'pairwise']).default('pointwise'),
  rubric: z.enum(JUDGE_RUBRICS).default('helpfulness'),
  /** Your own rubric text instead of the built-in one. */
  rubricText: z.string().trim().min(1).max(4000).optional(),
  /** Judge this dataset column instead of generating (the run's model must then be the judge itself). */
  responseColumn: z.string().min(1).optional(),
  /** Pointwise: a column of reference scores 1–5; the run then reports judge_agreement (argmax = label). */
  labelColumn: z.string().min(1).optional(),
  /**
   * Pairwise: judge the response against another evaluation run's prediction for the same example (same dataset
   * and split, matched by example id) instead of the first reference; judge = probability it beats that run.
   */
  againstRun: z.string().min(1).optional(),
});
export type JudgeOptions = z.input<typeof JudgeOptions>;

export const EvalStartInput = z.object({
  /** Model id or name. */
  model: z.string().min(1),
  /** A PEFT adapter folder applied on top of the model. */
  adapterPath: z.string().min(1).nullable().default(null),
  /** Dataset id or name. */
  dataset: z.string().min(1),
  split: z.enum(['train', 'validation', 'test', 'all']).default('test'),
  /** Evaluate the first `limit` rows of the split (all when null). */
  limit: z.number().int().min(1).nullable().default(null),
  metrics: z.array(EvalMetricInput).min(1, 'name at least one metric'),
  /** 0: zero-shot, 1: one-shot, k: few-shot with k examples drawn from a train split (the dataset's own, or shotsFrom's). */
  shots: z.number().int().min(0).max(16).default(0),
  /**
   * Dataset id or name whose train split supplies the few-shot examples (default null: the evaluated dataset's own).
   * For a published test set imported as a dataset of its own (no train split), e.g. SST-2's dev set beside SST-2.
   * It must have the columns the examples are written from: the input, the first reference and the prompt's placeholders.
   */
  shotsFrom: z.string().min(1).nullable().default(null),
  /** Seed of the few-shot example draw. */
  shotSeed: z.number().int().default(0),
  /** Prompt layout; default built from the column mapping ("Dialogue:\n{{dialogue}}" … "Summary:"). */
  template: PromptTemplateInput.optional(),
  /** What the run's name calls a custom `template` (the CLI: 'template p.json', after its file); default 'custom' (CUSTOM_TEMPLATE_NAME). */
  templateName: z.string().trim().min(1).max(MAX_TEMPLATE_NAME).optional(),
  /** Column fed to the prompt (default: the mapping's input/text/question field). */
  inputColumn: z.string().min(1).optional(),
  /** Reference columns (default: the mapping's target and its numbered siblings, e.g. summary1..summary3). */
  referenceColumns: z.array(z.string().min(1)).min(1).optional(),
  generation: GenerationSettings.default({}),
  /** Prompts generated together (left-padded); per-example latency is then the batch's time. */
  batchSize: z.number().int().min(1).max(64).default(1),
  projectId: z.string().nullable().default(null),
  name: z.string().trim().min(1).max(200).optional(),
  threads: z.number().int().min(1).max(256).optional(),
  /** Required when the metrics include 'judge'. */
  judge: JudgeOptions.optional(),
});
export type EvalStartInput = z.input<typeof EvalStartInput>;
export type EvalConfigInput = z.output<typeof EvalStartInput>;

export const Interval = z.object({ low: z.number(), high: z.number() });

/**
 * Metrics whose per-example score is 0 or 1, so that their aggregate is a proportion: its 95% interval is Wilson's
 * score interval, which a bootstrap's collapses to a point at 0 or 1 (0 of 20 right read 0.0000–0.0000).
 */
export const PROPORTION_METRICS: readonly string[] = ['exact_match', 'accuracy', 'judge_agreement'];

/**
 * Recall@k of a retrieval run whose queries each have one relevant document (or none found: it scores 0) is 0 or 1 per
 * query — the document is in the top k or not — so it is a proportion too. With several relevant documents a query's
 * recall is a fraction (2 of 3 found: 0.667) and keeps the bootstrap. A retrieval run records which it was
 * (config.retrieval.oneRelevantPerQuery, decided from its data); MRR and nDCG are never 0/1.
 */
const RECALL_AT_K = /^recall@\d+$/;

/** Whether a run's `config` says each of its queries had one relevant document (retrieval runs record it). */
export function oneRelevantPerQuery(config: unknown): boolean {
  const retrieval = (config as { retrieval?: { oneRelevantPerQuery?: unknown } } | null)?.retrieval;
  return retrieval?.oneRelevantPerQuery === true;
}

/**
 * Whether `metric`'s aggregate is a proportion (k of n, 0/1 per example), whose 95% interval is Wilson's: a
 * PROPORTION_METRICS one, or recall@k of a run with one relevant document per query (`oneRelevant`, oneRelevantPerQuery).
 * The one rule the retrieval run stores its intervals by and every reader (recordedInterval, intervalKind) reads them by.
 */
export function isProportion(metric: string, oneRelevant = false): boolean {
  return PROPORTION_METRICS.includes(metric) || (oneRelevant && RECALL_AT_K.test(metric));
}

/** What kind of 95% interval an evaluation's aggregate of `metric` has, as the CLI and the studio say it. */
export function intervalKind(metric: string, oneRelevant = false): 'Wilson' | 'bootstrap' {
  return isProportion(metric, oneRelevant) ? 'Wilson' : 'bootstrap';
}

/**
 * Which 95% interval each metric gets, in one sentence for the CLI and the studio alike ("Wilson’s for exact match,
 * accuracy and judge agreement (0/1 per example) and recall@k where each query has one relevant document, bootstrap
 * for the rest"), built from PROPORTION_METRICS so that neither leaves a proportion out. `say: 'labels'` names metrics
 * as the studio does, in prose; 'names' as the CLI's tables and flags print them (exact_match), with a plain
 * apostrophe as the terminal's other sentences have. `withRecall`: whether recall@k can be in view (a retrieval run's),
 * else its clause is left out (a generation form offers no recall@k).
 */
export function intervalsSaid(say: 'labels' | 'names', withRecall = true): string {
  const named = PROPORTION_METRICS.map((m) => (say === 'names' ? m : evalMetricLabel(m).replace(/^./, (c) => c.toLowerCase())));
  const list = named.length > 1 ? `${named.slice(0, -1).join(', ')} and ${named.at(-1)}` : named[0];
  return `Wilson${say === 'names' ? "'" : '’'}s for ${list} (0/1 per example)${withRecall ? ' and recall@k where each query has one relevant document' : ''}, bootstrap for the rest`;
}

/** Whether a list of metric names holds a recall@k, whose interval intervalsSaid then explains. */
export function hasRecallAtK(names: readonly string[]): boolean {
  return names.some((n) => RECALL_AT_K.test(n));
}

/** One aggregate: the corpus value and its 95% interval (intervalKind; null when not computed). */
export const MetricValue = z.object({ name: z.string(), value: z.number(), ci95: Interval.nullable(), higherIsBetter: z.boolean() });
export type MetricValue = z.infer<typeof MetricValue>;

/** One question put to the judge: its prompt and its answer as probabilities over the allowed tokens. */
export const JudgeVerdict = z.object({
  prompt: z.string(),
  /** Allowed answers ("1".."5", or "A"/"B") and the token read for each. */
  labels: z.array(z.string()),
  tokenIds: z.array(z.number().int()),
  /** log p(token) over the judge's whole vocabulary (how much mass the allowed answers got). */
  logprobs: z.array(z.number()),
  /** The same, renormalised over the allowed answers. */
  probs: z.array(z.number()),
  /** Pairwise: which side the evaluated response was shown on. */
  responseAs: z.enum(['A', 'B']).optional(),
});
export type JudgeVerdict = z.infer<typeof JudgeVerdict>;

/** The judge's record of one example (kept in predictions.jsonl, shown in Compare). */
export const JudgeRecord = z.object({
  mode: z.enum(['pointwise', 'pairwise']),
  verdicts: z.array(JudgeVerdict),
  /** Pointwise: Σ k·p(k) on 1–5, and the most probable score. */
  expected: z.number().optional(),
  argmax: z.number().int().optional(),
  /** Pairwise: probability the response beats the reference, averaged over both orders. */
  winProbability: z.number().optional(),
  /** The reference score from the label column, when there is one. */
  label: z.number().optional(),
  /** Pairwise: the run whose prediction the response was compared with (absent: the first reference). */
  againstRun: z.string().optional(),
  /** Time the judge took on this example (one forward pass per order). */
  latencyMs: z.number().optional(),
  /** Characters cut to fit the judge's context: the input's first, then the responses' (0 when it fit). */
  truncatedChars: z.number().int(),
});
export type JudgeRecord = z.infer<typeof JudgeRecord>;

/** One line of predictions.jsonl. */
export const EvalExample = z.object({
  /** Position in the evaluated list (0-based). */
  index: z.number().int(),
  /** `<split>:<row within the split>`: the same example in another run of the same dataset has the same id. */
  id: z.string(),
  input: z.string(),
  references: z.array(z.string()),
  prediction: z.string(),
  /** The prompt the model read: cut where promptCutAt says when it did not fit (runs before that kept it whole). */
  prompt: z.string().optional(),
  /** Where in `prompt` its middle was cut (truncatedTokens tokens dropped there); absent when nothing was cut. */
  promptCutAt: z.number().int().optional(),
  finishReason: z.string().optional(),
  scores: z.record(z.string(), z.number()),
  promptTokens: z.number().int(),
  /** Few-shot examples that fit the context (examples are dropped before any text is cut). */
  shotsUsed: z.number().int().optional(),
  /**
   * Prompt tokens cut to fit the model's context: from the middle of the prompt, keeping its instruction and its cue
   * to answer as fine-tuning does (promptCutAt says where); runs from before promptCutAt cut them from the left.
   */
  truncatedTokens: z.number().int(),
  generatedTokens: z.number().int(),
  latencyMs: z.number(),
  /** Perplexity runs: summed NLL (nats), scored tokens and UTF-8 bytes of the text. */
  nll: z.number().optional(),
  scoredTokens: z.number().int().optional(),
  bytes: z.number().int().optional(),
  judge: JudgeRecord.optional(),
});
export type EvalExample = z.infer<typeof EvalExample>;

export const EvalSummary = z.object({
  run: Run,
  /** 'running', 'succeeded', 'cancelled' (partial results kept), 'failed'. */
  status: z.string(),
  examples: z.number().int(),
  plannedExamples: z.number().int().nullable(),
  /** The limit asked for when it exceeded the split's rows (the run evaluated every row there was); else null. */
  requestedExamples: z.number().int().nullable().optional(),
  /** Few-shot runs: the mean number of examples that fit the context (below the asked shots when prompts are long). */
  shotsUsedMean: z.number().nullable(),
  metrics: z.array(MetricValue),
  timing: z.object({
    latencyMsMean: z.number().nullable(), latencyMsP50: z.number().nullable(), latencyMsP95: z.number().nullable(),
    tokensPerSecond: z.number().nullable(), totalSeconds: z.number().nullable(),
  }),
  predictionsPath: z.string().nullable(),
});
export type EvalSummary = z.infer<typeof EvalSummary>;

export const RunIds = z.array(z.string().min(1)).min(1, 'give at least one run').max(16).superRefine((ids, ctx) => {
  // the same run twice compares it with itself: every difference 0, its column twice
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice !== undefined) ctx.addIssue({ code: 'custom', message: `run ${twice} is given twice; name each run once` });
});

/** The top run minus `runId` on the `examples` examples both scored: the 95% interval of the mean difference. */
/**
 * The top run against another scored on the same examples: the 95% bootstrap interval of the mean per-example
 * difference (top − other) and the two-sided p of the paired sign-flip test on those differences (native/eval/sign-flip.ts).
 */
export const PairedDifference = z.object({ runId: z.string(), examples: z.number().int(), low: z.number(), high: z.number(), p: z.number().min(0).max(1) });
export type PairedDifference = z.infer<typeof PairedDifference>;

export const Comparison = z.object({
  runs: z.array(z.object({
    /** kind: the run's (evaluation, finetune…), so a page knows what it compares without a second request. */
    id: z.string(), name: z.string(), kind: z.string(), status: z.string(), model: z.string().nullable(), template: z.string().nullable(),
    dataset: z.string().nullable(), split: z.string().nullable(), examples: z.number().int(),
  })),
  /** One row per metric; values[i] belongs to runs[i] (null: that run lacks the metric). */
  metrics: z.array(z.object({
    name: z.string(),
    higherIsBetter: z.boolean(),
    /** ci95Kind: which interval ci95 is (Wilson's for a proportion, bootstrap else), decided per run (recall@k depends on the run's data). */
    values: z.array(z.object({ value: z.number(), ci95: Interval.nullable(), ci95Kind: z.enum(['Wilson', 'bootstrap']).optional() }).nullable()),
    bestRunId: z.string().nullable(),
    /**
     * The top run against each other run that scored the very same examples (same dataset, split and rows), where the
     * metric is a mean of per-example scores: the 95% paired-bootstrap interval of the mean per-example difference,
     * top − other. Absent where no run pairs with the top one (then bestVerdict compares the runs' own intervals).
     */
    paired: z.array(PairedDifference).optional(),
  })),
});
export type Comparison = z.infer<typeof Comparison>;

export const EXAMPLE_SORTS = ['delta-desc', 'delta-asc', 'abs-delta', 'spread', 'index'] as const;
export type ExampleSort = (typeof EXAMPLE_SORTS)[number];
/**
 * The order the per-example view opens in, in the studio and `lathe runs compare` alike: the examples whose score
 * changed most either way, which is what a comparison looks for first (delta-desc put the gains first and the
 * largest losses last, under a heading that called them all the largest changes).
 */
export const DEFAULT_EXAMPLE_SORT: ExampleSort = 'abs-delta';

// The sorts named for what they put first. delta is candidate − baseline in the metric's own units, so for a metric
// where lower is better (perplexity, bits per byte) the largest delta is the worst change: 'delta-desc' is then the
// biggest loss, not the biggest gain.
const SORT_LABELS: Record<ExampleSort, string> = { 'delta-desc': 'Biggest gain', 'delta-asc': 'Biggest loss', 'abs-delta': 'Biggest change', spread: 'Most disagreement', index: 'Dataset order' };

/** What a sort puts first, as the studio's sort buttons and the CLI's heading name it. */
export function sortLabel(sort: ExampleSort, higherIsBetter: boolean): string {
  if (!higherIsBetter && sort === 'delta-desc') return SORT_LABELS['delta-asc'];
  if (!higherIsBetter && sort === 'delta-asc') return SORT_LABELS['delta-desc'];
  return SORT_LABELS[sort];
}

export const ExamplesQuery = z.object({
  runIds: RunIds,
  /** The per-example score to sort by (default: the first metric the runs share). */
  metric: z.string().optional(),
  /** delta = candidate − baseline (runs[1] − runs[0] unless named); spread = max − min over all runs. */
  sort: z.enum(EXAMPLE_SORTS).default(DEFAULT_EXAMPLE_SORT),
  baselineRunId: z.string().optional(),
  candidateRunId: z.string().optional(),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(1000).default(50),
});
export type ExamplesQuery = z.input<typeof ExamplesQuery>;

export const JoinedExample = z.object({
  key: z.string(),
  /** The input and references of the first run that has the example. */
  input: z.string(),
  references: z.array(z.string()),
  /**
   * outputs[i] belongs to runIds[i]; null where that run has no such example. `input` and `references` are that run's
   * own, present only where they differ from the row's (runs of one dataset fed another column, or scored against
   * other references): its score is against those.
   */
  outputs: z.array(z.object({
    prediction: z.string(), score: z.number().nullable(), scores: z.record(z.string(), z.number()), judge: JudgeRecord.optional(),
    input: z.string().optional(), references: z.array(z.string()).optional(),
  }).nullable()),
  delta: z.number().nullable(),
  spread: z.number().nullable(),
});
export type JoinedExample = z.infer<typeof JoinedExample>;

export const ExamplesPage = z.object({
  runIds: z.array(z.string()),
  metric: z.string().nullable(),
  /** 'example-id' when every run used the same dataset, split and seed; else examples are matched by input text. */
  joinedBy: z.enum(['example-id', 'input-text']),
  baselineRunId: z.string(),
  candidateRunId: z.string().nullable(),
  total: z.number().int(),
  rows: z.array(JoinedExample),
});
export type ExamplesPage = z.infer<typeof ExamplesPage>;

export const Scorecard = z.object({
  project: z.object({ id: z.string(), name: z.string(), metric: z.string().nullable(), target: z.number().nullable() }),
  /** no-metric / no-target: the project does not say what good is; no-runs: no finished evaluation reports the metric. */
  status: z.enum(['pass', 'fail', 'no-metric', 'no-target', 'no-runs']),
  higherIsBetter: z.boolean().nullable(),
  best: z.object({ runId: z.string(), runName: z.string(), value: z.number(), ci95: Interval.nullable(), finishedAt: z.string().nullable() }).nullable(),
  /** How far the best run is past the target, signed so that positive is better (value − target, or target − value). */
  margin: z.number().nullable(),
  /** Whether the whole 95% interval clears the target (a pass that is not luck of the sample). */
  passesWithConfidence: z.boolean().nullable(),
  runsConsidered: z.number().int(),
  /** Finished evaluations left out because they scored the train split or all rows (examples a fine-tune learns from). */
  runsNotHeldOut: z.number().int(),
});
export type Scorecard = z.infer<typeof Scorecard>;

const Id = z.object({ id: z.string().min(1) });

export const evalMethods = {
  /** Starts an evaluation job (kind 'evaluation'); its run id arrives on the job once it starts. */
  'eval.start': { params: EvalStartInput, result: Job },
  /** An evaluation run's aggregates, intervals and timing. */
  'eval.get': { params: Id, result: EvalSummary },
  /** Page through one run's predictions. */
  'eval.examples': {
    params: z.object({ id: z.string().min(1), offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(1000).default(50) }),
    result: z.object({ total: z.number().int(), rows: z.array(EvalExample) }),
  },
  'runs.compare': { params: z.object({ runIds: RunIds }), result: Comparison },
  'runs.examples': { params: ExamplesQuery, result: ExamplesPage },
  'runs.export': {
    params: z.object({ runIds: RunIds, format: z.enum(['csv', 'json']), metric: z.string().optional() }),
    result: z.object({ format: z.enum(['csv', 'json']), filename: z.string(), content: z.string() }),
  },
  'projects.scorecard': { params: Id, result: Scorecard },
} as const;
