// What the Scope stage teaches about each task: a one-line explanation, the metrics that fit it (first one
// suggested), and the fields a dataset must supply, which the column mapping editor asks for.
import type { MetricName, TaskType } from '../../../native/api/schemas.ts';

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
    label: 'Chat assistant',
    explain: 'Multi-turn conversation: the model answers the user in the voice and scope you define.',
    metrics: ['rougeL', 'bleu', 'perplexity'],
    fields: [
      opt('messages', 'Conversation', 'A list of {role, content} turns — or map the three fields below instead.'),
      opt('instruction', 'User message', 'What the user asks, for single-turn examples.'),
      opt('input', 'Extra input', 'Context sent along with the message, if any.'),
      opt('output', 'Assistant reply', 'The reply the model should give.'),
    ],
  },
  qa: {
    label: 'Question answering',
    explain: 'Answer questions, optionally from a passage of context supplied with each question.',
    metrics: ['exact_match', 'f1'],
    fields: [req('question', 'Question', 'The question asked.'), opt('context', 'Context', 'The passage the answer comes from, if any.'), req('answer', 'Answer', 'The correct answer.')],
  },
  summarization: {
    label: 'Summarisation',
    explain: 'Condense a long text (an article, a dialogue) into a short summary that keeps what matters.',
    metrics: ['rougeL', 'rouge1', 'rouge2', 'rougeLsum'],
    fields: [req('input', 'Document', 'The text to summarise.'), req('target', 'Summary', 'The reference summary.')],
  },
  classification: {
    label: 'Classification',
    explain: 'Assign each text one label from a fixed set, e.g. sentiment or topic.',
    metrics: ['accuracy', 'macro_f1'],
    fields: [req('text', 'Text', 'The text to classify.'), req('label', 'Label', 'The correct label.')],
  },
  ner: {
    label: 'Named-entity recognition',
    explain: 'Find and tag names of people, places, organisations and other entities in text.',
    metrics: ['entity_f1'],
    fields: [req('tokens', 'Tokens', 'The sentence as a list of tokens.'), req('tags', 'Tags', 'One entity tag per token.')],
  },
  generation: {
    label: 'Text generation',
    explain: 'Continue a prompt or write free text in a style learned from examples.',
    metrics: ['perplexity', 'bleu', 'chrf'],
    fields: [opt('input', 'Prompt', 'The start the model continues from, if any.'), req('target', 'Text', 'The text the model should produce.')],
  },
};

export const METRIC_INFO: Record<MetricName, { label: string; explain: string; higherIsBetter: boolean; scale: 'fraction' | 'unbounded' }> = {
  rouge1: { label: 'ROUGE-1', explain: 'Overlap of single words with the reference.', higherIsBetter: true, scale: 'fraction' },
  rouge2: { label: 'ROUGE-2', explain: 'Overlap of word pairs with the reference.', higherIsBetter: true, scale: 'fraction' },
  rougeL: { label: 'ROUGE-L', explain: 'Longest common word sequence with the reference; the usual summary score.', higherIsBetter: true, scale: 'fraction' },
  rougeLsum: { label: 'ROUGE-Lsum', explain: 'ROUGE-L computed sentence by sentence over the summary.', higherIsBetter: true, scale: 'fraction' },
  bleu: { label: 'BLEU', explain: 'N-gram precision against the reference, with a brevity penalty.', higherIsBetter: true, scale: 'fraction' },
  chrf: { label: 'chrF', explain: 'Character n-gram F-score; forgiving of word forms.', higherIsBetter: true, scale: 'fraction' },
  exact_match: { label: 'Exact match', explain: 'Share of answers identical to the reference after normalising.', higherIsBetter: true, scale: 'fraction' },
  f1: { label: 'Token F1', explain: 'Word overlap between answer and reference; partial credit.', higherIsBetter: true, scale: 'fraction' },
  accuracy: { label: 'Accuracy', explain: 'Share of examples given the correct label.', higherIsBetter: true, scale: 'fraction' },
  macro_f1: { label: 'Macro F1', explain: 'F1 averaged over labels, so rare labels count as much as common ones.', higherIsBetter: true, scale: 'fraction' },
  entity_f1: { label: 'Entity F1', explain: 'F1 over whole entities: span and type must both match.', higherIsBetter: true, scale: 'fraction' },
  perplexity: { label: 'Perplexity', explain: 'How surprised the model is by held-out text; lower is better.', higherIsBetter: false, scale: 'unbounded' },
};

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
