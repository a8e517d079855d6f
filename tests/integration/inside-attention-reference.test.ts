// The Inside page's attention maps against an independent PyTorch transcription (tests/reference/
// decoder_reference.py: softmax(q kᵀ / √hs + causal mask) per layer, written from transformers' eager
// attention) on tiny random-weight Llama (grouped-query) and GPT-2 checkpoints in Hugging Face layout.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { attentionMaps } from '../../native/models/attention-maps.ts';
import { writeHfFolder } from '../../native/models/checkpoint.ts';
import { CausalLM } from '../../native/models/decoder.ts';
import { TextTokenizer } from '../../native/text/tokenizer.ts';
import { CONFIGS, charTokenizer, randomTensors } from '../fixtures/models/random-checkpoint.ts';

const PYTHON = '/usr/bin/python3';
const torchCheck = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const torchMissing = torchCheck.status !== 0 ? `PyTorch is not importable by ${PYTHON} (${(torchCheck.stderr || torchCheck.error?.message || '').trim().split('\n').pop()})` : '';
if (torchMissing) console.log(`skipping inside-attention-reference: ${torchMissing}`);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-inside-ref-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const PROMPT = 'the teacher taught the student.';

describe.skipIf(Boolean(torchMissing))('attention maps match the PyTorch reference', () => {
  for (const family of ['llama3', 'gpt2'] as const) {
    it(`${family}: every layer's and head's probabilities within 1e-5`, async () => {
      const config = CONFIGS[family];
      const dir = path.join(tmp, family);
      await writeHfFolder(dir, { config, tensors: randomTensors(config, 7), ...charTokenizer(config.vocab_size as number) });
      const lm = await CausalLM.load(dir, { outputAttentions: true, intraOpNumThreads: 1 });
      const tokenizer = TextTokenizer.fromFolder(dir);
      const maps = await attentionMaps(lm, tokenizer, family, PROMPT, 3);
      await lm.release();
      const ids = maps.tokens.map((t) => t.id);
      const T = ids.length;
      expect(T).toBe(PROMPT.length); // one character per token

      const ref = JSON.parse(
        execFileSync(PYTHON, ['tests/reference/decoder_reference.py', dir], {
          input: JSON.stringify({ input_ids: [ids], attention_mask: [ids.map(() => 1)], next_ids: [[0]], output_attentions: true }),
          maxBuffer: 64 << 20,
        }).toString(),
      ) as { attentions: number[][][][][] }; // layer, batch, head, query, key
      expect(ref.attentions).toHaveLength(maps.layers);
      let worst = 0;
      for (let l = 0; l < maps.layers; l++) {
        expect(ref.attentions[l][0]).toHaveLength(maps.heads);
        for (let h = 0; h < maps.heads; h++) {
          const mine = maps.attentions[l][h];
          const theirs = ref.attentions[l][0][h].flat();
          expect(theirs).toHaveLength(T * T);
          for (let i = 0; i < T * T; i++) worst = Math.max(worst, Math.abs(mine[i] - theirs[i]));
          // Causal: the reference's masked entries underflow to exactly 0, and so do ours.
          for (let q = 0; q < T; q++) for (let k = q + 1; k < T; k++) expect(mine[q * T + k]).toBe(0);
        }
      }
      expect(worst).toBeLessThan(1e-5);
      // The heads differ from each other, so a mix-up of heads or layers could not pass by accident.
      expect(maps.attentions[0][0]).not.toEqual(maps.attentions[0][1]);
      expect(maps.attentions[0][0]).not.toEqual(maps.attentions[1][0]);
    });
  }
});
