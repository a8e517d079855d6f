// Supervised examples from a dataset's rows: the column mapping picks the task format (instruction, dialogue →
// summary, Q&A, chat through the model's template, classification, entity tagging, plain text); each example
// becomes token ids with labels that score only the completion (prompt tokens get the ignore index) unless asked
// otherwise. Every format but chat and plain text prompts exactly as the evaluation's zero-shot prompt does, so a
// fine-tune is measured on what it learned. Examples longer than the sequence length are cut, and counted, so the report says
// how many.
import { nerPromptTemplate } from '../api/ner-prompt.ts';
import type { Dataset } from '../api/schemas.ts';
import { formatForMapping, type SFT_FORMATS, type SftFormat } from '../api/train.ts';
import { defaultTemplate, inputColumnOf, referenceColumnsOf, referencesOf } from '../eval/runner-data.ts';
import { nerColumnsOf, nerRowView, tagSetOf } from '../eval/runner-ner.ts';
import type { HfFolder } from '../models/checkpoint.ts';
import { IGNORE_INDEX } from '../models/training-graph.ts';
import type { TextTokenizer } from '../text/tokenizer.ts';
import { plainChatPrompt } from '../text/chat-template.ts';
import { cutMiddle } from '../text/fit-prompt.ts';
import { buildPrompt, type Row } from '../text/prompt.ts';

export type { SftFormat };

export interface TokenizedExample {
  ids: number[];
  /** labels[t] scores ids[t]; shifted when batched. */
  labels: number[];
}

export interface PromptCompletion {
  prompt: string;
  completion: string;
}

/** The format a mapping implies; throws naming what the mapping lacks. */
export function detectFormat(dataset: Dataset, requested: (typeof SFT_FORMATS)[number]): SftFormat {
  const m = dataset.mapping;
  if (requested !== 'auto') {
    const needs: Record<SftFormat, string[]> = {
      instruction: ['instruction', 'output'], summary: ['input', 'target'], qa: ['question', 'answer'], chat: ['messages'],
      classification: ['text', 'label'], tagging: ['tokens', 'tags'], text: [],
    };
    const missing = needs[requested].filter((f) => m[f] === undefined);
    if (missing.length) throw new Error(`dataset ${dataset.name}: format '${requested}' needs the mapping fields ${missing.join(', ')} (mapping: ${JSON.stringify(m)}); set them with 'lathe dataset map ${dataset.name} ${missing.map((f) => `--${f}-column C`).join(' ')}'`);
    if (requested === 'text' && !textColumn(dataset)) throw new Error(`dataset ${dataset.name}: format 'text' needs a 'text' mapping field or a 'text' column`);
    return requested;
  }
  const picked = formatForMapping(m, dataset.columns);
  if (picked) return picked;
  throw new Error(`dataset ${dataset.name}: its column mapping ${JSON.stringify(m)} fits no training format; map instruction/output, input/target, question/answer, messages, text/label, tokens/tags or text `
    + `to its columns (${dataset.columns.join(', ')}), e.g. 'lathe dataset map ${dataset.name} --input-column C --target-column C' for a summary`);
}

function textColumn(dataset: Dataset): string | undefined {
  return dataset.mapping.text ?? (dataset.columns.includes('text') ? 'text' : undefined);
}

const cell = (row: Record<string, unknown>, column: string | undefined): string => {
  const v = column === undefined ? undefined : row[column];
  return typeof v === 'string' ? v : v === null || v === undefined ? '' : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : JSON.stringify(v);
};

/** A row's prompt and completion; `id` (`train:3`) names the row in errors. */
export type ExamplePrompter = (row: Row, id: string, tokenizer: TextTokenizer) => PromptCompletion;

/**
 * The prompter for `format`, after reading what it needs from the dataset as a whole. Summaries, questions,
 * classification and tagging train on the evaluation's own zero-shot prompt for the row, built by the functions
 * the evaluation builds it with (runner.ts), so fine-tune → evaluate asks the model what it was trained on
 * (instructions, summaries and questions had layouts of their own until 2026-12-05): the default template over the
 * mapping's input and reference columns (a question with its context), and for tagging the NER template naming the
 * tag set of every row, the tokens and tags read as the evaluation reads them — so training refuses class-id tags,
 * or a row whose token and tag counts differ, with the evaluation's words. The completion is the evaluation's first
 * reference: the output, the summary, the first answer, the label cell as text (1 → "1"), the tags joined by single spaces.
 */
export function examplePrompter(format: SftFormat, dataset: Dataset, dataDir: string): ExamplePrompter {
  switch (format) {
    case 'instruction':
    case 'summary':
    case 'qa':
    case 'classification': {
      const references = referenceColumnsOf(dataset);
      const template = defaultTemplate(dataDir, dataset, inputColumnOf(dataset), references[0]);
      return (row, _id, tokenizer) => promptThenAnswer(buildPrompt(template, row), referencesOf(row, references)[0] ?? '', tokenizer);
    }
    case 'tagging': {
      const columns = nerColumnsOf(dataset, null, [], {});
      if (!columns) throw new Error(`dataset ${dataset.name}: format 'tagging' needs the mapping fields tokens, tags`);
      const template = nerPromptTemplate(columns, tagSetOf(dataDir, dataset, columns.tags));
      const view = nerRowView(dataset, columns);
      return (row, id, tokenizer) => {
        const tagged = view(row, id);
        return promptThenAnswer(buildPrompt(template, tagged), String(tagged[columns.tags]), tokenizer);
      };
    }
    default:
      return (row, _id, tokenizer) => promptOf(format, dataset, row, tokenizer);
  }
}

/**
 * An evaluation prompt ends with its answer prefix ("Label:", "Tags:") and no space, and the evaluation trims what
 * the model writes before comparing it (scoring.ts compares labels trimmed, ner-scoring.ts splits on white space),
 * so the text to learn is prompt + ' ' + answer: the layout of the evaluation's own worked examples ("Label: 1").
 * The prompt stays the evaluation's string exactly; which side of the split the space goes on depends on the
 * tokenizer, because prompt and completion are encoded apart (tokenizeExample). Byte-level BPE (GPT-2, Llama 3)
 * writes " 1" as one token, so the completion is " 1"; a SentencePiece tokenizer puts its own '▁' before every text
 * it encodes, so " 1" would gain a second '▁' and the completion is "1". Either way the completion's tokens are the
 * ones that follow the prompt's in the whole text: what the model reads and writes when it is evaluated.
 */
export function promptThenAnswer(prompt: string, answer: string, tokenizer: TextTokenizer): PromptCompletion {
  if (answer === '') return { prompt, completion: '' };
  const encode = (text: string) => tokenizer.encode(text, { addSpecialTokens: false });
  const spaced = ` ${answer}`;
  const whole = encode(prompt + spaced);
  const head = encode(prompt);
  const follows = (completion: string) => {
    const ids = [...head, ...encode(completion)];
    return ids.length === whole.length && ids.every((id, i) => id === whole[i]);
  };
  return { prompt, completion: follows(spaced) || !follows(answer) ? spaced : answer };
}

/** The formats with no evaluation prompt to match: a chat through the model's template, plain text. */
function promptOf(format: 'chat' | 'text', dataset: Dataset, row: Row, tokenizer: TextTokenizer): PromptCompletion {
  const m = dataset.mapping;
  switch (format) {
    case 'chat': {
      const messages = chatMessages(row[m.messages]);
      const last = messages.at(-1);
      if (!last || last.role !== 'assistant') throw new Error(`dataset ${dataset.name}: a chat example must end with an assistant message`);
      const prompt = tokenizer.chatTemplate ? tokenizer.applyChatTemplate(messages.slice(0, -1), { addGenerationPrompt: true }) : plainChatPrompt(messages.slice(0, -1));
      return { prompt, completion: last.content };
    }
    case 'text':
      return { prompt: '', completion: cell(row, textColumn(dataset)) };
  }
}

function chatMessages(v: unknown): { role: string; content: string }[] {
  const list = typeof v === 'string' ? (JSON.parse(v) as unknown) : v;
  if (!Array.isArray(list)) throw new Error('a chat example must hold a list of messages');
  return list.map((x: Record<string, unknown>) => {
    const role = String(x.role ?? x.from ?? '');
    return { role: role === 'human' || role === 'user' ? 'user' : role === 'gpt' || role === 'assistant' ? 'assistant' : role, content: String(x.content ?? x.value ?? '') };
  });
}

/**
 * What fine-tune, DPO and reward runs record in their config at their start: the BOS before each example follows the
 * tokenizer (TextTokenizer.bosHead: only where its post-processor adds one), as inference encodes prompts.
 */
export const BOS_FOLLOWS_TOKENIZER = { bosFollowsTokenizer: true } as const;

/**
 * Whether a run's examples begin with a BOS by the tokenizer's rule, from its config. A config without
 * bosFollowsTokenizer is from before it was recorded, when every example began with the BOS the tokenizer config names
 * (GPT-2's `<|endoftext|>` too, which inference never adds), and resumes, and is scored, by that rule.
 */
export const bosFollowsTokenizer = (config: { bosFollowsTokenizer?: boolean }): boolean => config.bosFollowsTokenizer === true;

export interface TokenizeOptions {
  seqLen: number;
  trainOnPrompt: boolean;
  /** false: the BOS whenever the tokenizer names one, the rule of runs from before bosFollowsTokenizer; default true. */
  bosFollowsTokenizer?: boolean;
  /** The token that ends every completion (scored, so the model learns to stop); default the tokenizer's EOS. */
  endId?: number | null;
}

/**
 * The token a completion ends with: one the model already ends texts with and generation stops at. That is the
 * tokenizer's EOS, except for models whose generation config also stops at BOS: llama2.c models separate their
 * pretraining stories with BOS, and their `</s>` was never trained — its embedding is one of ~200 near-identical
 * unused rows, so a LoRA with the (tied) head frozen cannot make it likelier than its twins and the tuned model
 * never stops. `stopIds` are the generation config's eos_token_id (or config.json's).
 */
export function completionEndId(tokenizer: TextTokenizer, stopIds: readonly number[]): number | null {
  const bos = tokenizer.bosTokenId;
  if (bos !== null && stopIds.includes(bos)) return bos;
  return tokenizer.eosTokenId ?? stopIds[0] ?? null;
}

/** completionEndId with the model's stop tokens: its generation config's eos_token_id, else config.json's. */
export function modelCompletionEndId(folder: HfFolder, tokenizer: TextTokenizer): number | null {
  const stops = [folder.generationConfig?.eos_token_id].flat().filter((x): x is number => typeof x === 'number');
  return completionEndId(tokenizer, stops.length ? stops : folder.spec.eosTokenIds);
}

/**
 * BOS (where the tokenizer adds one: bosHead) + prompt + completion + end token, labels masked over the prompt, at
 * most seqLen + 1 tokens (inputs and their next token). An over-long example keeps its completion and loses the middle of its prompt: cutting the end instead
 * (as a plain truncation does) drops every completion token of a long dialogue, and an example with nothing left to
 * score makes its batch's mean loss 0/0 = NaN — DialogSum with a 256-token window diverged at step 2 that way. The
 * prompt keeps at least half the window (its head, where the instruction is, and its tail, where the template's
 * "Summary: " cue sits: cutMiddle, the cut evaluation makes too); a completion longer than the rest is cut at its end.
 */
export function tokenizeExample(pc: PromptCompletion, tokenizer: TextTokenizer, opts: TokenizeOptions): { example: TokenizedExample; truncated: boolean } {
  const eos = opts.endId === undefined ? tokenizer.eosTokenId : opts.endId;
  // a chat template that writes BOS (Llama 2 and 3, Mistral) puts it in the prompt's text, which encodes it: no second one
  const head = tokenizer.bosHead(pc.prompt, opts.bosFollowsTokenizer);
  const prompt = pc.prompt ? tokenizer.encode(pc.prompt, { addSpecialTokens: false }) : [];
  const completion = [...tokenizer.encode(pc.completion, { addSpecialTokens: false }), ...(eos !== null ? [eos] : [])];
  return exampleOfIds(head, prompt, completion, opts);
}

/**
 * tokenizeExample's example from ids: `head` (BOS, or nothing), the prompt after it, the completion with its end
 * token; cut as tokenizeExample says when longer than seqLen + 1.
 */
export function exampleOfIds(head: number[], wholePrompt: number[], wholeCompletion: number[], opts: Pick<TokenizeOptions, 'seqLen' | 'trainOnPrompt'>): { example: TokenizedExample; truncated: boolean } {
  let [prompt, completion] = [wholePrompt, wholeCompletion];
  const window = opts.seqLen + 1 - head.length;
  const truncated = prompt.length + completion.length > window;
  if (truncated) {
    const promptKeep = Math.min(prompt.length, Math.max(Math.ceil(window / 2), window - completion.length));
    prompt = cutMiddle(prompt, promptKeep);
    completion = completion.slice(0, window - promptKeep);
  }
  const ids = [...head, ...prompt, ...completion];
  const labels = [...[...head, ...prompt].map((t) => (opts.trainOnPrompt ? t : IGNORE_INDEX)), ...completion];
  return { example: { ids, labels }, truncated };
}

/** Whether an example has a next-token label to learn from (an empty completion with no end token has none). */
export function hasScoredTokens(example: TokenizedExample): boolean {
  return example.labels.slice(1).some((label) => label !== IGNORE_INDEX);
}
