// Preference examples from a dataset: its rows read as pairs (native/data/preferences.ts), the prompt rendered through
// the model's chat template (or, without one, in HH-RLHF's "\n\nHuman: …\n\nAssistant:" layout, the one preference
// transcripts are written in), and each side tokenized as supervised examples are: BOS + prompt + completion + end
// token, labels only on the completion. A prompt longer than maxPromptLen keeps its end (where the question is).
import { StudioError } from '../api/errors.ts';
import type { Dataset } from '../api/schemas.ts';
import { datasetDir, readRows } from '../data/files.ts';
import { preferencePairs, preferenceStyle, promptMessages, type LocatedRow, type PreferenceMessage, type PreferencePair, type PreferencePairOptions } from '../data/preferences.ts';
import { fitPrompt } from '../text/fit-prompt.ts';
import type { TextTokenizer } from '../text/tokenizer.ts';
import { tokenizeExample, type TokenizedExample } from './sft-examples.ts';

export interface PreferenceExample {
  chosen: TokenizedExample;
  rejected: TokenizedExample;
}

const SPEAKER: Record<string, string> = { user: 'Human', assistant: 'Assistant', system: 'System' };

/** The text the completions follow. */
export function renderPrompt(messages: readonly PreferenceMessage[], tokenizer: TextTokenizer): string {
  if (tokenizer.chatTemplate) return tokenizer.applyChatTemplate([...messages], { addGenerationPrompt: true });
  return `${messages.map((m) => `\n\n${SPEAKER[m.role] ?? m.role}: ${m.content}`).join('')}\n\nAssistant:`;
}

/**
 * A prompt cell as the text a policy continues (PPO's prompts): text as it is, a list of messages (a preference
 * dataset's prompt column, e.g. LLaMA-Factory's conversations) rendered as renderPrompt renders a pair's. Read as text,
 * such a list was the prompt '[object Object]'. Throws a PreferenceRowError for a cell that is neither.
 */
export function promptCellText(cell: unknown, tokenizer: TextTokenizer): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell !== 'object') return String(cell);
  return renderPrompt(promptMessages(cell), tokenizer);
}

/**
 * A prompt as the ids a policy continues (PPO's rollouts) and the text the reward model reads before the completion.
 * One BOS: a chat template that writes it gets no second one from the tokenizer (encodePrompt). A prompt over
 * `maxLen` tokens keeps its end and its BOS (fitPrompt, as evaluation prompts are cut): the end holds the cue the
 * model answers ("\n\nAssistant:", the template's assistant header), which keeping the head cut off. A cut prompt's
 * text is the kept ids decoded, so the reward model scores what the policy saw.
 */
export function policyPrompt(text: string, tokenizer: TextTokenizer, maxLen: number): { text: string; ids: number[]; truncated: boolean } {
  const bos = tokenizer.bosTokenId;
  const { ids, truncated } = fitPrompt(tokenizer.encodePrompt(text), maxLen, bos);
  if (!truncated) return { text, ids, truncated: false };
  // the template's special tokens stay in the text; a BOS the tokenizer added (not the text) does not
  const written = bos !== null && ids[0] === bos && !tokenizer.writesBos(text) ? ids.slice(1) : ids;
  return { text: tokenizer.decode(written, { skipSpecialTokens: false }), ids, truncated: true };
}

export interface TokenizePairOptions {
  seqLen: number;
  maxPromptLen: number;
  endId: number | null;
}

/** Both sides of a pair as examples, and whether either was cut. */
export function tokenizePair(pair: PreferencePair, tokenizer: TextTokenizer, opts: TokenizePairOptions): { example: PreferenceExample; truncated: boolean } {
  let prompt = renderPrompt(pair.prompt, tokenizer);
  const ids = tokenizer.encode(prompt, { addSpecialTokens: false });
  if (ids.length > opts.maxPromptLen) prompt = tokenizer.decode(ids.slice(-opts.maxPromptLen), { skipSpecialTokens: false });
  const lead = tokenizer.chatTemplate ? '' : ' '; // "Assistant: text", as the transcripts write it
  const side = (completion: string) => tokenizeExample({ prompt, completion: lead + completion }, tokenizer, { seqLen: opts.seqLen, trainOnPrompt: false, endId: opts.endId });
  const chosen = side(pair.chosen);
  const rejected = side(pair.rejected);
  return { example: { chosen: chosen.example, rejected: rejected.example }, truncated: chosen.truncated || rejected.truncated };
}

export interface PreferenceData {
  train: PreferenceExample[];
  val: PreferenceExample[];
  truncated: number;
  skipped: { where: string; reason: string }[];
}

/**
 * The dataset's training and validation pairs (the last tenth of train is held out when there is no validation
 * split); a row that makes no pair throws naming its record, unless `skipInvalid`. Trainers call this before they
 * create a run, so a bad row leaves no run behind.
 */
export function readPreferencePairs(dataDir: string, dataset: Dataset, opts: PreferencePairOptions): { train: PreferencePair[]; val: PreferencePair[]; skipped: { where: string; reason: string }[] } {
  const style = preferenceStyle(dataset.mapping, dataset.name);
  const located = (split: 'train' | 'validation'): LocatedRow[] => {
    const { rows, indices } = readRows(datasetDir(dataDir, dataset.id), split, 0, Math.max(1, dataset.splits[split] ?? 0));
    return rows.map((values, i) => ({ values, where: `dataset ${dataset.name} record ${indices[i] + 1} (of ${dataset.sourcePath}, in file order)` }));
  };
  const train = preferencePairs(located('train'), dataset.mapping, style, opts);
  let trainPairs = train.pairs;
  let valPairs: PreferencePair[] = [];
  const skipped = [...train.skipped];
  if ((dataset.splits.validation ?? 0) > 0) {
    const val = preferencePairs(located('validation'), dataset.mapping, style, opts);
    valPairs = val.pairs;
    skipped.push(...val.skipped);
  }
  if (valPairs.length === 0) {
    const n = Math.max(1, Math.floor(trainPairs.length / 10));
    valPairs = trainPairs.slice(-n);
    trainPairs = trainPairs.slice(0, -n);
  }
  if (trainPairs.length === 0) throw new StudioError('invalid_params', `dataset ${dataset.name} has no training pair left (${skipped.length} rows make none)`, { field: 'dataset' });
  return { train: trainPairs, val: valPairs, skipped };
}

/** readPreferencePairs, tokenized. */
export function loadPreferenceData(dataDir: string, dataset: Dataset, tokenizer: TextTokenizer, opts: TokenizePairOptions & PreferencePairOptions): PreferenceData {
  const { train, val, skipped } = readPreferencePairs(dataDir, dataset, opts);
  let truncated = 0;
  // every side scores a token: pairs have non-empty completions, and a cut keeps at least half the window for them
  const tokenize = (pairs: PreferencePair[]): PreferenceExample[] =>
    pairs.map((p) => {
      const t = tokenizePair(p, tokenizer, opts);
      if (t.truncated) truncated++;
      return t.example;
    });
  return { train: tokenize(train), val: tokenize(val), truncated, skipped };
}
