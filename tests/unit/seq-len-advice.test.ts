// A warning that examples were cut to the sequence length says what to do: name --seq-len and how far it goes (the
// model's context) while a longer one would help, and say at the context that no longer one fits. The warning said
// only '427 of 450 examples are longer than 256 tokens and were cut'.
import { describe, expect, it } from 'vitest';
import { asSentence, longerPromptAdvice, longerSeqLenAdvice } from '../../native/api/cut-advice.ts';
import { settingName } from '../../native/api/labels.ts';
import { finetuneCutWarning } from '../../native/api/train.ts';
import * as validate from '../../native/train/validate.ts';

describe('longerSeqLenAdvice', () => {
  it("in a run's log (the CLI prints it), names --seq-len, the Studio form's Sequence length, and the model context while the sequence length is below it", () => {
    expect(longerSeqLenAdvice(256, 512, 'log')).toBe("a longer sequence length (--seq-len, “Sequence length” in the studio) keeps more of them, up to 512, the model's context");
  });

  it("in the studio, names the form's field alone, not the CLI flag", () => {
    expect(longerSeqLenAdvice(256, 512, 'studio')).toBe("a longer sequence length (the “Sequence length” setting) keeps more of them, up to 512, the model's context");
    expect(longerPromptAdvice(448, 448, 'maxNewTokens', 'studio')).toBe('a max prompt length of 448 already leaves the completion as little room as it can; fewer new tokens (the “Max new tokens” setting) let the prompt grow');
  });

  it('at the context, says none longer fits and what keeps more', () => {
    expect(longerSeqLenAdvice(512, 512, 'log')).toBe("the sequence length is already the model's context (512), so no longer one fits: shorter texts, or a model with a longer context, would keep more");
  });

  it('without the context (an outcome from before it was recorded), a longer one if memory allows', () => {
    expect(longerSeqLenAdvice(512, undefined, 'log')).toBe('a longer sequence length (--seq-len, “Sequence length” in the studio) keeps more of them, if memory allows');
  });

  // the run log said 'a longer sequence length (…) keeps more of them, up to 512, model s260k's context' and the run
  // view 'Raise the sequence length (…) if memory allows.': two sentences, two sources, for one piece of advice
  it("is one wording for the run's log and its run view", () => {
    expect(validate.longerSeqLenAdvice).toBe(longerSeqLenAdvice);
    expect(validate.longerPromptAdvice).toBe(longerPromptAdvice);
    for (const seqLen of [256, 512]) expect(finetuneCutWarning({ truncatedExamples: 3, modelContext: 512 }, seqLen)!.detail.endsWith(` ${asSentence(longerSeqLenAdvice(seqLen, 512, 'studio'))}`)).toBe(true);
    // the two differ only in how they name the setting: the log (the CLI prints it) by flag and field, the run view by field
    expect(longerSeqLenAdvice(256, 512, 'log').replace(settingName('seqLen', 'log'), settingName('seqLen', 'studio'))).toBe(longerSeqLenAdvice(256, 512, 'studio'));
    expect(asSentence(longerSeqLenAdvice(512, 512, 'log'))).toBe("The sequence length is already the model's context (512), so no longer one fits: shorter texts, or a model with a longer context, would keep more.");
  });
});

// A warning that prompts were cut to the longest prompt length named neither the setting nor its flag (reward runs:
// '37 pairs have a prompt longer than 128 tokens, cut to its end').
describe('longerPromptAdvice', () => {
  it('names Max prompt length, --max-prompt-len and how far it may go while the completion keeps room', () => {
    expect(longerPromptAdvice(128, 255, { seqLen: 256, context: 512 }, 'log')).toBe('a longer max prompt length (--max-prompt-len, “Max prompt length” in the studio) keeps more of them, up to 255');
  });

  it('at that limit, names the sequence length instead', () => {
    expect(longerPromptAdvice(255, 255, { seqLen: 256, context: 512 }, 'log')).toBe('a max prompt length of 255 already leaves the completion as little room as it can; a longer sequence length (--seq-len, “Sequence length” in the studio) lets the prompt grow');
  });

  // at that limit it advised a longer sequence length to a run already at the model's context, and to PPO, which has none
  it("at that limit and the model's context, says no longer sequence length fits", () => {
    expect(longerPromptAdvice(511, 511, { seqLen: 512, context: 512 }, 'log')).toBe("a max prompt length of 511 already leaves the completion as little room as it can, and the sequence length is already the model's context (512): shorter prompts, or a model with a longer context, would keep more");
  });

  it('PPO: at that limit, names the new tokens, which share the context with the prompt', () => {
    expect(longerPromptAdvice(448, 448, 'maxNewTokens', 'log')).toBe('a max prompt length of 448 already leaves the completion as little room as it can; fewer new tokens (--max-new-tokens, “Max new tokens” in the studio) let the prompt grow');
    expect(longerPromptAdvice(128, 448, 'maxNewTokens', 'log')).toBe('a longer max prompt length (--max-prompt-len, “Max prompt length” in the studio) keeps more of them, up to 448');
  });
});
