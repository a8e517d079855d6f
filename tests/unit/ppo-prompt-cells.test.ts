// PPO's prompts are read from a dataset column (ppo.ts' readPrompts). A preference dataset's prompt column holds lists
// of messages (LLaMA-Factory's conversations, TRL's conversational prompts): read with String(), every prompt was
// '[object Object]', and the run trained on that without a word. promptCellText renders such a list as DPO renders
// a pair's prompt (the model's chat template, else HH-RLHF's layout), keeps text as it is, and refuses what is neither.
import { describe, expect, it } from 'vitest';
import { PreferenceRowError } from '../../native/data/preferences.ts';
import type { TextTokenizer } from '../../native/text/tokenizer.ts';
import { promptCellText } from '../../native/train/preference-examples.ts';

/** A tokenizer without a chat template: renderPrompt writes "\n\nHuman: …\n\nAssistant:". */
const plain = { chatTemplate: null } as unknown as TextTokenizer;

describe('promptCellText', () => {
  it('keeps text (and numbers) as they are, an empty cell empty', () => {
    expect(promptCellText('Once upon a time', plain)).toBe('Once upon a time');
    expect(promptCellText(42, plain)).toBe('42');
    expect(promptCellText(null, plain)).toBe('');
    expect(promptCellText(undefined, plain)).toBe('');
  });

  it('renders a list of messages, {from, value} or {role, content}, ending where the assistant answers', () => {
    const conversation = [{ from: 'system', value: 'Be brief.' }, { from: 'human', value: 'Hi!' }];
    expect(promptCellText(conversation, plain)).toBe('\n\nSystem: Be brief.\n\nHuman: Hi!\n\nAssistant:');
    expect(promptCellText([{ role: 'user', content: 'Why?' }], plain)).toBe('\n\nHuman: Why?\n\nAssistant:');
  });

  it('refuses a cell that is neither text nor a list of messages, saying what it holds', () => {
    expect(() => promptCellText({ from: 'human', value: 'Hi!' }, plain)).toThrow(PreferenceRowError);
    expect(() => promptCellText({ from: 'human', value: 'Hi!' }, plain)).toThrow('the prompt is {"from":"human","value":"Hi!"}, not text or a list of messages');
    expect(() => promptCellText([{ from: 'human' }], plain)).toThrow('prompt: a message has no text (value or content)');
  });
});
