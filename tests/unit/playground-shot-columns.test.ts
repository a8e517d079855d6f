// The few-shot builder's starting columns: an instruction set (instruction, input, output) showed 'input' as both the
// example's input and its answer, because the answer's fallbacks skipped the `output` field and took the second column.
import { describe, expect, it } from 'vitest';
import { defaultAnswerColumn, defaultInputColumn } from '../../renderer/src/pages/playground/shotColumns.ts';

const dataset = (columns: string[], mapping: Record<string, string>) => ({ columns, mapping });

describe('the few-shot builder\'s default columns', () => {
  it('takes an instruction set\'s input and output', () => {
    const d = dataset(['instruction', 'input', 'output'], { instruction: 'instruction', input: 'input', output: 'output' });
    expect([defaultInputColumn(d), defaultAnswerColumn(d, defaultInputColumn(d))]).toEqual(['input', 'output']);
  });

  it('takes a summarisation set\'s input and target, and a classifier\'s text and label', () => {
    const sum = dataset(['id', 'dialogue', 'summary'], { input: 'dialogue', target: 'summary' });
    expect([defaultInputColumn(sum), defaultAnswerColumn(sum, 'dialogue')]).toEqual(['dialogue', 'summary']);
    const cls = dataset(['sentence', 'label'], { text: 'sentence', label: 'label' });
    expect([defaultInputColumn(cls), defaultAnswerColumn(cls, 'sentence')]).toEqual(['sentence', 'label']);
  });

  it('never answers with the input column, mapped or not', () => {
    const unmapped = dataset(['a', 'b'], {});
    expect([defaultInputColumn(unmapped), defaultAnswerColumn(unmapped, 'a')]).toEqual(['a', 'b']);
    // the user chose the second column as the input: the answer moves off it
    expect(defaultAnswerColumn(unmapped, 'b')).toBe('a');
    expect(defaultAnswerColumn(dataset(['only'], {}), 'only')).toBe('');
  });
});
