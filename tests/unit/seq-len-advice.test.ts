// A warning that examples were cut to the sequence length says what to do: name --seq-len and how far it goes (the
// model's context) while a longer one would help, and say at the context that no longer one fits. The warning said
// only '427 of 450 examples are longer than 256 tokens and were cut'.
import { describe, expect, it } from 'vitest';
import { longerSeqLenAdvice } from '../../native/train/validate.ts';

describe('longerSeqLenAdvice', () => {
  it('names --seq-len and the model context while the sequence length is below it', () => {
    expect(longerSeqLenAdvice(256, 512, 's260k')).toBe("a longer sequence length (--seq-len) keeps more of them, up to 512, model s260k's context");
  });

  it('at the context, says none longer fits and what keeps them whole', () => {
    expect(longerSeqLenAdvice(512, 512, 's260k')).toBe("512 tokens is model s260k's whole context, so no longer sequence length fits: shorten them in the dataset to keep them whole");
  });
});
