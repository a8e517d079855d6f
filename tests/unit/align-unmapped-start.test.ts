// A DPO or reward start on a dataset whose mapping cannot feed it is refused by the engine in the CLI's words
// ('lathe dataset map … --text-column C'), with details that say what the run needs, the fields the mapping lacks and
// what it maps (UnmappedDataset). The alignment form words its own sentence from those details, without CLI flags,
// pointing at the Datasets mapping button under the dataset's preview (unmappedStartWords, the preview's wording).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDataset } from '../../native/data/import.ts';
import { importModelFolder } from '../../native/models/import.ts';
import { unmappedStartWords } from '../../renderer/src/pages/align/AlignDataPreview.tsx';
import { CONFIGS, charTokenizer, writeRandomCheckpoint } from '../fixtures/models/random-checkpoint.ts';
import { tempStudios } from './studio-calls.ts';

const studios = tempStudios('lathe-align-unmapped-', 'serve');

async function studioWithData() {
  const { studio, dataDir } = studios.open();
  const folder = path.join(dataDir, 'tiny-src');
  await writeRandomCheckpoint(folder, 'llama3', 5);
  const { tokenizer, tokenizerConfig } = charTokenizer(CONFIGS.llama3.vocab_size as number);
  fs.writeFileSync(path.join(folder, 'tokenizer.json'), JSON.stringify(tokenizer));
  fs.writeFileSync(path.join(folder, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig));
  await importModelFolder(dataDir, folder, 'tiny');
  const split = { train: 0.5, validation: 0.5, test: 0 };
  const jsonl = (name: string, rows: object[]) => {
    const file = path.join(dataDir, name);
    fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    return file;
  };
  const rows = (row: (i: number) => object) => Array.from({ length: 6 }, (_, i) => row(i));
  await importDataset({ path: jsonl('openings.jsonl', rows((i) => ({ prompt: `Once upon a time ${i}` }))), name: 'openings', split }, { store: studio.store, dataDir });
  await importDataset({ path: jsonl('pairs.jsonl', rows((i) => ({ prompt: `q${i}`, chosen: `good ${i}`, rejected: `bad ${i}` }))), name: 'pairs', split, mapping: { prompt: 'prompt', chosen: 'chosen', rejected: 'rejected' } }, { store: studio.store, dataDir });
  return studio;
}

async function refusal(promise: Promise<unknown>): Promise<{ message: string; details: unknown }> {
  try {
    await promise;
  } catch (err) {
    return err as { message: string; details: unknown };
  }
  throw new Error('the start was not refused');
}

describe('a start refused for its dataset’s mapping', () => {
  it('carries what the run needs and the mapping lacks; the form words it without CLI flags, pointing at its button', async () => {
    const studio = await studioWithData();
    const pairsMapping = { prompt: 'prompt', chosen: 'chosen', rejected: 'rejected' };

    const auto = await refusal(studio.call('align.reward', { model: 'tiny', dataset: 'openings' }));
    expect(auto.message).toContain("'lathe dataset map openings --chosen-column C --rejected-column C'"); // the CLI's sentence, unchanged
    expect(auto.details).toEqual({ field: 'dataset', dataset: 'openings', needs: 'pairs-or-labels', missing: ['chosen', 'rejected', 'text', 'label'], mapping: {} });
    expect(unmappedStartWords(auto)).toBe('openings has no column mapped as chosen and rejected, nor as text and label (none of its columns is mapped). '
      + 'A reward model on Auto reads pairs from the columns mapped as chosen and rejected, or labelled texts from those mapped as text and label: '
      + 'point them at this dataset’s columns with “Map columns on the Datasets page” under the dataset’s preview.');

    const classify = await refusal(studio.call('align.reward', { model: 'tiny', dataset: 'pairs', objective: 'classify' }));
    expect(classify.details).toEqual({ field: 'dataset', dataset: 'pairs', needs: 'labels', missing: ['text', 'label'], mapping: pairsMapping });
    expect(unmappedStartWords(classify)).toBe('pairs has no column mapped as text and label (it maps prompt ← prompt, chosen ← chosen, rejected ← rejected). '
      + 'A classifier reward reads each text and its label from the columns mapped as text and label: '
      + 'point them at this dataset’s columns with “Map columns on the Datasets page” under the dataset’s preview.');

    const dpo = await refusal(studio.call('align.dpo', { model: 'tiny', dataset: 'openings' }));
    expect(dpo.details).toEqual({ field: 'dataset', dataset: 'openings', needs: 'pairs', missing: ['chosen', 'rejected'], mapping: {} });
    for (const refused of [auto, classify, dpo]) expect(unmappedStartWords(refused)).not.toMatch(/lathe|--/);
  }, 60_000);

  it('leaves any other error to its own message', () => {
    expect(unmappedStartWords(new Error('boom'))).toBeNull();
    expect(unmappedStartWords({ message: 'x', details: { field: 'dataset' } })).toBeNull();
    expect(unmappedStartWords(null)).toBeNull();
  });
});
