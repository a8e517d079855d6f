// The BERT-family encoder (native/rag/bert.ts) against a plain PyTorch transcription of BertModel and the
// sentence-transformers pooling (tests/reference/bert_reference.py, float64): on a randomly initialised tiny BERT
// in the Hugging Face layout, the last hidden states and the normalised sentence embeddings agree to 1e-4, for mean
// and CLS pooling, on a padded batch. Also: the pooling is read from the sentence-transformers files.
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BertEmbedder, loadEmbedder, readPrompts } from '../../native/rag/embedder.ts';
import { readPooling } from '../../native/rag/bert.ts';
import { TINY_BERT_VOCAB, writeTinyBert } from '../fixtures/models/tiny-bert.ts';

const PYTHON = '/usr/bin/python3';
const torchCheck = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const torchMissing = torchCheck.status !== 0 ? `PyTorch is not importable by ${PYTHON} (${(torchCheck.stderr || torchCheck.error?.message || '').trim().split('\n').pop()})` : '';
if (torchMissing) console.log(`skipping the BERT comparison with PyTorch: ${torchMissing}`);

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-bert-reference-'));
const model = path.join(root, 'bert');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
beforeAll(async () => { await writeTinyBert(model); });

// Rows of different lengths: the batch is padded, so the mask matters for attention and for mean pooling.
const ROWS = [[2, 40, 11, 60, 3], [2, 5, 3], [2, 17, 18, 19, 20, 21, 22, 23, 3]];

describe.skipIf(Boolean(torchMissing))('BERT sentence embeddings match PyTorch', () => {
  for (const pooling of ['mean', 'cls'] as const) {
    it(`${pooling} pooling: normalised sentence embeddings within 1e-4 on a padded batch`, async () => {
      const T = Math.max(...ROWS.map((r) => r.length));
      const request = [{ model, pooling, input_ids: ROWS.map((r) => [...r, ...Array(T - r.length).fill(0)]), attention_mask: ROWS.map((r) => [...r.map(() => 1), ...Array(T - r.length).fill(0)]) }];
      const child = promisify(execFile)(PYTHON, ['tests/reference/bert_reference.py'], { maxBuffer: 64 << 20 });
      child.child.stdin!.end(JSON.stringify(request));
      const [ref] = JSON.parse((await child).stdout) as { embeddings: number[][] }[];

      const embedder = (await loadEmbedder(model, { pooling, intraOpNumThreads: 1 })) as BertEmbedder;
      const got = await embedder.embedIds(ROWS);
      await embedder.release();
      expect(got.length).toBe(ROWS.length);
      let worst = 0;
      got.forEach((v, b) => v.forEach((x, c) => (worst = Math.max(worst, Math.abs(x - ref.embeddings[b][c])))));
      expect(worst).toBeLessThan(1e-4);
      // Unit length, and the two poolings really differ (a test that would pass with either is no test).
      for (const v of got) expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    });
  }

  it('mean and CLS pooling give different vectors for the same input', async () => {
    const mean = (await loadEmbedder(model, { pooling: 'mean', intraOpNumThreads: 1 })) as BertEmbedder;
    const cls = (await loadEmbedder(model, { pooling: 'cls', intraOpNumThreads: 1 })) as BertEmbedder;
    const [a] = await mean.embedIds([ROWS[0]]);
    const [b] = await cls.embedIds([ROWS[0]]);
    await mean.release();
    await cls.release();
    expect(Math.max(...a.map((x, i) => Math.abs(x - b[i])))).toBeGreaterThan(1e-3);
  });
});

describe('sentence-transformers pooling config', () => {
  it('reads CLS or mean from 1_Pooling/config.json, and defaults to mean without it', async () => {
    const cls = path.join(root, 'cls');
    await writeTinyBert(cls, { pooling: 'cls' });
    expect(readPooling(cls).pooling).toBe('cls');
    const mean = path.join(root, 'mean');
    await writeTinyBert(mean, { pooling: 'mean' });
    expect(readPooling(mean).pooling).toBe('mean');
    expect(readPooling(model)).toMatchObject({ pooling: 'mean', source: expect.stringContaining('default') });
  });

  it('embeds text through the WordPiece tokenizer, [CLS] … [SEP], padding with [PAD]', async () => {
    const e = (await loadEmbedder(model, { intraOpNumThreads: 1 })) as BertEmbedder;
    const [fromText] = await e.embed(['the cat sat']);
    const ids = ['[CLS]', 'the', 'cat', 'sat', '[SEP]'].map((t) => TINY_BERT_VOCAB.indexOf(t));
    const [fromIds] = await e.embedIds([ids]);
    expect(e.countTokens('the cat sat')).toBe(3);
    await e.release();
    expect(Array.from(fromText)).toEqual(Array.from(fromIds));
  });

  it("prepends sentence-transformers' query and passage prompts (E5) where the folder names them", async () => {
    const e5 = path.join(root, 'e5');
    await writeTinyBert(e5);
    fs.writeFileSync(path.join(e5, 'config_sentence_transformers.json'), JSON.stringify({ prompts: { query: 'query: ', passage: 'passage: ' }, default_prompt_name: null }));
    expect(readPrompts(e5)).toEqual({ query: 'query: ', document: 'passage: ' });
    expect(readPrompts(model)).toEqual({ query: '', document: '' });
    const e = (await loadEmbedder(e5, { intraOpNumThreads: 1 })) as BertEmbedder;
    const [asQuery] = await e.embed(['the cat'], 'query');
    const [asDocument] = await e.embed(['the cat'], 'document');
    const [byHand] = await e.embedIds([['[CLS]', 'q', '##u', '##e', '##r', '##y', ':', 'the', 'cat', '[SEP]'].map((t) => TINY_BERT_VOCAB.indexOf(t))]);
    await e.release();
    expect(Array.from(asQuery)).toEqual(Array.from(byHand));
    expect(Array.from(asDocument)).not.toEqual(Array.from(asQuery)); // 'passage: the cat'
  });
});

