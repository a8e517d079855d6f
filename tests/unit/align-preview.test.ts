// align.preview reads a dataset as the DPO and reward trainers would: the first pairs (columns or HH-RLHF
// transcripts split at the last assistant turn) or labelled texts, and each row that makes no example named by its
// record number in the imported file, with the field and column at fault; a mapping that cannot feed the kind asked
// for says which field it lacks instead of failing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Studio } from '../../native/studio/studio.ts';

describe('align.preview', () => {
  let dir = '';
  let studio: Studio;

  const importFile = async (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    const job = await studio.call('datasets.import', { path: file, name, split: 'train' });
    for (let i = 0; i < 200; i++) {
      const now = await studio.call('jobs.get', { id: job.id });
      if (now.state === 'succeeded') return;
      if (now.state === 'failed') throw new Error(now.error ?? 'import failed');
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`import of ${name} did not finish`);
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-align-preview-'));
    studio = new Studio({ dataDir: dir, mode: 'serve' });
    const pairs = Array.from({ length: 8 }, (_, i) => ({ prompt: `Question ${i + 1}?`, chosen: `A kind answer ${i + 1}.`, rejected: `A rude answer ${i + 1}.` }));
    pairs[2].rejected = pairs[2].chosen; // record 3: prefers nothing
    pairs[5].chosen = '  '; // record 6: an empty completion
    await importFile('pairs.jsonl', pairs.map((p) => JSON.stringify(p)).join('\n'));
    const hh = (answer: string) => `\n\nHuman: Tell me a story.\n\nAssistant: Once upon a time.\n\nHuman: Another?\n\nAssistant: ${answer}`;
    await importFile('hh.jsonl', [JSON.stringify({ chosen: hh('A fox met a hen.'), rejected: hh('No.') }), JSON.stringify({ chosen: 'no turns here', rejected: 'none here either' })].join('\n'));
    await importFile('sst.tsv', 'sentence\tlabel\na warm film\t1\na dull film\t0\n\t1\nfine\t\n');
  }, 30_000);

  afterAll(async () => {
    await studio?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows the first pairs and names each bad row by its record, field and column', async () => {
    const preview = await studio.call('align.preview', { dataset: 'pairs.jsonl', limit: 3 });
    expect(preview).toMatchObject({ kind: 'pairs', style: 'columns', unusable: null, missing: [], total: 8, checked: 8, valid: 6, problemCount: 2 });
    expect(preview.pairs.map((p) => p.row)).toEqual([1, 2, 4]);
    expect(preview.pairs[0]).toEqual({ row: 1, split: 'train', prompt: [{ role: 'user', content: 'Question 1?' }], chosen: 'A kind answer 1.', rejected: 'A rude answer 1.' });
    expect(preview.problems).toEqual([
      { row: 3, split: 'train', field: 'rejected', column: 'rejected', reason: 'chosen and rejected are the same text, so the pair prefers nothing' },
      { row: 6, split: 'train', field: 'chosen', column: 'chosen', reason: 'the chosen completion is empty' },
    ]);
  });

  it('splits HH-RLHF transcripts at the last assistant turn into a shared prompt and two completions', async () => {
    const preview = await studio.call('align.preview', { dataset: 'hh.jsonl' });
    expect(preview).toMatchObject({ kind: 'pairs', style: 'transcript', valid: 1, problemCount: 1 });
    expect(preview.pairs[0]).toMatchObject({ row: 1, chosen: 'A fox met a hen.', rejected: 'No.' });
    expect(preview.pairs[0].prompt.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(preview.problems[0]).toMatchObject({ row: 2, field: 'chosen', reason: expect.stringMatching(/no assistant turn/) });
  });

  it('reads text and label for a classifier reward, counting the labels and naming empty cells', async () => {
    const preview = await studio.call('align.preview', { dataset: 'sst.tsv' });
    expect(preview).toMatchObject({ kind: 'labels', style: null, unusable: null, valid: 2, problemCount: 2 });
    expect(preview.texts).toEqual([{ row: 1, split: 'train', text: 'a warm film', label: '1' }, { row: 2, split: 'train', text: 'a dull film', label: '0' }]);
    expect(preview.labels).toEqual([{ label: '0', count: 1 }, { label: '1', count: 1 }]);
    expect(preview.problems.map((p) => [p.row, p.field, p.column])).toEqual([[3, 'text', 'sentence'], [4, 'label', 'label']]);
  });

  it('says which fields a mapping lacks for the kind asked for, and refuses an unknown dataset', async () => {
    const asLabels = await studio.call('align.preview', { dataset: 'pairs.jsonl', kind: 'labels' });
    expect(asLabels.unusable).toMatch(/needs the mapping fields text and label \(missing: text, label\)/);
    // the fields, beside the sentence: the studio words its own, without the CLI's command
    expect(asLabels.missing).toEqual(['text', 'label']);
    expect(asLabels.texts).toEqual([]);
    const asPairs = await studio.call('align.preview', { dataset: 'sst.tsv', kind: 'pairs' });
    expect(asPairs.missing).toEqual(['chosen', 'rejected']);
    expect(asPairs.unusable).toMatch(/has no preference pairs: preference training needs the columns of the chosen and the rejected response mapped as chosen and rejected \(missing: chosen, rejected; it maps text ← sentence, label ← label\)/);
    await expect(studio.call('align.preview', { dataset: 'nope' })).rejects.toThrow(/nope/);
  });
});
