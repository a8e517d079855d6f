// Logits of Lathe's Llama-family and GPT-2 graphs against an independent PyTorch reference
// (tests/reference/decoder_reference.py), on tiny random-weight checkpoints: a left-padded prefill batch,
// then one decode step through the KV cache.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CausalLM } from '../../native/models/decoder.ts';
import { CONFIGS, writeRandomCheckpoint } from '../fixtures/models/random-checkpoint.ts';

const PYTHON = '/usr/bin/python3';
const torchCheck = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const torchMissing = torchCheck.status !== 0 ? `PyTorch is not importable by ${PYTHON} (${(torchCheck.stderr || torchCheck.error?.message || '').trim().split('\n').pop()})` : '';
if (torchMissing) console.log(`skipping models-reference: ${torchMissing}`);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-models-ref-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function maxAbsDiff(a: Float32Array | number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe.skipIf(Boolean(torchMissing))('decoder logits match the PyTorch reference', () => {
  for (const family of Object.keys(CONFIGS)) {
    it(`${family}: prefill (left-padded batch) and one cached decode step within 1e-4`, async () => {
      const dir = path.join(tmp, family);
      await writeRandomCheckpoint(dir, family);
      const V = (CONFIGS[family] as { vocab_size: number }).vocab_size;
      const inputIds = [
        [0, 0, 5, 9, 2, 7, 3],
        [4, 8, 1, 6, 10, 11, 12],
      ];
      const attentionMask = [
        [0, 0, 1, 1, 1, 1, 1],
        [1, 1, 1, 1, 1, 1, 1],
      ];
      const nextIds = [[13], [V - 1]];
      const ref = JSON.parse(
        execFileSync(PYTHON, ['tests/reference/decoder_reference.py', dir], {
          input: JSON.stringify({ input_ids: inputIds, attention_mask: attentionMask, next_ids: nextIds }),
          maxBuffer: 64 << 20,
        }).toString(),
      ) as { prefill: number[][][]; decode: number[][][] };

      const lm = await CausalLM.load(dir, { intraOpNumThreads: 1 });
      const prefill = await lm.forward(inputIds, attentionMask, lm.emptyCache(2));
      // Padded positions carry no meaning; compare the real ones.
      const real = (logits: Float32Array | number[], row: number, t: number) => Array.from(logits.slice((row * 7 + t) * V, (row * 7 + t + 1) * V));
      for (let b = 0; b < 2; b++) {
        for (let t = 0; t < 7; t++) {
          if (!attentionMask[b][t]) continue;
          expect(maxAbsDiff(real(prefill.logits, b, t), ref.prefill[b][t])).toBeLessThan(1e-4);
        }
      }
      const decode = await lm.forward(nextIds, attentionMask.map((r) => [...r, 1]), prefill.present);
      expect(maxAbsDiff(decode.logits, ref.decode.flat(2))).toBeLessThan(1e-4);
      // The comparison must be able to fail: different weights give different logits.
      expect(maxAbsDiff(decode.logits, ref.decode.flat(2).map((x) => x + 1e-3))).toBeGreaterThan(1e-4);
      await lm.release();
    });
  }
});
