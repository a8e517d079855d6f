// Preference examples from a dataset: its rows read as pairs (native/data/preferences.ts), the prompt rendered through
// the model's chat template (or, without one, in HH-RLHF's "\n\nHuman: …\n\nAssistant:" layout, the one preference
// transcripts are written in), and each side tokenized as supervised examples are: BOS (where the tokenizer adds one)
// + prompt + completion + end token, labels only on the completion. A prompt longer than maxPromptLen keeps its end
// (where the question is).
import { pairPromptLen } from '../api/align.ts';
import { StudioError } from '../api/errors.ts';
import type { Dataset } from '../api/schemas.ts';
import { datasetDir, readRows } from '../data/files.ts';
import { preferencePairs, preferenceStyle, promptMessages, type LocatedRow, type PreferenceMessage, type PreferencePair, type PreferencePairOptions } from '../data/preferences.ts';
import { IGNORE_INDEX } from '../models/training-graph.ts';
import { fitPrompt } from '../text/fit-prompt.ts';
import type { TextTokenizer } from '../text/tokenizer.ts';
import { rewardWindow } from './reward-batches.ts';
import type { TrainEnv } from './run-env.ts';
import { bosFollowsTokenizer, exampleOfIds, type TokenizedExample } from './sft-examples.ts';
import { TokenizingTurns, tokenizingMessage } from './tokenize-in-turns.ts';
import { plural } from '../api/format.ts';

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

/** A DPO or pairwise reward run's longest prompt: its maxPromptLen, by default half its sequence length (one rule, which run views read too). */
export { pairPromptLen };

/** What a DPO or pairwise reward run records in its config at its start: its maxPromptLen counts the prompt's BOS. */
export const PROMPT_LEN_COUNTS_BOS = { promptLenCountsBos: true } as const;

/** How a DPO or pairwise reward run's pairs are tokenized and cut, from its config. */
export interface PairPromptRule {
  seqLen: number;
  maxPromptLen: number;
  promptLenCountsBos: boolean;
  /** Whether the prompt's BOS follows the tokenizer (bosFollowsTokenizer in sft-examples.ts). */
  bosFollowsTokenizer: boolean;
}

/** How a prompt-cut warning says the BOS was counted. */
export const bosCounted = (rule: Pick<PairPromptRule, 'promptLenCountsBos'>): string => (rule.promptLenCountsBos ? 'BOS included' : 'and its BOS, which this run, started before maxPromptLen counted it, does not count');

/**
 * How a DPO or pairwise reward run tokenizes and cuts its pairs' prompts, read from its config: its maxPromptLen
 * (pairPromptLen's default when absent), whether that counts the BOS, and whether there is a BOS where the tokenizer
 * adds none (bosFollowsTokenizer). Runs record promptLenCountsBos: true since it does; a config without it is from
 * before, when maxPromptLen tokens followed the BOS, and resumes (and is scored) by that rule, so it reads the prompts
 * it trained on; likewise a config without bosFollowsTokenizer.
 */
export const pairPromptRule = (config: { seqLen: number; maxPromptLen?: number; promptLenCountsBos?: boolean; bosFollowsTokenizer?: boolean }): PairPromptRule => ({
  seqLen: config.seqLen, maxPromptLen: pairPromptLen(config), promptLenCountsBos: config.promptLenCountsBos === true, bosFollowsTokenizer: bosFollowsTokenizer(config),
});

export interface TokenizePairOptions {
  seqLen: number;
  /** Longest prompt in tokens, its BOS included (as PPO's prompts count it); a longer one keeps its end and BOS (fitPrompt). */
  maxPromptLen: number;
  /** false: maxPromptLen counts the tokens after the BOS, the rule of runs from before it counted it (pairPromptRule); default true. */
  promptLenCountsBos?: boolean;
  /** false: the prompt's BOS whenever the tokenizer names one, the rule of runs from before bosFollowsTokenizer (pairPromptRule); default true. */
  bosFollowsTokenizer?: boolean;
  endId: number | null;
  /**
   * A reward model's sides: its score is read at the last token, so a side over seqLen tokens keeps its end and BOS
   * (rewardWindow, the rule RewardScorer cuts what it scores by) and is at most seqLen long. Otherwise (DPO) a side
   * keeps its completion's start and is at most seqLen + 1 long (tokenizeExample: inputs and their next token).
   */
  keepEnd?: boolean;
}

/** A pair's prompt as its examples begin: one BOS (where bosHead puts one), then its tokens, cut to maxPromptLen (its BOS and end kept: fitPrompt). */
interface PairPrompt {
  ids: number[];
  /** 1 when ids begin with the BOS, else 0. */
  lead: number;
  truncated: boolean;
}

type PairPromptOptions = Pick<TokenizePairOptions, 'maxPromptLen' | 'promptLenCountsBos' | 'bosFollowsTokenizer'>;

/** How pairwiseRewardIds cuts and begins a reward model's input: a PairPromptRule, its rules defaulting to the current ones. */
export type PairwiseIdsOptions = PairPromptOptions & { seqLen: number };

function pairPrompt(text: string, tokenizer: TextTokenizer, opts: PairPromptOptions): PairPrompt {
  const bos = tokenizer.bosTokenId;
  const { maxPromptLen, promptLenCountsBos: countsBos = true } = opts;
  // one BOS: a chat template that writes it puts it in the text, which encodes it
  const whole = [...tokenizer.bosHead(text, opts.bosFollowsTokenizer), ...tokenizer.encode(text, { addSpecialTokens: false })];
  const lead = bos !== null && whole[0] === bos ? 1 : 0;
  // the BOS is one of the prompt's tokens, as PPO's prompts (policyPrompt) count it: the model reads it (runs from
  // before that rule kept maxPromptLen tokens after it, and resume so)
  const ids = fitPrompt(whole, countsBos ? maxPromptLen : maxPromptLen + lead, bos).ids;
  return { ids, lead, truncated: ids.length < whole.length };
}

/**
 * A reward model's input: the prompt's ids, then the ids of the text that follows it, encoded apart (as a pair's sides
 * are), the whole cut to seqLen keeping its end and BOS (rewardWindow, the rule RewardScorer cuts what it scores by).
 */
function rewardSide(prompt: PairPrompt, following: number[], seqLen: number): { example: TokenizedExample; truncated: boolean } {
  const all = [...prompt.ids, ...following];
  const labels = [...prompt.ids.map(() => IGNORE_INDEX), ...following];
  // the positions rewardWindow keeps, so the labels are cut with their ids
  const kept = rewardWindow(all.map((_, i) => i), seqLen, prompt.lead ? 0 : null);
  return { example: { ids: kept.map((i) => all[i]), labels: kept.map((i) => labels[i]) }, truncated: kept.length < all.length };
}

/**
 * A prompt and the text that follows it as a pairwise reward model read its training pairs (tokenizePair with keepEnd:
 * the same functions): the prompt tokenized and cut to maxPromptLen on its own, the completion tokenized on its own,
 * the ids joined and cut to seqLen. `following` is the completion as written after the prompt (a pair's side is ' ' +
 * its completion without a chat template). Tokenized as one string, the tokens at the join can differ (":" + " Once"
 * merges otherwise in stories260K's tokenizer), and PPO's rewards were scores of sequences the model never trained on.
 */
export function pairwiseRewardIds(prompt: string, following: string, tokenizer: TextTokenizer, opts: PairwiseIdsOptions): number[] {
  return rewardSide(pairPrompt(prompt, tokenizer, opts), tokenizer.encode(following, { addSpecialTokens: false }), opts.seqLen).example.ids;
}

/**
 * Both sides of a pair as examples; `truncated`: either side was cut to the sequence length; `promptTruncated`: the
 * prompt was cut to maxPromptLen. The prompt is cut as ids (its BOS, then its last maxPromptLen − 1 tokens): decoding the
 * kept ids and encoding the text again could merge or split tokens at the cut, so the examples held other tokens
 * than the ones counted.
 */
export function tokenizePair(pair: PreferencePair, tokenizer: TextTokenizer, opts: TokenizePairOptions): { example: PreferenceExample; truncated: boolean; promptTruncated: boolean } {
  const prompt = pairPrompt(renderPrompt(pair.prompt, tokenizer), tokenizer, opts);
  const space = tokenizer.chatTemplate ? '' : ' '; // "Assistant: text", as the transcripts write it
  const end = opts.endId !== null ? [opts.endId] : [];
  const side = (completion: string) => {
    const ids = [...tokenizer.encode(space + completion, { addSpecialTokens: false }), ...end];
    if (opts.keepEnd) return rewardSide(prompt, ids, opts.seqLen);
    return exampleOfIds(prompt.ids.slice(0, prompt.lead), prompt.ids.slice(prompt.lead), ids, { seqLen: opts.seqLen, trainOnPrompt: false });
  };
  const chosen = side(pair.chosen);
  const rejected = side(pair.rejected);
  return { example: { chosen: chosen.example, rejected: rejected.example }, truncated: chosen.truncated || rejected.truncated, promptTruncated: prompt.truncated };
}

export interface PreferenceData {
  train: PreferenceExample[];
  val: PreferenceExample[];
  /** Pairs with a side cut to the sequence length. */
  truncated: number;
  /** Pairs whose prompt was cut to maxPromptLen (its end kept). */
  truncatedPrompts: number;
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
  if (trainPairs.length === 0) throw new StudioError('invalid_params', `dataset ${dataset.name} has no training pair left (${plural(skipped.length, 'row')} make${skipped.length === 1 ? 's' : ''} none)`, { field: 'dataset' });
  return { train: trainPairs, val: valPairs, skipped };
}

/** How preference pairs are tokenized in turns: the run's signal, and its progress line for `done` of `total` pairs. */
export interface PairTurns {
  signal: AbortSignal;
  onTokenized?: (done: number, total: number) => void;
}

/** A run's pair turns: its signal, and 'tokenizing the pairs: N of M' as its progress (DPO's and a pairwise reward run's alike). */
export function pairTurns(env: Pick<TrainEnv, 'signal' | 'progress'>): PairTurns {
  return { signal: env.signal, onTokenized: (done, total) => env.progress(0, tokenizingMessage('pairs', done, total), null) };
}

/**
 * readPreferencePairs, tokenized in turns (tokenize-in-turns.ts): a cancel is heard between batches of pairs, and then
 * this answers null (nothing may be trained on part of the data).
 */
export async function loadPreferenceData(dataDir: string, dataset: Dataset, tokenizer: TextTokenizer, opts: TokenizePairOptions & PreferencePairOptions, turns: PairTurns): Promise<PreferenceData | null> {
  const { train, val, skipped } = readPreferencePairs(dataDir, dataset, opts);
  let truncated = 0;
  let truncatedPrompts = 0;
  const counting = new TokenizingTurns(train.length + val.length, turns.signal, turns.onTokenized);
  // every side scores a token: pairs have non-empty completions, and a cut keeps at least half the window for them
  const tokenize = (pairs: PreferencePair[]): Promise<PreferenceExample[] | null> =>
    counting.map(pairs, (p) => {
      const t = tokenizePair(p, tokenizer, opts);
      if (t.truncated) truncated++;
      if (t.promptTruncated) truncatedPrompts++;
      return t.example;
    });
  const trainExamples = await tokenize(train);
  const valExamples = trainExamples && (await tokenize(val));
  if (!trainExamples || !valExamples) return null;
  return { train: trainExamples, val: valExamples, truncated, truncatedPrompts, skipped };
}
