// The Inside page's numbers on a real model (stories260K, llama2.c → HF folder): the attention maps are
// probabilities (each row sums to 1) of a causal model (exact zeros above the diagonal), the tokenizer strip
// marks byte-fallback pieces and points them at the character they spell, and the next-token odds are a
// distribution the real next token sits in.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSIDE_MAX_TOKENS, type AttentionMaps } from '../../native/api/inside.ts';
import { attentionMaps } from '../../native/models/attention-maps.ts';
import { CausalLM } from '../../native/models/decoder.ts';
import { importLlama2c } from '../../native/models/llama2c.ts';
import { TextTokenizer } from '../../native/text/tokenizer.ts';

const KIT = path.resolve(import.meta.dirname, '../../../shared/data/models/stories260K');
const missing = fs.existsSync(path.join(KIT, 'stories260K.bin')) ? null : `${KIT} is absent (the shared data kit is not mounted)`;
if (missing) console.log(`skipping inside-attention-stories260k: ${missing}`);

const SEED_SENTENCE = 'The teacher taught the student with the book.';

describe.skipIf(missing !== null)('attention maps of stories260K', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-inside-'));
  let lm: CausalLM;
  let tokenizer: TextTokenizer;
  let maps: AttentionMaps;

  beforeAll(async () => {
    await importLlama2c(path.join(KIT, 'stories260K.bin'), path.join(KIT, 'tok512.bin'), path.join(dir, 'model'));
    lm = await CausalLM.load(path.join(dir, 'model'), { outputAttentions: true, intraOpNumThreads: 1 });
    tokenizer = TextTokenizer.fromFolder(path.join(dir, 'model'));
    maps = await attentionMaps(lm, tokenizer, 'stories', SEED_SENTENCE, 5);
  });
  afterAll(async () => {
    await lm?.release();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('has one T×T map per layer and head: 5 layers × 8 heads (4 key/value heads)', () => {
    const T = maps.tokens.length;
    expect([maps.layers, maps.heads, maps.kvHeads]).toEqual([5, 8, 4]);
    expect(maps.attentions).toHaveLength(5);
    for (const layer of maps.attentions) {
      expect(layer).toHaveLength(8);
      for (const head of layer) expect(head).toHaveLength(T * T);
    }
  });

  it('every row sums to 1 and every entry above the diagonal is exactly 0', () => {
    const T = maps.tokens.length;
    let checked = 0;
    for (const layer of maps.attentions) {
      for (const head of layer) {
        for (let q = 0; q < T; q++) {
          let sum = 0;
          for (let k = 0; k < T; k++) {
            const p = head[q * T + k];
            if (k > q) expect(p).toBe(0);
            else expect(p).toBeGreaterThanOrEqual(0);
            sum += p;
          }
          expect(Math.abs(sum - 1)).toBeLessThan(1e-5);
          checked++;
        }
      }
    }
    expect(checked).toBe(5 * 8 * T);
    // The first token can only read itself.
    expect(maps.attentions[0][0][0]).toBeCloseTo(1, 6);
  });

  it('tokenizes the seed sentence with BOS, ids, pieces and spans that spell the sentence', () => {
    expect(maps.text).toBe(SEED_SENTENCE);
    expect(maps.tokens[0]).toMatchObject({ id: 1, piece: '<s>', special: true, byteFallback: false });
    expect(maps.tokens.map((t) => t.id)).toEqual(tokenizer.encode(SEED_SENTENCE));
    // Non-special spans tile the text, in order.
    const spans = maps.tokens.filter((t) => !t.special);
    expect(spans.map((t) => maps.text.slice(t.start, t.end)).join('')).toBe(SEED_SENTENCE);
    expect(spans.some((t) => t.byteFallback)).toBe(false);
  });

  it('marks byte-fallback pieces and points each byte of a character at that character', async () => {
    const coffee = await attentionMaps(lm, tokenizer, 'stories', 'a ☕', 3);
    const bytes = coffee.tokens.filter((t) => t.byteFallback);
    expect(bytes.map((t) => t.piece)).toEqual(['<0xE2>', '<0x98>', '<0x95>']); // ☕ is U+2615: E2 98 95 in UTF-8
    for (const t of bytes) expect(coffee.text.slice(t.start, t.end)).toBe('☕');
  });

  it('gives per-position next-token odds: sorted, at most 1, and the real next token with its rank', () => {
    const T = maps.tokens.length;
    expect(maps.predictions).toHaveLength(T);
    for (const [t, p] of maps.predictions.entries()) {
      expect(p.top).toHaveLength(5);
      const probs = p.top.map((c) => c.probability);
      expect([...probs].sort((a, b) => b - a)).toEqual(probs);
      expect(probs.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1 + 1e-6);
      if (t === T - 1) expect(p.actual).toBeNull();
      else {
        expect(p.actual!.id).toBe(maps.tokens[t + 1].id);
        expect(p.actual!.rank).toBeGreaterThanOrEqual(1);
        // The real token's rank and probability agree with the top list whenever it is in it.
        const at = p.top.findIndex((c) => c.id === p.actual!.id);
        if (at >= 0) {
          expect(p.actual!.rank).toBe(at + 1);
          expect(p.actual!.probability).toBeCloseTo(p.top[at].probability, 6);
        } else expect(p.actual!.rank).toBeGreaterThan(5);
      }
    }
  });

  it(`refuses a prompt over ${INSIDE_MAX_TOKENS} tokens and says how long it was`, async () => {
    await expect(attentionMaps(lm, tokenizer, 'stories', 'the cat sat on the mat. '.repeat(20), 5)).rejects.toThrow(/the prompt is \d+ tokens; the attention view reads at most 64/);
  });
});
