// How the studio names things to people (tasks, evaluation metrics, throughput's unit, the import and alignment
// forms' skip options): one source for the renderer (domain/tasks.ts, pages/evaluate/metrics.ts) and for sentences the engine
// writes itself (the journey's "Next:" guidance, an import's refusal), so "ROUGE-L" reads the same in a chart title
// and in a hint, never "rougeL" in one and "ROUGE-L" in the other.
import type { MetricName, Quoting, TaskType } from './schemas.ts';

/** sigmoid: DPO (with label smoothing: conservative DPO); robust: rDPO; ipo: IPO. As TRL's loss_type. */
export const DPO_LOSSES = ['sigmoid', 'robust', 'ipo'] as const;
/** How each DPO loss reads in the studio (the setup form's picker, a run's Configuration and header, its default name). */
export const DPO_LOSS_LABELS: Record<(typeof DPO_LOSSES)[number], string> = { sigmoid: 'Sigmoid (standard DPO)', robust: 'Robust (rDPO, noisy labels)', ipo: 'IPO' };

export const TASK_LABELS: Record<TaskType, string> = {
  chat: 'Chat assistant',
  qa: 'Question answering',
  summarization: 'Summarisation',
  classification: 'Classification',
  ner: 'Named-entity recognition',
  generation: 'Text generation',
};

/** The project metrics (schemas.ts METRICS) and the other scores an evaluation records. */
export const METRIC_LABELS: Record<MetricName, string> & Record<string, string> = {
  rouge1: 'ROUGE-1',
  rouge2: 'ROUGE-2',
  rougeL: 'ROUGE-L',
  rougeLsum: 'ROUGE-Lsum',
  bleu: 'BLEU',
  chrf: 'chrF',
  exact_match: 'Exact match',
  f1: 'Token F1',
  accuracy: 'Accuracy',
  macro_f1: 'Macro F1',
  entity_f1: 'Entity F1',
  perplexity: 'Perplexity',
  bits_per_byte: 'Bits per byte',
  latency_ms_mean: 'Latency (mean)',
  latency_ms_p50: 'Latency (p50)',
  latency_ms_p95: 'Latency (p95)',
  tokens_per_second: 'Tokens/s',
  judge: 'LLM judge',
  judge_agreement: 'Judge agreement',
  'recall@1': 'Recall@1',
  'recall@5': 'Recall@5',
  'recall@10': 'Recall@10',
  mrr: 'MRR',
  'ndcg@10': 'nDCG@10',
};

/** The import form's checkbox that leaves unreadable rows out (DatasetImportInput.skipInvalid); refusals name it. */
export const SKIP_INVALID_LABEL = 'Import valid rows only';

/** The import form's checkbox, shown for a CSV or TSV file, that reads every quote as text (DatasetImportInput.quoting 'none'); refusals name it. */
export const QUOTES_AS_TEXT_LABEL = 'Read quotes as plain text';

/**
 * How a CSV or TSV dataset's quotes were read (Dataset.quoting), as its details in the studio and `lathe dataset show`
 * say it; 'none' in the words of the import form's box (QUOTES_AS_TEXT_LABEL).
 */
export const QUOTING_LABELS: Record<Quoting, string> = { csv: 'CSV quoting (RFC 4180)', none: 'Quotes read as plain text' };

/** The alignment form's checkbox that leaves out rows that make no preference pair (DPO and reward runs' skipInvalid); refusals name it. */
export const SKIP_UNPAIRED_LABEL = 'Leave out rows that make no pair';

/**
 * The settings a warning about cut inputs tells people to raise, as the forms label them (Fine-tune and Align) and as
 * the CLI spells the flag (settingName names them for each reader).
 */
export const SETTING_NAMES = {
  seqLen: { label: 'Sequence length', flag: '--seq-len' },
  maxPromptLen: { label: 'Max prompt length', flag: '--max-prompt-len' },
  maxNewTokens: { label: 'Max new tokens', flag: '--max-new-tokens' },
} as const;

/**
 * Who reads a message that names a setting. 'studio': a run view, which names the form's field only (it named the
 * flag too, CLI wording in the studio). 'log': a run's log, which the CLI prints and the studio's Runs page shows, so
 * it names the flag and the field both.
 */
export type SettingReader = 'studio' | 'log';

/**
 * A setting as a warning names it for its reader: the form's field in the studio ("the “Max prompt length” setting"),
 * the CLI flag then the field in a log ("--max-prompt-len, “Max prompt length” in the studio").
 */
export const settingName = (key: keyof typeof SETTING_NAMES, reader: SettingReader): string => (reader === 'studio'
  ? `the “${SETTING_NAMES[key].label}” setting`
  : `${SETTING_NAMES[key].flag}, “${SETTING_NAMES[key].label}” in the studio`);

/** Throughput's unit wherever the studio prints one: after a value (215 tokens/s), in a column (Decode tokens/s), on an axis. */
export const TOKENS_PER_SECOND = 'tokens/s';

/** An evaluation metric's name as people read it; a name with no label (a training metric) comes back unchanged. */
export function evalMetricLabel(name: string): string {
  return Object.hasOwn(METRIC_LABELS, name) ? METRIC_LABELS[name]! : name;
}

export function taskLabel(task: string): string {
  return Object.hasOwn(TASK_LABELS, task) ? TASK_LABELS[task as TaskType] : task;
}

/**
 * A CLI command as the studio spells it, as the README does: `npx lathe …` from the project's folder. The studio said
 * `lathe train` on one page and `npx lathe model import-llama2c …` on another.
 */
export const cliCommand = (args: string): string => `npx lathe ${args}`;
