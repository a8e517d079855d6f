// Chat templates (Jinja, as in tokenizer_config.json) and the zero/one/few-shot prompt builder.
import { describe, expect, it } from 'vitest';
import { CHATML_TEMPLATE, renderChatTemplate } from '../../native/text/chat-template.ts';
import { buildPrompt, drawExamples, fill } from '../../native/text/prompt.ts';

// The Llama-2 chat template as shipped in meta-llama/Llama-2-7b-chat-hf's tokenizer_config.json (abridged: no system message).
const LLAMA2 =
  "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}" +
  "{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'].strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ ' ' + message['content'].strip() + ' ' + eos_token }}{% endif %}{% endfor %}";

describe('chat templates', () => {
  it('renders ChatML with a generation prompt', () => {
    const out = renderChatTemplate(CHATML_TEMPLATE, [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }]);
    expect(out).toBe('<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n');
    expect(renderChatTemplate(CHATML_TEMPLATE, [{ role: 'user', content: 'Hi' }], { addGenerationPrompt: false })).not.toContain('assistant');
  });
  it('renders the Llama-2 template with bos/eos and raises its own exceptions', () => {
    const msgs = [{ role: 'user', content: ' Hello ' }, { role: 'assistant', content: 'Hi!' }, { role: 'user', content: 'Bye' }];
    expect(renderChatTemplate(LLAMA2, msgs, { bosToken: '<s>', eosToken: '</s>' })).toBe('<s>[INST] Hello [/INST] Hi! </s>[INST] Bye [/INST]');
    expect(() => renderChatTemplate(LLAMA2, [{ role: 'assistant', content: 'x' }])).toThrow(/roles must alternate/);
  });
});

describe('prompt builder', () => {
  const rows = [
    { dialogue: 'A: hi', summary: 'greeting' },
    { dialogue: 'A: bye', summary: 'farewell' },
    { dialogue: 'A: thanks', summary: 'gratitude' },
    { dialogue: 'A: sorry', summary: 'apology' },
  ];
  const t = { instruction: 'Summarise the dialogue.', input: 'Dialogue: {{dialogue}}', output: 'Summary: {{summary}}', answerPrefix: 'Summary:' };
  it('zero-shot: instruction, query, answer prefix', () => {
    expect(buildPrompt(t, rows[0])).toBe('Summarise the dialogue.\n\nDialogue: A: hi\nSummary:');
  });
  it('leaves out an input block whose placeholders are all empty in the row, in examples and in the query', () => {
    const alpaca = { input: 'Instruction:\n{{instruction}}\n\nInput:\n{{input}}\n\nNote: always kept', output: 'Output: {{output}}', answerPrefix: 'Output:' };
    const withInput = { instruction: 'Continue.', input: 'Tom ran.', output: 'He fell.' };
    const without = { instruction: 'Name a colour.', input: '  ', output: 'Blue.' };
    expect(buildPrompt(alpaca, without)).toBe('Instruction:\nName a colour.\n\nNote: always kept\nOutput:');
    expect(buildPrompt(alpaca, withInput)).toBe('Instruction:\nContinue.\n\nInput:\nTom ran.\n\nNote: always kept\nOutput:');
    expect(buildPrompt(alpaca, withInput, { shots: 1, pool: [without] })).toBe('Instruction:\nName a colour.\n\nNote: always kept\nOutput: Blue.\n\nInstruction:\nContinue.\n\nInput:\nTom ran.\n\nNote: always kept\nOutput:');
  });
  it('few-shot draws distinct examples (never the query), reproducibly by seed', () => {
    const p = buildPrompt(t, rows[0], { shots: 2, pool: rows, seed: 7 });
    expect(p.match(/Summary: \w+/g)!.length).toBe(2);
    expect(p).not.toContain('greeting');
    expect(p.endsWith('Dialogue: A: hi\nSummary:')).toBe(true);
    expect(buildPrompt(t, rows[0], { shots: 2, pool: rows, seed: 7 })).toBe(p);
    const draws = new Set([1, 2, 3, 4, 5, 6].map((seed) => drawExamples(rows, 1, seed)[0].summary));
    expect(draws.size).toBeGreaterThan(1);
  });
  it('errors name the missing column and impossible shot counts', () => {
    expect(() => fill('{{text}}', { dialogue: 'x' })).toThrow(/no column 'text' \(columns: dialogue\)/);
    expect(() => buildPrompt(t, rows[0], { shots: 4, pool: rows })).toThrow(/only 3 rows/);
  });
});
