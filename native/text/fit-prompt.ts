// The one rule for a prompt longer than its budget (evaluation prompts, PPO's prompts): keep its end, where the
// question and the cue to answer sit ("Answer:", "\n\nAssistant:", a chat template's assistant header), and the
// leading BOS the model was trained to see first.

/** Drop tokens from the left until the prompt fits, keeping a leading BOS; `truncated` counts the tokens dropped. */
export function fitPrompt(ids: number[], budget: number, bos: number | null): { ids: number[]; truncated: number } {
  if (ids.length <= budget) return { ids, truncated: 0 };
  const keepBos = bos !== null && ids[0] === bos;
  const tail = ids.slice(ids.length - (keepBos ? budget - 1 : budget));
  return { ids: keepBos ? [bos, ...tail] : tail, truncated: ids.length - budget };
}
