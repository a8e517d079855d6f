// Preference pairs from the shared kit's real files, read as DPO, reward and PPO training read them: each file imported
// as a dataset (the import's parser and mapping), its pairs read by readPreferencePairs. LLaMA-Factory's
// dpo_en_demo.json (conversations + chosen + rejected objects), Anthropic's HH-RLHF harmless test split (whole
// transcripts), and the plain-column shape; bad rows are refused naming their record and field, or left out and listed
// with skip-invalid.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { StudioError } from '../../native/api/errors.ts';
import { importDataset } from '../../native/data/import.ts';
import { preferencePair, preferencePairs, preferenceStyle, transcriptTurns } from '../../native/data/preferences.ts';
import { readPreferencePairs } from '../../native/train/preference-examples.ts';
import { tempStores } from './temp-stores.ts';

const KIT = path.resolve(import.meta.dirname, '../../../shared/data/datasets/preferences');
const DEMO = path.join(KIT, 'dpo_en_demo.json');
const HH = path.join(KIT, 'hh_rlhf_harmless_test.jsonl.gz');
const missing = fs.existsSync(DEMO) && fs.existsSync(HH) ? null : `${KIT} is absent (the shared data kit is not mounted)`;
if (missing) console.log(`skipping the real-file preference tests: ${missing}`);

const stores = tempStores('lathe-preferences-');

/** `file` imported as dataset `name` (every row in train), and how training reads it: its style and all its pairs, in file order. */
async function importedPairs(file: string, name: string) {
  const dataDir = stores.tempDir();
  const dataset = await importDataset({ path: file, name, split: 'train' }, { store: stores.open(dataDir), dataDir });
  const style = preferenceStyle(dataset.mapping, dataset.name);
  const read = (skipInvalid: boolean) => {
    // with no validation split, training holds the last tenth of train out: together they are every pair, in order
    const { train, val, skipped } = readPreferencePairs(dataDir, dataset, { skipInvalid });
    return { pairs: [...train, ...val], skipped };
  };
  return { dataset, style, read };
}

describe.skipIf(missing !== null)('preference files from the shared kit, imported as datasets', () => {
  it('dpo_en_demo.json: 300 LLaMA-Factory rows become 300 pairs whose prompt is the conversation', async () => {
    const { dataset, style, read } = await importedPairs(DEMO, 'demo');
    expect(dataset.mapping).toEqual({ prompt: 'conversations', chosen: 'chosen', rejected: 'rejected' });
    expect(style).toBe('columns');
    const { pairs, skipped } = read(false);
    expect(skipped).toEqual([]);
    expect(pairs).toHaveLength(300);
    const raw = JSON.parse(fs.readFileSync(DEMO, 'utf8')) as { conversations: { from: string; value: string }[]; chosen: { value: string }; rejected: { value: string } }[];
    raw.forEach((row, i) => {
      expect(pairs[i].chosen).toBe(row.chosen.value);
      expect(pairs[i].rejected).toBe(row.rejected.value);
      expect(pairs[i].prompt.map((m) => m.content)).toEqual(row.conversations.map((m) => m.value));
      expect(pairs[i].prompt.at(-1)!.role).toBe('user');
    });
    // the roles LLaMA-Factory writes (system, human, gpt) become the chat roles
    expect(new Set(pairs.flatMap((p) => p.prompt.map((m) => m.role)))).toEqual(new Set(['system', 'user', 'assistant']));
  });

  it('HH-RLHF: transcripts split at the last assistant turn; the bad rows are refused by line, or skipped and listed', async () => {
    // one row a line, no blank line: a record's number in file order is its line
    const lines = zlib.gunzipSync(fs.readFileSync(HH)).toString('utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    expect(lines.length).toBe(2312);
    expect(lines.every((l) => l.trim() !== '')).toBe(true);
    const { dataset, style, read } = await importedPairs(HH, 'hh');
    expect([dataset.rowCount, dataset.skippedRows]).toEqual([2312, []]);
    expect(style).toBe('transcript');
    // lines 87, 517, 926 and 1104 end in an empty chosen turn; at 1255, 1689, 1951, 1953 and 2037 the two transcripts
    // differ before their last assistant turn (checked with Python on the file)
    expect(() => read(false)).toThrow(StudioError);
    expect(() => read(false)).toThrow(/^dataset hh record 87 \(of .*hh_rlhf_harmless_test\.jsonl\.gz, in file order\): the chosen completion is empty \(field 'chosen', column 'chosen'\)/);
    const { pairs, skipped } = read(true);
    expect(skipped.map((s) => s.where.match(/^dataset hh record (\d+) \(of .*hh_rlhf_harmless_test\.jsonl\.gz, in file order\)$/)?.[1])).toEqual(['87', '517', '926', '1104', '1255', '1689', '1951', '1953', '2037']);
    expect(skipped.filter((s) => /share no prompt/.test(s.reason)).length).toBe(5);
    expect(pairs.length + skipped.length).toBe(2312);
    const first = JSON.parse(lines[0]) as { chosen: string; rejected: string };
    const cut = first.chosen.lastIndexOf('\n\nAssistant:');
    expect(pairs[0].chosen).toBe(first.chosen.slice(cut + '\n\nAssistant:'.length).trim());
    expect(pairs[0].rejected).toBe(first.rejected.slice(cut + '\n\nAssistant:'.length).trim());
    expect(pairs[0].prompt).toEqual(transcriptTurns(first.chosen.slice(0, cut)));
    expect(pairs[0].prompt[0]).toEqual({ role: 'user', content: 'what are some pranks with a pen i can do?' });
    expect(pairs.every((p) => p.prompt.at(-1)!.role === 'user' && p.chosen !== p.rejected)).toBe(true);
  });
});

describe('preference rows', () => {
  const columns = { prompt: 'prompt', chosen: 'chosen', rejected: 'rejected' };
  it('plain columns: strings, message objects and message lists', () => {
    expect(preferencePair({ prompt: 'Hi?', chosen: 'Hello!', rejected: 'Go away.' }, columns, 'columns')).toEqual({ prompt: [{ role: 'user', content: 'Hi?' }], chosen: 'Hello!', rejected: 'Go away.' });
    const conversational = { prompt: [{ role: 'user', content: 'Hi?' }], chosen: [{ role: 'assistant', content: 'Hello!' }], rejected: [{ role: 'assistant', content: 'No.' }] };
    expect(preferencePair(conversational, columns, 'columns').chosen).toBe('Hello!');
  });

  it('names the line and the field of every kind of bad row; skip-invalid lists them instead', () => {
    const rows = [
      { values: { prompt: 'a', chosen: 'x', rejected: 'y' }, where: 'f.jsonl line 1' },
      { values: { prompt: 'a', chosen: '  ', rejected: 'y' }, where: 'f.jsonl line 2' },
      { values: { prompt: 'a', chosen: 'same', rejected: 'same' }, where: 'f.jsonl line 3' },
      { values: { prompt: '', chosen: 'x', rejected: 'y' }, where: 'f.jsonl line 4' },
    ];
    expect(() => preferencePairs(rows, columns, 'columns', { skipInvalid: false })).toThrow(StudioError);
    expect(() => preferencePairs(rows, columns, 'columns', { skipInvalid: false })).toThrow(/^f\.jsonl line 2: the chosen completion is empty/);
    const r = preferencePairs(rows, columns, 'columns', { skipInvalid: true });
    expect(r.pairs).toHaveLength(1);
    expect(r.skipped).toEqual([
      { where: 'f.jsonl line 2', reason: 'the chosen completion is empty' },
      { where: 'f.jsonl line 3', reason: 'chosen and rejected are the same text, so the pair prefers nothing' },
      { where: 'f.jsonl line 4', reason: 'the prompt is empty' },
    ]);
    const noAssistant = [{ values: { chosen: '\n\nHuman: hi', rejected: '\n\nHuman: hi\n\nAssistant: no' }, where: 'hh line 9' }];
    expect(() => preferencePairs(noAssistant, { chosen: 'chosen', rejected: 'rejected' }, 'transcript', { skipInvalid: false })).toThrow(/^hh line 9: the chosen transcript has no assistant turn/);
  });

  it('a mapping without chosen and rejected names what it lacks', () => {
    expect(() => preferenceStyle({ prompt: 'p', chosen: 'c' }, 'mine')).toThrow(/dataset mine has no preference pairs: preference training needs the columns of the chosen and the rejected response mapped as chosen and rejected \(missing: rejected; it maps prompt ← p, chosen ← c\)/);
    expect(() => preferenceStyle({ prompt: 'p', chosen: 'c' }, 'mine')).toThrow("choose a dataset of preference pairs, or map its columns with 'lathe dataset map mine --chosen-column C --rejected-column C'");
    expect(() => preferenceStyle({}, 'mine')).toThrow('(missing: chosen, rejected; it maps no columns)');
    expect(preferenceStyle({ chosen: 'c', rejected: 'r' }, 'hh')).toBe('transcript');
  });
});
