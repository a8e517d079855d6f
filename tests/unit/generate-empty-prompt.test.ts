// Text from nothing: a plain-text fine-tune samples its model with an empty prompt, before and after training. A
// tokenizer that adds no BOS (GPT-2's ByteLevel post-processor, Qwen2, Pythia) encodes '' to no ids, and the sample
// failed the run with "generate: prompt 0 has no tokens". Generation now starts such a prompt from the tokenizer's
// BOS, else its EOS (the separator GPT-2 reads between documents), as Hugging Face's generate starts from bos_token_id.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TextGenerator } from '../../native/generate/pipeline.ts';
import { writeHfFolder } from '../../native/models/checkpoint.ts';
import { gpt2StyleTokenizer } from '../fixtures/models/byte-level-bpe.ts';
import { CONFIGS, randomTensors } from '../fixtures/models/random-checkpoint.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-empty-prompt-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const ENDOFTEXT = 9;

async function gpt2(name: string, tokenizerConfig: (c: Record<string, unknown>) => Record<string, unknown>): Promise<TextGenerator> {
  const dir = path.join(root, name);
  const t = gpt2StyleTokenizer();
  const config = { ...CONFIGS.gpt2, vocab_size: t.vocabSize, n_positions: 64, bos_token_id: ENDOFTEXT, eos_token_id: ENDOFTEXT };
  await writeHfFolder(dir, { config, tensors: randomTensors(config, 7), tokenizer: t.tokenizer, tokenizerConfig: tokenizerConfig(t.tokenizerConfig) });
  return TextGenerator.load(dir);
}

describe('an empty prompt, with a tokenizer that adds no BOS', () => {
  it('starts from the BOS the tokenizer names, and generates', async () => {
    const gen = await gpt2('gpt2', (c) => c);
    try {
      expect(gen.tokenizer.encode('')).toEqual([]);
      expect(gen.promptIds('')).toEqual([ENDOFTEXT]);
      expect(gen.promptIds('hi')).toEqual(gen.tokenizer.encode('hi')); // a prompt with text is left as it encodes
      const r = await gen.generate([''], { maxNewTokens: 5, minNewTokens: 5, doSample: false });
      expect(r.rows[0].tokenIds).toHaveLength(5);
    } finally {
      await gen.release();
    }
  });

  it('starts from the EOS when the tokenizer names no BOS', async () => {
    const gen = await gpt2('no-bos', (c) => ({ ...c, bos_token: null }));
    try {
      expect(gen.tokenizer.bosTokenId).toBeNull();
      expect(gen.promptIds('')).toEqual([ENDOFTEXT]);
    } finally {
      await gen.release();
    }
  });
});
