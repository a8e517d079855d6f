// The decoder's `last_hidden_state` output (what reward models and classifiers score) is exactly what the LM head reads:
// for every family the fixtures cover (separate and tied heads), last_hidden_state · head^T equals the graph's own logits,
// and a reward graph's scores are score.weight · last_hidden_state at each row's last real token.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointWeights } from '../../native/models/checkpoint.ts';
import { parseModelConfig } from '../../native/models/config.ts';
import { buildDecoderGraph } from '../../native/models/decoder.ts';
import { buildRewardScoreGraph } from '../../native/models/reward-graph.ts';
import { writeSafetensors } from '../../native/models/safetensors.ts';
import { createSession } from '../../native/onnx/index.ts';
import { collateRewards } from '../../native/train/reward-batches.ts';
import { CONFIGS, randomTensors, writeRandomCheckpoint } from '../fixtures/models/random-checkpoint.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-hidden-states-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('last_hidden_state', () => {
  for (const family of Object.keys(CONFIGS) as (keyof typeof CONFIGS)[]) {
    it(`${family}: last_hidden_state · head^T is the logits, and reward scores read them at the last real token`, async () => {
      const dir = path.join(root, family);
      await writeRandomCheckpoint(dir, family, 3);
      const spec = parseModelConfig(CONFIGS[family]);
      const tensors = randomTensors(CONFIGS[family], 3);
      const head = tensors.get('lm_head.weight') ?? tensors.get('model.embed_tokens.weight') ?? tensors.get('transformer.wte.weight') ?? tensors.get('wte.weight')!;
      const [V, C] = head.shape;
      const weights = CheckpointWeights.open(dir);
      const g = buildDecoderGraph(spec, weights, { withPast: false, outputHiddenStates: true });
      weights.close();
      const session = await createSession(g, { intraOpNumThreads: 1 });
      const items = [{ sequences: [[1, 5, 9, 2, 7]] }, { sequences: [[1, 3, 4]] }];
      const { feeds } = collateRewards(items, 0);
      const out = await session.run({ input_ids: feeds.input_ids, attention_mask: feeds.attention_mask, position_ids: feeds.position_ids });
      await session.release();
      const hidden = out.last_hidden_state.data as Float32Array;
      const logits = out.logits.data as Float32Array;
      const rows = hidden.length / C;
      let worst = 0;
      for (let r = 0; r < rows; r++) for (let v = 0; v < V; v++) {
        let dot = 0;
        for (let c = 0; c < C; c++) dot += hidden[r * C + c] * head.data[v * C + c];
        worst = Math.max(worst, Math.abs(dot - logits[r * V + v]) / Math.max(1, Math.abs(logits[r * V + v])));
      }
      expect(worst).toBeLessThan(1e-4);

      // a one-label score head equal to the LM head's row 4: the reward is that logit at each row's last token
      const scoreDir = path.join(root, `${family}-score`);
      fs.mkdirSync(scoreDir);
      const withScore = new Map([...tensors, ['score.weight', { shape: [1, C], data: head.data.slice(4 * C, 5 * C) }]]);
      await writeSafetensors(path.join(scoreDir, 'model.safetensors'), withScore);
      const sw = CheckpointWeights.open(scoreDir);
      const scorer = await createSession(buildRewardScoreGraph(spec, sw, 1), { intraOpNumThreads: 1 });
      sw.close();
      const scores = (await scorer.run(feeds)).scores.data as Float32Array;
      await scorer.release();
      const T = feeds.input_ids.dims[1];
      items.forEach((item, b) => {
        const last = item.sequences[0].length - 1;
        expect(scores[b]).toBeCloseTo(logits[(b * T + last) * V + 4], 4);
      });
    });
  }
});
