// The rules for a prompt longer than its budget, in one place.
//
// An instruction prompt (an evaluation's, a fine-tuning example's) loses its middle: its head holds the instruction
// ("Summarize the dialogue in one sentence.") and its tail the cue to answer ("Summary:", "\n\nAssistant:", a chat
// template's assistant header), and only the input between them can go. Fine-tuning and evaluation cut by the same
// function (cutMiddle), so a fine-tune is evaluated on the prompt it was trained on, cut as it was trained on it.
//
// A preference, reward or PPO prompt (a conversation, or a text a score is read at the end of) keeps its end (fitPrompt):
// the last turns and the cue to answer; the leading BOS the model was trained to see first stays in both rules.

/** The first and last tokens of `tokens`, `keep` in all (the later half gets the odd one). */
export function cutMiddle(tokens: number[], keep: number): number[] {
  if (keep >= tokens.length) return tokens;
  const first = Math.floor(keep / 2);
  return [...tokens.slice(0, first), ...tokens.slice(tokens.length - (keep - first))];
}

export interface FittedPrompt {
  ids: number[];
  /** Tokens dropped (0 when the prompt fit). */
  truncated: number;
  /** Where the dropped tokens were: the number of `ids` before them (a leading BOS included); null when none were. */
  cutAt: number | null;
}

/**
 * An instruction prompt cut to `budget` tokens as fine-tuning cuts one (cutMiddle, after a leading BOS): it keeps its
 * start, where the instruction is, and its end, where the cue to answer is, and loses the middle of its input.
 */
export function fitPromptMiddle(ids: number[], budget: number, bos: number | null): FittedPrompt {
  if (ids.length <= budget) return { ids, truncated: 0, cutAt: null };
  const lead = bos !== null && ids[0] === bos ? 1 : 0;
  const keep = budget - lead;
  return {
    ids: [...ids.slice(0, lead), ...cutMiddle(ids.slice(lead), keep)],
    truncated: ids.length - budget,
    cutAt: lead + Math.floor(keep / 2),
  };
}

/** Drop tokens from the left until the prompt fits, keeping a leading BOS; `truncated` counts the tokens dropped. */
export function fitPrompt(ids: number[], budget: number, bos: number | null): { ids: number[]; truncated: number } {
  if (ids.length <= budget) return { ids, truncated: 0 };
  const keepBos = bos !== null && ids[0] === bos;
  const tail = ids.slice(ids.length - (keepBos ? budget - 1 : budget));
  return { ids: keepBos ? [bos, ...tail] : tail, truncated: ids.length - budget };
}
