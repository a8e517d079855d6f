// An output card's label names what made the answer on screen, and says so when the form has moved on since:
// an answer made greedily, then the form switched to sampling, must not read as if the label were current.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, madeWith, outputSubtitle } from '../../renderer/src/pages/playground/settings.ts';

const greedy = madeWith('stories260K', 'mdl_1', DEFAULT_SETTINGS);
const sampling = madeWith('stories260K', 'mdl_1', { ...DEFAULT_SETTINGS, strategy: 'sample' });

describe('playground output label', () => {
  it('before a generation, names what Generate will use', () => {
    expect(outputSubtitle(null, sampling).replaceAll('\u2011', '-').replaceAll('\u00a0', ' ')).toBe('stories260K · Sampling · T 0.8 · top-k 40 · top-p 0.95');
  });

  it('keeps each setting with its value on one line: a narrow column breaks between them, not at "top-" or "T"', () => {
    const parts = madeWith('stories260K', 'mdl_1', { ...DEFAULT_SETTINGS, strategy: 'sample', minP: 0.05, repetitionPenalty: 1.1, noRepeatNgramSize: 3 }).label.split(' · ');
    expect(parts).toHaveLength(8);
    for (const part of parts.slice(1)) expect(part, part).not.toMatch(/[- ]/); // an ASCII hyphen or space is a place to break
    expect(parts).toContain('top\u2011p\u00a00.95');
    expect(parts).toContain('no\u2011repeat\u00a03');
  });

  it('after one, names what made the answer, and says when the settings changed since', () => {
    expect(outputSubtitle(greedy, greedy)).toBe('stories260K · Greedy');
    expect(outputSubtitle(greedy, sampling)).toBe('stories260K · Greedy — settings changed since');
  });

  it('notices a change the short summary leaves out (max new tokens, the model)', () => {
    expect(outputSubtitle(greedy, madeWith('stories260K', 'mdl_1', { ...DEFAULT_SETTINGS, maxNewTokens: 20 }))).toMatch(/changed since$/);
    expect(outputSubtitle(greedy, madeWith('other', 'mdl_2', DEFAULT_SETTINGS))).toMatch(/^stories260K · Greedy — settings changed since$/);
  });
});
