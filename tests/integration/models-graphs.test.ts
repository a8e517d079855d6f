// Graph variants built from the same architecture description: the prefill-only graph (no past inputs)
// agrees with the decode graph on an empty cache, and attention-probability outputs are causal distributions.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSession, ort } from '../../native/onnx/index.ts';
import { CheckpointWeights, readHfFolder } from '../../native/models/checkpoint.ts';
import { CausalLM, buildDecoderGraph } from '../../native/models/decoder.ts';
import { writeRandomCheckpoint } from '../fixtures/models/random-checkpoint.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-graphs-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('decoder graph variants', () => {
  for (const family of ['qwen2', 'gpt2'] as const) {
    it(`${family}: prefill graph = decode graph with an empty cache; attentions are causal`, async () => {
      const dir = path.join(tmp, family);
      await writeRandomCheckpoint(dir, family, 7);
      const ids = [[3, 1, 4, 1, 5]];
      const lm = await CausalLM.load(dir, { intraOpNumThreads: 1, outputAttentions: true });
      const withCache = await lm.forward(ids, [[1, 1, 1, 1, 1]], lm.emptyCache(1));

      const w = CheckpointWeights.open(dir);
      const prefill = await createSession(buildDecoderGraph(readHfFolder(dir).spec, w, { withPast: false }), { intraOpNumThreads: 1 });
      w.close();
      expect(prefill.inputNames).toEqual(['input_ids', 'attention_mask', 'position_ids']);
      const int64 = (xs: number[]) => new ort.Tensor('int64', BigInt64Array.from(xs.map(BigInt)), [1, xs.length]);
      const out = await prefill.run({ input_ids: int64(ids[0]), attention_mask: int64([1, 1, 1, 1, 1]), position_ids: int64([0, 1, 2, 3, 4]) });
      const a = out.logits.data as Float32Array;
      expect(Math.max(...a.map((x, i) => Math.abs(x - withCache.logits[i])))).toBeLessThan(1e-5);
      expect(out['present.0.key'].dims).toEqual(withCache.present.layer(0).dims);

      const att = withCache.attentions![1];
      const [B, nh, T, S] = att.dims;
      expect([B, T, S]).toEqual([1, 5, 5]);
      const p = att.data as Float32Array;
      for (let h = 0; h < nh; h++) {
        for (let t = 0; t < T; t++) {
          const rowP = Array.from(p.slice(((h * T) + t) * S, ((h * T) + t + 1) * S));
          expect(rowP.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 5);
          expect(rowP.slice(t + 1).every((x) => x === 0)).toBe(true);
        }
      }
      // The path big models take: a temporary .onnx with external data, loaded by file name (with the in-place
      // KV cache, as big models load: its fused attention agrees with the unfused graph to rounding).
      const external = await CausalLM.load(dir, { intraOpNumThreads: 1, externalDataAboveBytes: 0 });
      expect(external.kvInPlace).toBe(true);
      const viaFile = await external.forward(ids, [[1, 1, 1, 1, 1]], external.emptyCache(1));
      expect(Math.max(...viaFile.logits.map((x, i) => Math.abs(x - withCache.logits[i])))).toBeLessThan(1e-5);
      await external.release();
      await prefill.release();
      await lm.release();
    });
  }
});
