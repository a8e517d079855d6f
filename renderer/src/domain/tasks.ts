// What the Scope stage teaches about each task: a one-line explanation, the metrics suggested for it (first one
// preselected; native/api/schemas.ts TASK_METRICS says which fit), and the fields a dataset must supply, which the column mapping editor asks for.
import { LOWER_IS_BETTER } from '../../../native/api/eval.ts';
import { METRIC_LABELS, TASK_LABELS } from '../../../native/api/labels.ts';
import { METRICS, TASK_METRICS, type MetricName, type TaskType } from '../../../native/api/schemas.ts';

export interface TaskField {
  name: string;
  label: string;
  help: string;
  required: boolean;
}

export interface TaskInfo {
  label: string;
  explain: string;
  metrics: readonly MetricName[];
  fields: readonly TaskField[];
}

// Field names follow the engine's mapping suggestions (native/data/mapping.ts) so suggested mappings line up.
const req = (name: string, label: string, help: string): TaskField => ({ name, label, help, required: true });
const opt = (name: string, label: string, help: string): TaskField => ({ name, label, help, required: false });

export const TASKS: Record<TaskType, TaskInfo> = {
  chat: {
    label: TASK_LABELS.chat,
    explain: 'Multi-turn conversation: the model answers the user in the voice and scope you define.',
    metrics: TASK_METRICS.chat.suggested,
    fields: [
      opt('messages', 'Conversation', 'A list of {role, content} turns — or map the three fields below instead.'),
      opt('instruction', 'User message', 'What the user asks, for single-turn examples.'),
      opt('input', 'Extra input', 'Context sent along with the message, if any.'),
      opt('output', 'Assistant reply', 'The reply the model should give.'),
    ],
  },
  qa: {
    label: TASK_LABELS.qa,
    explain: 'Answer questions, optionally from a passage of context supplied with each question.',
    metrics: TASK_METRICS.qa.suggested,
    fields: [req('question', 'Question', 'The question asked.'), opt('context', 'Context', 'The passage the answer comes from, if any.'), req('answer', 'Answer', 'The correct answer.')],
  },
  summarization: {
    label: TASK_LABELS.summarization,
    explain: 'Condense a long text (an article, a dialogue) into a short summary that keeps what matters.',
    metrics: TASK_METRICS.summarization.suggested,
    fields: [req('input', 'Document', 'The text to summarise.'), req('target', 'Summary', 'The reference summary.')],
  },
  classification: {
    label: TASK_LABELS.classification,
    explain: 'Assign each text one label from a fixed set, e.g. sentiment or topic.',
    metrics: TASK_METRICS.classification.suggested,
    fields: [req('text', 'Text', 'The text to classify.'), req('label', 'Label', 'The correct label.')],
  },
  ner: {
    label: TASK_LABELS.ner,
    explain: 'Find and tag names of people, places, organisations and other entities in text.',
    metrics: TASK_METRICS.ner.suggested,
    fields: [req('tokens', 'Tokens', 'The sentence as a list of tokens.'), req('tags', 'Tags', 'One entity tag per token.')],
  },
  generation: {
    label: TASK_LABELS.generation,
    explain: 'Continue a prompt or write free text in a style learned from examples.',
    metrics: TASK_METRICS.generation.suggested,
    fields: [opt('input', 'Prompt', 'The start the model continues from, if any.'), req('target', 'Text', 'The text the model should produce.')],
  },
};

const METRIC_TEXTS: Record<MetricName, { explain: string; scale: 'fraction' | 'unbounded' }> = {
  rouge1: { explain: 'Overlap of single words with the reference.', scale: 'fraction' },
  rouge2: { explain: 'Overlap of word pairs with the reference.', scale: 'fraction' },
  rougeL: { explain: 'Longest common word sequence with the reference; the usual summary score.', scale: 'fraction' },
  rougeLsum: { explain: 'ROUGE-L computed sentence by sentence over the summary.', scale: 'fraction' },
  bleu: { explain: 'N-gram precision against the reference, with a brevity penalty.', scale: 'fraction' },
  chrf: { explain: 'Character n-gram F-score; forgiving of word forms.', scale: 'fraction' },
  exact_match: { explain: 'Share of answers identical to the reference after normalising.', scale: 'fraction' },
  f1: { explain: 'Word overlap between answer and reference; partial credit.', scale: 'fraction' },
  accuracy: { explain: 'Share of examples given the correct label.', scale: 'fraction' },
  macro_f1: { explain: 'F1 averaged over labels, so rare labels count as much as common ones.', scale: 'fraction' },
  entity_f1: { explain: 'F1 over whole entities: span and type must both match.', scale: 'fraction' },
  perplexity: { explain: 'How surprised the model is by held-out text; lower is better.', scale: 'unbounded' },
};

/** Each project metric: its name (native/api/labels.ts), what it measures, and which way is better (native/api/eval.ts). */
export const METRIC_INFO = Object.fromEntries(
  METRICS.map((m) => [m, { label: METRIC_LABELS[m], higherIsBetter: !LOWER_IS_BETTER.includes(m), ...METRIC_TEXTS[m] }]),
) as Record<MetricName, { label: string; explain: string; higherIsBetter: boolean; scale: 'fraction' | 'unbounded' }>;

export const DEVICE_INFO = {
  any: 'Any — use the best accelerator found',
  cpu: 'CPU — runs everywhere, slowest',
  cuda: 'CUDA — NVIDIA GPU',
  dml: 'DirectML — any GPU on Windows',
  coreml: 'Core ML — Apple silicon',
  webgpu: 'WebGPU — GPU through the browser stack',
} as const;

/** The dataset column most likely meant for a task field, by common names; the user confirms or changes it. */
export function guessColumn(field: TaskField, columns: readonly string[]): string | undefined {
  const candidates: Record<string, string[]> = {
    input: ['input', 'dialogue', 'document', 'article', 'source', 'text', 'content', 'passage'],
    target: ['target', 'summary', 'output', 'response', 'completion', 'highlights', 'answer', 'reference'],
    text: ['text', 'sentence', 'content', 'input', 'review'],
    label: ['label', 'labels', 'class', 'category', 'sentiment'],
    question: ['question', 'query'],
    answer: ['answer', 'answers', 'output'],
    context: ['context', 'passage', 'document'],
    tokens: ['tokens', 'words'],
    tags: ['ner_tags', 'tags', 'labels'],
  };
  const lower = columns.map((c) => c.toLowerCase());
  for (const name of candidates[field.name] ?? [field.name]) {
    const i = lower.indexOf(name);
    if (i >= 0) return columns[i];
  }
  return undefined;
}
