// "Did you mean" for a value of a flag that takes one of a fixed set: the allowed value clearly meant, or none.
import { describe, expect, it } from 'vitest';
import { closestChoice, didYouMean, editDistance } from '../../native/cli/suggest.ts';

const METRICS = ['rouge1', 'rouge2', 'rougeL', 'rougeLsum', 'bleu', 'chrf', 'exact_match', 'f1', 'accuracy', 'rouge', 'em_f1'];
const TASKS = ['chat', 'qa', 'summarization', 'classification', 'ner', 'generation'];

describe('closestChoice', () => {
  it('reads past case, separators and British spelling', () => {
    expect(closestChoice('rouge-l', METRICS)).toBe('rougeL');
    expect(closestChoice('ROUGE_LSUM', METRICS)).toBe('rougeLsum');
    expect(closestChoice('exact-match', METRICS)).toBe('exact_match');
    expect(closestChoice('summarisation', TASKS)).toBe('summarization');
  });

  it('takes a typo, a swap of two letters counting as one', () => {
    expect(editDistance('rogue', 'rouge')).toBe(1);
    expect(closestChoice('rogue', METRICS)).toBe('rouge');
    expect(closestChoice('bleau', METRICS)).toBe('bleu');
    expect(closestChoice('clasification', TASKS)).toBe('classification');
  });

  it('guesses nothing when two values are as near, or none is near', () => {
    expect(closestChoice('rouge3', METRICS)).toBeUndefined(); // rouge1, rouge2 and rouge alike
    expect(closestChoice('perplexity', TASKS)).toBeUndefined();
    expect(closestChoice('xx', TASKS)).toBeUndefined();
  });

  it('words the guess for a refusal, or adds nothing', () => {
    expect(didYouMean('rogue', METRICS)).toBe(" Did you mean 'rouge'?");
    expect(didYouMean('zzz', METRICS)).toBe('');
  });
});
