// Why the playground's Generate is grey (renderer/src/pages/playground/generateBlocker.ts): one function decides the
// button, its Ctrl+Enter and the line beside it. A chat prompt to a model whose card could not be read said "wait
// for this model's chat template: it is loading" for good; it now says why and what to do.
import { describe, expect, it } from 'vitest';
import { generateBlocker, type GenerateInputs } from '../../renderer/src/pages/playground/generateBlocker.ts';

const chat = { style: 'chat' as const, plain: '', built: '', messages: [{ role: 'user' as const, content: 'Tell me a story.' }] };
const inputs = (over: Partial<GenerateInputs>): GenerateInputs => ({ modelsLoaded: true, modelId: 'm1', hasChatTemplate: true, cardError: null, prompt: chat, side: null, ...over });

describe('why Generate is grey', () => {
  it('is null when a chat prompt goes to a model with a template', () => {
    expect(generateBlocker(inputs({}))).toBeNull();
  });

  it('waits for the model list, then asks for a model (naming the side in A / B)', () => {
    expect(generateBlocker(inputs({ modelsLoaded: false, modelId: null }))).toBe('To generate, wait for the model list: it is loading.');
    expect(generateBlocker(inputs({ modelId: null, side: 'B' }))).toBe('To generate, choose a model in Settings for side B.');
  });

  it('waits for the chat template while the card loads, and says why when the card could not be read', () => {
    expect(generateBlocker(inputs({ hasChatTemplate: null }))).toBe('To generate, wait for this model’s chat template: it is loading.');
    expect(generateBlocker(inputs({ hasChatTemplate: null, cardError: 'its folder /m is missing', side: 'A' })))
      .toBe('To generate a chat, choose another model or use a plain prompt: side A’s model’s card could not be read (its folder /m is missing).');
  });

  it('a card error does not grey a plain prompt, which needs no template', () => {
    expect(generateBlocker(inputs({ hasChatTemplate: null, cardError: 'gone', prompt: { ...chat, style: 'plain', plain: 'Once' } }))).toBeNull();
  });
});
