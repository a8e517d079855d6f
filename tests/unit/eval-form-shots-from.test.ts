// The Evaluate form's check of few-shot examples drawn from another dataset: the prompt's layout names columns, and
// a source dataset that supplies one of them neither by name nor through its mapping is flagged before the run starts
// (the engine would refuse the run at start: the same rule, native/api/shot-columns.ts), with the column and the
// source's own columns named. Also the Examples field's help when N exceeds the split.
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../native/api/schemas.ts';
import { initialForm, limitHelp, problems, shotColumnMissing, withDefaultLimit, type EvalForm } from '../../renderer/src/pages/evaluate/evalForm.ts';

function dataset(name: string, columns: string[], mapping: Dataset['mapping'], train: number): Dataset {
  return {
    id: `ds_${name}`, projectId: null, name, sourcePath: `/data/${name}.jsonl`, format: 'jsonl', compressed: false, columns,
    rowCount: train + 10, contentHash: 'h', mapping, splits: { train, validation: 0, test: 10 }, splitSeed: 0, skippedRows: [], createdAt: '2026-12-06T00:00:00Z',
  };
}

const reviewsTest = dataset('reviews-test', ['sentence', 'label'], { input: 'sentence', label: 'label' }, 0);
const reviewsTrain = dataset('reviews-train', ['sentence', 'label', 'idx'], { input: 'sentence', label: 'label' }, 40);
const dialogues = dataset('dialogsum', ['dialogue', 'summary'], { input: 'dialogue', target: 'summary' }, 40);

function fewShot(patch: Partial<EvalForm> = {}): EvalForm {
  return { ...initialForm(['exact_match']), modelId: 'm', datasetId: reviewsTest.id, prompt: 'few', shots: 3, shotsFromId: reviewsTrain.id, ...patch };
}

describe('few-shot examples from another dataset', () => {
  it('accepts a source with the columns the default layout reads', () => {
    expect(shotColumnMissing(fewShot(), reviewsTest, reviewsTrain)).toBeNull();
    expect(problems(fewShot(), reviewsTest, reviewsTrain).shots).toBeUndefined();
  });

  it('names the first column the source supplies neither by name nor through its mapping, and the columns it has', () => {
    // 'sentence' is the input, and dialogsum maps its input (dialogue); nothing of dialogsum is mapped to label
    expect(shotColumnMissing(fewShot(), reviewsTest, dialogues)).toBe('label');
    expect(problems(fewShot({ shotsFromId: dialogues.id }), reviewsTest, dialogues).shots)
      .toBe("The prompt reads the column 'label', and dialogsum has none and maps no column to label (its columns: dialogue, summary): map the column that holds it to label on the Datasets page, or take the examples from a dataset with the same columns.");
  });

  it('reads a column the source names otherwise through its mapping, as the engine does (DialogSum dev → test)', () => {
    const dev = dataset('dialogsum-dev', ['dialogue', 'summary'], { input: 'dialogue', target: 'summary' }, 40);
    const test = dataset('dialogsum-test', ['dialogue', 'summary1', 'summary2'], { input: 'dialogue', target: 'summary1' }, 0);
    const form = fewShot({ metrics: ['rougeL'], datasetId: test.id, shotsFromId: dev.id });
    expect(shotColumnMissing(form, test, dev)).toBeNull();
    expect(problems(form, test, dev).shots).toBeUndefined();
  });

  it('reads a custom layout’s placeholders, not the mapping', () => {
    const custom = fewShot({ customTemplate: true, template: { instruction: '', input: 'Text: {{sentence}} ({{idx}})', output: 'Label: {{label}}', answerPrefix: 'Label:' } });
    expect(shotColumnMissing(custom, reviewsTrain, reviewsTest)).toBe('idx');
    const noIdx = dataset('reviews-b', ['sentence', 'label'], { input: 'sentence', label: 'label' }, 40); // idx is in no mapping
    expect(problems({ ...custom, shotsFromId: noIdx.id }, reviewsTrain, noIdx).shots)
      .toBe("The prompt reads the column 'idx', and reviews-b has none (its columns: sentence, label): take the examples from a dataset with the same columns.");
    expect(shotColumnMissing(custom, reviewsTest, reviewsTrain)).toBeNull();
  });

  it('says nothing about columns for zero-shot or perplexity runs, or when too few train rows is the problem (counted in words)', () => {
    expect(problems(fewShot({ prompt: 'zero' }), reviewsTest, dialogues).shots).toBeUndefined();
    expect(problems(fewShot({ metrics: ['perplexity'] }), reviewsTest, dialogues).shots).toBeUndefined();
    const tiny = dataset('tiny', ['dialogue'], { input: 'dialogue' }, 1);
    expect(problems(fewShot({ shotsFromId: tiny.id }), reviewsTest, tiny).shots).toBe('3-shot prompts draw examples from the train split, and tiny has 1 train row.');
  });
});

describe('the Examples field', () => {
  it('says when N asks for more rows than the split has: the run takes them all', () => {
    expect(limitHelp('50', 4)).toBe('The split has 4 rows: all 4 will be evaluated, not 50.');
    expect(limitHelp('4', 4)).toBe('The first N of 4 rows; empty for all. Fewer runs faster, with a wider interval.');
    expect(limitHelp('', 1500)).toBe('The first N of 1,500 rows; empty for all. Fewer runs faster, with a wider interval.');
    expect(limitHelp('50', null)).toBe('Evaluate the first N rows of the split.');
  });

  it('defaults to the split when it is smaller than 50, and keeps a number the user typed', () => {
    const untouched = initialForm(['exact_match']);
    expect(untouched.limit).toBe('50');
    expect(withDefaultLimit(untouched, null)).toBe(untouched);
    expect(withDefaultLimit(untouched, 4).limit).toBe('4');
    expect(withDefaultLimit(untouched, 1500)).toBe(untouched);
    // another, larger split goes back to the default
    expect(withDefaultLimit(withDefaultLimit(untouched, 4), 200).limit).toBe('50');
    const typed = { ...untouched, limit: '30', limitTyped: true };
    expect(withDefaultLimit(typed, 4)).toBe(typed);
  });
});
