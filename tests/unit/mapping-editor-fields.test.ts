// The column mapping editor's fields and the mapping it saves (renderer/src/pages/datasets/mappingFields.ts): it
// starts from every field the dataset maps and shows each, so a save never drops one the user did not set to None.
// It showed and saved only the task's and the pair's fields: an instruction dataset (instruction / input / output)
// in a summarisation project lost its instruction and output on the first save of the task's Document and Summary.
import { describe, expect, it } from 'vitest';
import { formatForMapping } from '../../native/api/train.ts';
import { FORMAT_FIELDS, mappedFields, mappingSections, namesItself, otherCompleteFormat, otherFormats, startingMapping, stillNeeded, suggestedFields, withField } from '../../renderer/src/pages/datasets/mappingFields.ts';

const alpaca = { columns: ['instruction', 'input', 'output'], mapping: { instruction: 'instruction', input: 'input', output: 'output' } };

describe('the column mapping editor', () => {
  it('starts from the whole mapping, with a guess for each required task field it leaves unmapped', () => {
    const start = startingMapping(alpaca, 'summarization');
    expect(start).toEqual({ instruction: 'instruction', input: 'input', output: 'output', target: 'output' });
    // What the engine trains on stays what the import mapped.
    expect(formatForMapping(start, alpaca.columns)).toBe('instruction');
    // Nothing to suggest: the start is the dataset's own mapping, so the editor reads "Saved".
    const pairs = { columns: ['prompt', 'chosen', 'rejected'], mapping: { prompt: 'prompt', chosen: 'chosen', rejected: 'rejected' } };
    expect(startingMapping(pairs, 'chat')).toEqual(pairs.mapping);
  });

  it('shows every mapped field: the task’s, the pair’s, and each other one by its own name in the engine’s order', () => {
    const sections = mappingSections('summarization', { output: 'output', zzz: 'input', instruction: 'instruction', input: 'input', chosen: 'output' });
    expect(sections.task.map((f) => f.name)).toEqual(['input', 'target']);
    expect(sections.pairs.map((f) => f.name)).toEqual(['prompt', 'chosen', 'rejected']);
    expect(sections.others.map((f) => [f.name, f.label, f.required])).toEqual([['instruction', 'instruction', false], ['output', 'output', false], ['zzz', 'zzz', false]]);
    expect(sections.others[0].help).toBe('For the instruction or user message (instruction format, chat).');
    expect(sections.others[2].help).toMatch(/No part of Lathe reads this field/);
    // A field the task shows is not shown twice: chat shows instruction, input and output as its own.
    expect(mappingSections('chat', alpaca.mapping).others).toEqual([]);
  });

  it('drops a field only when it is set to None, and changes only the field given', () => {
    const start = startingMapping(alpaca, 'summarization');
    expect(withField(start, 'target', 'input')).toEqual({ ...start, target: 'input' });
    const { instruction: _dropped, ...rest } = start;
    expect(withField(start, 'instruction', '')).toEqual(rest);
    expect(start.instruction).toBe('instruction'); // not changed in place
  });

  // It asked for the task's required fields whatever else was mapped (but for a preference pair), so an instruction
  // set in a question-answering project could not be saved — not even its instruction column changed — without a
  // Question column it does not have, though the engine trains it as instruction → output.
  it('asks only for the fields of the format the mapping is complete for, when not the task’s', () => {
    const qa = startingMapping(alpaca, 'qa');
    expect(qa).toEqual({ ...alpaca.mapping, answer: 'output' }); // no column looks like a question
    expect(stillNeeded('qa', qa)).toEqual([]);
    expect(otherCompleteFormat('qa', qa)).toBe('instruction');
    expect(stillNeeded('qa', withField(qa, 'instruction', 'input'))).toEqual([]);
    // Without a whole other format, the task's fields are still needed: dropping the output leaves nothing complete.
    expect(stillNeeded('qa', withField(withField(qa, 'output', ''), 'answer', '')).map((f) => f.name)).toEqual(['question', 'answer']);
    // A pair, as before.
    expect(stillNeeded('summarization', { chosen: 'a', rejected: 'b' })).toEqual([]);
    // The task's own fields half mapped are not another format: text alone is a classification without its label.
    expect(otherCompleteFormat('classification', { text: 'text' })).toBe(null);
    expect(stillNeeded('classification', { text: 'text' }).map((f) => f.name)).toEqual(['label']);
    // A task complete for itself needs nothing, whatever else is mapped.
    expect(stillNeeded('summarization', { input: 'a', target: 'b' })).toEqual([]);
  });

  it('names each training format by the fields formatForMapping picks it from', () => {
    for (const [format, fields] of Object.entries(FORMAT_FIELDS)) {
      if (format === 'pairs') continue;
      expect(formatForMapping(Object.fromEntries(fields.map((f) => [f, f])), []), format).toBe(format);
      // each field is needed: without any one of them the format is not picked
      for (const left of fields) expect(formatForMapping(Object.fromEntries(fields.filter((f) => f !== left).map((f) => [f, f])), []), `${format} without ${left}`).not.toBe(format);
    }
  });

  it('offers every other training format to map, mapped or not, with the fields the other sections do not show', () => {
    // The "other formats" section listed only the fields already mapped: none could be added for a second format.
    const offered = otherFormats('summarization', alpaca.mapping);
    expect(offered.map((f) => f.format)).toEqual(['instruction', 'chat', 'qa', 'tagging', 'classification', 'text']);
    expect(offered.find((f) => f.format === 'instruction')).toEqual({ format: 'instruction', fields: ['instruction', 'output'], mapped: 2 });
    expect(offered.find((f) => f.format === 'qa')).toEqual({ format: 'qa', fields: ['question', 'answer'], mapped: 0 });
    // A format whose fields the task shows whole is the task's own: input → target here and in a text-generation project.
    expect(otherFormats('generation', {}).map((f) => f.format)).not.toContain('summary');
    expect(otherFormats('classification', { text: 't' }).find((f) => f.format === 'text')).toBeUndefined();
  });

  it('names the mapped fields as the editor does, on Datasets and Fine-tune alike, and tells a guess from the saved mapping', () => {
    // Fine-tune listed "instruction ← instruction, input ← input" beside the editor's "Prompt ← input".
    const mapped = mappedFields('generation', alpaca.mapping);
    expect(mapped.map((f) => `${f.label} ← ${f.column}`)).toEqual(['Prompt ← input', 'instruction ← instruction', 'output ← output']);
    expect(mapped.map(namesItself)).toEqual([false, true, true]);
    // Text is the editor's guess, not the saved mapping: said so until saved.
    expect(suggestedFields(alpaca, 'generation')).toEqual([{ field: 'target', label: 'Text', column: 'output' }]);
    expect(suggestedFields({ ...alpaca, mapping: { ...alpaca.mapping, target: 'output' } }, 'generation')).toEqual([]);
  });
});
