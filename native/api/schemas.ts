// Shapes of the studio's records, defined once with zod: the store returns them, the API validates them,
// the renderer types itself from them.
import { z } from 'zod';

export const TASK_TYPES = ['chat', 'qa', 'summarization', 'classification', 'ner', 'generation'] as const;
export const TaskType = z.enum(TASK_TYPES);
export type TaskType = z.infer<typeof TaskType>;

export const METRICS = ['rouge1', 'rouge2', 'rougeL', 'rougeLsum', 'bleu', 'chrf', 'exact_match', 'f1', 'accuracy', 'macro_f1', 'entity_f1', 'perplexity'] as const;
export const MetricName = z.enum(METRICS);
export type MetricName = z.infer<typeof MetricName>;

/**
 * The project metrics that suit each task: `suggested` are the usual ones (the Scope form picks the first),
 * `alsoFit` the others that still measure that task's output. A metric outside both (ROUGE for classification,
 * accuracy for a summary) scores something the task does not produce, so ProjectInput and the store's update
 * refuse it: the CLI, the studio API and the Scope form apply this one table.
 */
export const TASK_METRICS: Record<TaskType, { suggested: readonly MetricName[]; alsoFit: readonly MetricName[] }> = {
  chat: { suggested: ['rougeL', 'bleu', 'perplexity'], alsoFit: ['rouge1', 'rouge2', 'rougeLsum', 'chrf'] },
  qa: { suggested: ['exact_match', 'f1'], alsoFit: ['accuracy', 'rougeL', 'rouge1', 'rouge2', 'rougeLsum', 'bleu', 'chrf'] },
  summarization: { suggested: ['rougeL', 'rouge1', 'rouge2', 'rougeLsum'], alsoFit: ['bleu', 'chrf'] },
  classification: { suggested: ['accuracy', 'macro_f1'], alsoFit: ['exact_match'] },
  ner: { suggested: ['entity_f1'], alsoFit: [] },
  generation: { suggested: ['perplexity', 'bleu', 'chrf'], alsoFit: ['rougeL', 'rouge1', 'rouge2', 'rougeLsum'] },
};

/** Every metric that suits `task`, the suggested ones first. */
export function metricsForTask(task: TaskType): readonly MetricName[] {
  return [...TASK_METRICS[task].suggested, ...TASK_METRICS[task].alsoFit];
}

/** Why `metric` cannot measure a `task` project, or null when it can. */
export function taskMetricProblem(task: TaskType, metric: MetricName): string | null {
  const fit = metricsForTask(task);
  if (fit.includes(metric)) return null;
  return `${metric} does not measure a ${task} project; use one of ${fit.join(', ')}.`;
}

export const DEVICES = ['cpu', 'cuda', 'dml', 'coreml', 'webgpu', 'any'] as const;

export const Constraints = z.object({
  device: z.enum(DEVICES).default('any'),
  memoryBudgetMb: z.number().int().positive().nullable().default(null),
  maxLatencyMs: z.number().int().positive().nullable().default(null),
});
export type Constraints = z.infer<typeof Constraints>;

/**
 * The targets each metric can take: scores are fractions in [0, 1] (what runs record and compare); perplexity
 * is 1 or more (lower is better). The one place this rule lives: ProjectInput, the update patch and Project
 * check it, so the CLI, the studio and the Scope form refuse the same targets with the same words.
 */
export const METRIC_TARGET_RANGES: Record<MetricName, { min: number; max: number | null }> = Object.fromEntries(
  METRICS.map((m) => [m, m === 'perplexity' ? { min: 1, max: null } : { min: 0, max: 1 }]),
) as Record<MetricName, { min: number; max: number | null }>;

/** Why `target` cannot be a target for `metric`, or null when it can. */
export function targetRangeProblem(metric: MetricName, target: number): string | null {
  const { min, max } = METRIC_TARGET_RANGES[metric];
  if (target >= min && (max === null || target <= max)) return null;
  return max === null
    ? `Perplexity is ${min} or more; lower is better (target ${target} is out of range).`
    : `This metric runs from ${min} to ${max} — e.g. 0.35 for 35 %; a ${metric} target of ${target} is out of range.`;
}

function checkTarget(p: { metric?: MetricName | null; target?: number | null }, ctx: z.RefinementCtx): void {
  if (p.metric === undefined || p.metric === null || p.target === undefined || p.target === null) return;
  const problem = targetRangeProblem(p.metric, p.target);
  if (problem) ctx.addIssue({ code: 'custom', path: ['target'], message: problem });
}

function checkTaskMetric(p: { task?: TaskType; metric?: MetricName | null }, ctx: z.RefinementCtx): void {
  if (p.task === undefined || p.metric === undefined || p.metric === null) return;
  const problem = taskMetricProblem(p.task, p.metric);
  if (problem) ctx.addIssue({ code: 'custom', path: ['metric'], message: problem });
}

const ProjectFields = z.object({
  name: z.string().trim().min(1, 'name must not be empty').max(120),
  task: TaskType,
  description: z.string().max(4000).default(''),
  metric: MetricName.nullable().default(null),
  target: z.number().finite().nullable().default(null),
  constraints: Constraints.default({ device: 'any', memoryBudgetMb: null, maxLatencyMs: null }),
});
export const ProjectInput = ProjectFields.superRefine(checkTarget).superRefine(checkTaskMetric);
export type ProjectInput = z.input<typeof ProjectInput>;
/**
 * A partial update; a target sent without its metric is checked against the stored metric when merged (Project),
 * and a task or metric sent alone against the stored other half by the store's update (ProjectTable.update).
 */
export const ProjectPatch = ProjectFields.partial().superRefine(checkTarget).superRefine(checkTaskMetric);

// Not checked against TASK_METRICS here: a project stored before that rule must still load (and be fixed by an update).
export const Project = ProjectFields.extend({
  id: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
}).superRefine(checkTarget);
export type Project = z.infer<typeof Project>;

export const SPLITS = ['train', 'validation', 'test'] as const;
export const SplitName = z.enum(SPLITS);

/** The fractions that put every row of a file in one split. */
export function wholeSplit(split: (typeof SPLITS)[number]): { train: number; validation: number; test: number } {
  return { train: 0, validation: 0, test: 0, [split]: 1 };
}

export const SplitFractions = z.object({
  train: z.number().min(0).max(1),
  validation: z.number().min(0).max(1),
  test: z.number().min(0).max(1),
});

/** Task field → dataset column, e.g. { input: 'dialogue', target: 'summary' }. */
export const ColumnMapping = z.record(z.string(), z.string());
/**
 * The fields a column mapping can set, with what reads each: `lathe dataset map` offers one --FIELD-column flag
 * per entry. The studio's mapping editor shows the subset a project's task needs.
 */
export const MAPPING_FIELDS = {
  instruction: 'the instruction or user message (instruction format, chat)',
  input: 'the model input: a document to summarise, a prompt to continue, extra context',
  output: 'the reply the model should give (instruction format)',
  target: 'the reference text: a summary, the text to generate',
  question: 'the question (question answering)',
  context: 'the passage a question is answered from',
  answer: 'the correct answer (question answering)',
  messages: 'a list of {role, content} turns (chat)',
  text: 'plain text: for language modelling, or the text a classifier or reward model scores',
  label: 'the class label (classification, reward model)',
  prompt: 'the prompt a preference pair or PPO continues',
  chosen: 'the preferred completion (DPO)',
  rejected: 'the dispreferred completion (DPO)',
  tokens: 'a sentence as a list of tokens (tagging)',
  tags: 'one tag per token (tagging)',
} as const;
export type MappingField = keyof typeof MAPPING_FIELDS;
export type ColumnMapping = z.infer<typeof ColumnMapping>;

export const DatasetFormat = z.enum(['jsonl', 'json', 'csv', 'tsv']);

/**
 * How a CSV or TSV file quotes its fields. 'csv' (the default): RFC 4180, as pandas and spreadsheets write CSV and TSV,
 * a field that begins with " is quoted and may hold the delimiter, a newline and doubled quotes. 'none': IANA
 * text/tab-separated-values' rule, every " is text, a field is what lies between two delimiters and a line is a row.
 */
export const QUOTINGS = ['csv', 'none'] as const;
export const Quoting = z.enum(QUOTINGS);
export type Quoting = z.infer<typeof Quoting>;

export const Dataset = z.object({
  id: z.string(),
  projectId: z.string().nullable(),
  name: z.string(),
  sourcePath: z.string(),
  format: DatasetFormat,
  compressed: z.boolean(),
  columns: z.array(z.string()),
  rowCount: z.number().int(),
  contentHash: z.string(),
  mapping: ColumnMapping,
  splits: z.record(SplitName, z.number().int()),
  /** The seed the import was given (DatasetImportInput.seed); it placed only the rows of drawnSplits. */
  splitSeed: z.number().int(),
  /**
   * The splits whose rows a draw seeded with splitSeed placed: those a file's rows were shuffled into when its rows went
   * to more than one split. [] when every file was kept whole as one split, so no seed placed any row. Absent for a
   * dataset imported before Lathe recorded it, where the store cannot tell (store migration 13).
   */
  drawnSplits: z.array(SplitName).optional(),
  /** `file`: which of the imported files the line is in, when a dataset was imported from several. */
  skippedRows: z.array(z.object({ line: z.number().int(), reason: z.string(), file: z.string().optional() })),
  /**
   * How a CSV or TSV dataset's files were read (DatasetImportInput.quoting, 'csv' where none was given): the rows say
   * what was read, and reading the source again needs the same quoting. Absent for JSON and JSON Lines.
   */
  quoting: Quoting.optional(),
  createdAt: z.string(),
});
export type Dataset = z.infer<typeof Dataset>;

/** One more file of a dataset being imported, and the split all its rows go to. */
export const ExtraImportFile = z.object({
  path: z.string().min(1),
  /** As DatasetImportInput's: the user's own name of an uploaded file. */
  fileName: z.string().trim().min(1).max(255).optional(),
  split: SplitName,
});
export type ExtraImportFile = z.infer<typeof ExtraImportFile>;

export const DatasetImportInput = z.object({
  path: z.string().min(1),
  /**
   * The file's own name when `path` is a copy the studio stored (a `lathe serve` upload): errors and the dataset's
   * source name it, never the server's upload path.
   */
  fileName: z.string().trim().min(1).max(255).optional(),
  name: z.string().trim().min(1).max(120),
  projectId: z.string().nullable().default(null),
  /** Import the valid rows and list the skipped ones, instead of refusing the whole file. */
  skipInvalid: z.boolean().default(false),
  /**
   * How rows are split: fractions shuffled with `seed`, or one split's name when the file already is that split
   * (a published test set): every row goes there and nothing is re-split.
   */
  split: z.union([SplitFractions, SplitName.transform((whole) => wholeSplit(whole))]).default({ train: 0.8, validation: 0.1, test: 0.1 }),
  seed: z.number().int().default(42),
  mapping: ColumnMapping.optional(),
  /**
   * How the CSV/TSV files of the import quote their fields (Quoting); absent is 'csv'. Refused for JSON and JSON
   * Lines, which quote as JSON does. It applies to `extraFiles` too, which share the first file's format.
   */
  quoting: Quoting.optional(),
  /**
   * More files of the same dataset, each already one split (a published dev or test set beside its train file):
   * their rows follow the first file's, in order, with the first row's columns and the first file's format.
   */
  extraFiles: z.array(ExtraImportFile).max(8).default([]),
});
export type DatasetImportInput = z.input<typeof DatasetImportInput>;

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
export const JobState = z.enum(JOB_STATES);
/** The states a job ends in; a run driven by a job ends in the same word (runs also use 'created' and 'running'). */
export const FINISHED_STATES = ['succeeded', 'failed', 'cancelled', 'interrupted'] as const;
export function isFinishedState(state: string): boolean {
  return (FINISHED_STATES as readonly string[]).includes(state);
}

export const Job = z.object({
  id: z.string(),
  kind: z.string(),
  state: JobState,
  progress: z.number().min(0).max(1),
  message: z.string(),
  etaSeconds: z.number().nullable(),
  params: z.unknown(),
  result: z.unknown().nullable(),
  error: z.string().nullable(),
  runId: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type Job = z.infer<typeof Job>;

export const RUN_KINDS = ['dataset-import', 'generation', 'finetune', 'pretrain', 'evaluation', 'preference', 'dpo', 'reward', 'ppo', 'export'] as const;

/** A label a person puts on a run ('baseline', 'lr-sweep', 'keep'): one word, so a list of them reads and filters. */
export const RunTag = z
  .string()
  .trim()
  .min(1, 'a tag must not be empty')
  .max(40, 'a tag is at most 40 characters')
  .regex(/^[\p{L}\p{N}._:/+-]+$/u, 'a tag is one word: letters, digits and . _ : / + - (no spaces or commas)');
export const MAX_RUN_TAGS = 20;
export const RunTags = z.array(RunTag).max(MAX_RUN_TAGS, `a run has at most ${MAX_RUN_TAGS} tags`);
export const RunNote = z.string().max(10_000, 'a note is at most 10,000 characters');

export const Run = z.object({
  id: z.string(),
  projectId: z.string().nullable(),
  kind: z.string(),
  name: z.string(),
  status: z.string(),
  config: z.unknown(),
  parentRunId: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  /**
   * Seconds spent running, summed over each start and resume (finishedAt − startedAt also counts the pauses between a
   * cancel and a resume); null when not known: a run recorded before Lathe kept it, or one whose process died.
   */
  activeSeconds: z.number().nullable().optional(),
  /** Labels in the order they were added, without repeats. */
  tags: z.array(z.string()),
  /** Free text the person wrote about the run ('' when none). */
  note: z.string(),
  /** Why a failed run failed, the error as it was said when it stopped; null for any other run (or one failed before Lathe kept it). */
  error: z.string().nullable().optional(),
});
export type Run = z.infer<typeof Run>;

/**
 * A run without its config, for lists that show many runs (the Runs page, Compare's and the run page's pickers): a
 * config is most of a run's size (about 1 KB of 1.1 for an evaluation) and those lists never read it; runs.get has it.
 */
export const RunSummary = Run.omit({ config: true });
export type RunSummary = z.infer<typeof RunSummary>;

export const RunMetric = z.object({ runId: z.string(), step: z.number(), name: z.string(), value: z.number(), time: z.string() });
export type RunMetric = z.infer<typeof RunMetric>;

export const JobLogLine = z.object({ time: z.string(), level: z.string(), line: z.string() });
export type JobLogLine = z.infer<typeof JobLogLine>;

/** A model known to the studio: a Hugging Face-style folder on disk (downloaded, imported or trained). */
/** A decoder generates text (playground, training, evaluation, serving); an encoder embeds text for collections. */
export const MODEL_KINDS = ['decoder', 'encoder'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

export const Model = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(MODEL_KINDS).default('decoder'),
  architecture: z.string(),
  path: z.string(),
  config: z.unknown(),
  parameterCount: z.number().int(),
  source: z.string(),
  createdAt: z.string(),
});
export type Model = z.infer<typeof Model>;

/** A file a run produced (checkpoint, adapter, export, predictions), with its size and sha256. */
export const Artifact = z.object({
  id: z.string(),
  runId: z.string(),
  kind: z.string(),
  path: z.string(),
  bytes: z.number().int(),
  hash: z.string(),
  createdAt: z.string(),
});
export type Artifact = z.infer<typeof Artifact>;
