// What a warning of inputs cut to fit says to change, in one wording for the run's log (the trainers' warnings, which
// the CLI prints: native/train, through validate.ts) and its run view (finetuneCutWarning, alignCutWarnings). Each
// names the setting for its reader (settingName): the log, which the CLI prints and the studio shows, by its flag and
// the form's field; a run view by the field alone. The advice is a clause: a log line puts it after "; ", a run
// view's callout as a sentence of its own (asSentence).
import { settingName, type SettingReader } from './labels.ts';

/**
 * What keeps more of the inputs cut to the sequence length: a longer one, up to the model's `context`; at the context
 * already, none longer fits, so shorter texts or a model with a longer context. Without the context (an outcome
 * written before it was recorded) a longer one, if memory allows.
 */
export function longerSeqLenAdvice(seqLen: number | undefined, context: number | undefined, reader: SettingReader): string {
  if (seqLen !== undefined && context !== undefined && seqLen >= context) {
    return `the sequence length is already the model's context (${context}), so no longer one fits: shorter texts, or a model with a longer context, would keep more`;
  }
  return `a longer sequence length (${settingName('seqLen', reader)}) keeps more of them, ${context === undefined ? 'if memory allows' : `up to ${context}, the model's context`}`;
}

/**
 * What keeps more of the prompts cut to the longest prompt length: a longer one while it leaves a completion room
 * (`room`: the longest prompt that does), else what makes more room: a longer sequence length (DPO, reward), below
 * the model's `context`; at the context none fits; PPO (`lift` 'maxNewTokens') shares the context with the new
 * tokens, so fewer of them.
 */
export function longerPromptAdvice(maxPromptLen: number, room: number, lift: { seqLen: number; context: number } | 'maxNewTokens', reader: SettingReader): string {
  if (maxPromptLen < room) return `a longer max prompt length (${settingName('maxPromptLen', reader)}) keeps more of them, up to ${room}`;
  const full = `a max prompt length of ${maxPromptLen} already leaves the completion as little room as it can`;
  if (lift === 'maxNewTokens') return `${full}; fewer new tokens (${settingName('maxNewTokens', reader)}) let the prompt grow`;
  if (lift.seqLen >= lift.context) return `${full}, and the sequence length is already the model's context (${lift.context}): shorter prompts, or a model with a longer context, would keep more`;
  return `${full}; a longer sequence length (${settingName('seqLen', reader)}) lets the prompt grow`;
}

/** Advice as a run view's sentence: capitalised, with a full stop. */
export const asSentence = (clause: string): string => `${clause.charAt(0).toUpperCase()}${clause.slice(1)}.`;
