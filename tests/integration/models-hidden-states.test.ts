// The `last_hidden_state` output (embeddings read it) is the state the LM head reads: for each position, the
// logits are those hidden states times the head's weight, in both architecture families.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointWeights } from '../../native/models/checkpoint.ts';
import { CausalLM } from '../../native/models/decoder.ts';
import { writeRandomCheckpoint } from '../fixtures/models/random-checkpoint.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-hidden-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The head's weight (V, C): lm_head, or the token embedding it is tied to. */
const HEAD_NAMES = ['lm_head.weight', 'model.embed_tokens.weight', 'transformer.wte.weight', 'wte.weight'];

describe('last_hidden_state', () => {
  for (const family of ['qwen2', 'gpt2'] as const) {
    it(`${family}: logits = last_hidden_state @ head^T at every position`, async () => {
      const dir = path.join(tmp, family);
      await writeRandomCheckpoint(dir, family, 11);
      const lm = await CausalLM.load(dir, { intraOpNumThreads: 1, outputHiddenStates: true });
      const ids = [[2, 7, 1, 8]];
      const out = await lm.forward(ids, [[1, 1, 1, 1]], lm.emptyCache(1));
      const { hiddenSize: C, vocabSize: V } = lm.spec;
      expect(out.hidden).toHaveLength(ids[0].length * C);
      const w = CheckpointWeights.open(dir);
      const head = w.read(HEAD_NAMES.find((n) => w.has(n))!).data; // (V, C)
      w.close();
      let worst = 0;
      for (let t = 0; t < ids[0].length; t++) {
        for (let v = 0; v < V; v++) {
          let dot = 0;
          for (let c = 0; c < C; c++) dot += out.hidden![t * C + c] * head[v * C + c];
          worst = Math.max(worst, Math.abs(dot - out.logits[t * V + v]));
        }
      }
      expect(worst).toBeLessThan(1e-4);
      const plain = await CausalLM.load(dir, { intraOpNumThreads: 1 });
      expect((await plain.forward(ids, [[1, 1, 1, 1]], plain.emptyCache(1))).hidden).toBeUndefined();
      await Promise.all([lm.release(), plain.release()]);
    });
  }
});
