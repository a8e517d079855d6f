// RoBERTa / XLM-RoBERTa and nomic-style encoders (native/rag/bert.ts, nomic-bert.ts) against plain PyTorch
// transcriptions (tests/reference/bert_reference.py, nomic_bert_reference.py, float64): on randomly initialised tiny
// models in the Hugging Face layout, the normalised sentence embeddings agree to 1e-4 for mean and CLS pooling on a
// padded batch. Also: their tokenizers (byte-level BPE, Unigram, WordPiece), nomic's query/document prefixes, and a
// clear error naming the field for each configuration Lathe does not build.
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BertEmbedder, loadEmbedder, readPrompts } from '../../native/rag/embedder.ts';
import { parseEncoderConfig } from '../../native/rag/encoders.ts';
import { parseNomicBertConfig } from '../../native/rag/nomic-bert.ts';
import { TextTokenizer } from '../../native/text/tokenizer.ts';
import { TINY_BERT_VOCAB } from '../fixtures/models/tiny-bert.ts';
import { TINY_NOMIC_CONFIG, TINY_ROBERTA_VOCAB, TINY_XLMR_VOCAB, writeTinyNomic, writeTinyRoberta } from '../fixtures/models/tiny-encoders.ts';

const PYTHON = '/usr/bin/python3';
const torchCheck = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const torchMissing = torchCheck.status !== 0 ? `PyTorch is not importable by ${PYTHON} (${(torchCheck.stderr || torchCheck.error?.message || '').trim().split('\n').pop()})` : '';
if (torchMissing) console.log(`skipping the encoder comparisons with PyTorch: ${torchMissing}`);

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-encoders-reference-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

// Rows of different lengths, so the batch is padded: the mask matters for attention and mean pooling, and
// RoBERTa's positions depend on where the padding is. RoBERTa rows are <s> … </s> (0, 2; pad 1), nomic's [CLS] … [SEP].
const ROBERTA_ROWS = [[0, 40, 11, 45, 2], [0, 5, 2], [0, 17, 18, 19, 20, 21, 22, 23, 2]];
const NOMIC_ROWS = [[2, 40, 11, 60, 3], [2, 5, 3], [2, 17, 18, 19, 20, 21, 22, 23, 3]];

interface Case { name: string; dir: string; rows: number[][]; pad: number; write: (dir: string) => Promise<unknown> }
const CASES: Case[] = ([
  { name: 'roberta', rows: ROBERTA_ROWS, pad: 1, write: (d: string) => writeTinyRoberta(d, { flavour: 'roberta' }) },
  { name: 'xlm-roberta', rows: ROBERTA_ROWS, pad: 1, write: (d: string) => writeTinyRoberta(d, { flavour: 'xlm-roberta', seed: 12 }) },
  { name: 'nomic (swiglu, full rotary, no biases: nomic-embed-text-v1.5)', rows: NOMIC_ROWS, pad: 0, write: (d: string) => writeTinyNomic(d) },
  {
    name: 'nomic (geglu, interleaved rotary on half of each head, biases)', rows: NOMIC_ROWS, pad: 0,
    write: (d: string) => writeTinyNomic(d, { seed: 14, config: { activation_function: 'geglu', rotary_emb_fraction: 0.5, rotary_emb_interleaved: true, qkv_proj_bias: true, mlp_fc1_bias: true, mlp_fc2_bias: true, rotary_emb_base: 10000 } }),
  },
  {
    name: 'nomic (plain gelu MLP, learned positions, no token types)', rows: NOMIC_ROWS, pad: 0,
    write: (d: string) => writeTinyNomic(d, { seed: 15, config: { activation_function: 'gelu', rotary_emb_fraction: 0, type_vocab_size: 0, mlp_fc1_bias: true, mlp_fc2_bias: true } }),
  },
] as Omit<Case, 'dir'>[]).map((c, i) => ({ ...c, dir: path.join(root, `case-${i}`) }));

type Reference = { embeddings: number[][] };
const references = new Map<string, Reference>();
const padded = (rows: number[][], pad: number) => {
  const T = Math.max(...rows.map((r) => r.length));
  return { input_ids: rows.map((r) => [...r, ...Array(T - r.length).fill(pad)]), attention_mask: rows.map((r) => [...r.map(() => 1), ...Array(T - r.length).fill(0)]) };
};

beforeAll(async () => {
  for (const c of CASES) await c.write(c.dir);
  if (torchMissing) return;
  // One Python process for every request: importing torch takes seconds.
  const requests = CASES.flatMap((c) => (['mean', 'cls'] as const).map((pooling) => ({ model: c.dir, pooling, ...padded(c.rows, c.pad) })));
  const child = promisify(execFile)(PYTHON, ['tests/reference/bert_reference.py'], { maxBuffer: 64 << 20 });
  child.child.stdin!.end(JSON.stringify(requests));
  const results = JSON.parse((await child).stdout) as Reference[];
  requests.forEach((r, i) => references.set(`${r.model}|${r.pooling}`, results[i]));
}, 60_000);

async function embedIds(dir: string, pooling: 'mean' | 'cls', rows: number[][]): Promise<Float32Array[]> {
  const e = (await loadEmbedder(dir, { pooling, intraOpNumThreads: 1 })) as BertEmbedder;
  try {
    return await e.embedIds(rows);
  } finally {
    await e.release();
  }
}

describe.skipIf(Boolean(torchMissing))('encoder sentence embeddings match PyTorch', () => {
  for (const c of CASES) {
    for (const pooling of ['mean', 'cls'] as const) {
      it(`${c.name}, ${pooling} pooling: within 1e-4 on a padded batch`, async () => {
        const ref = references.get(`${c.dir}|${pooling}`)!;
        const got = await embedIds(c.dir, pooling, c.rows);
        expect(got.length).toBe(c.rows.length);
        let worst = 0;
        got.forEach((v, b) => v.forEach((x, i) => (worst = Math.max(worst, Math.abs(x - ref.embeddings[b][i])))));
        expect(worst).toBeLessThan(1e-4);
        for (const v of got) expect(Math.hypot(...v)).toBeCloseTo(1, 5);
        // The rows differ, so their vectors do (a constant output would match nothing above, but say it outright).
        expect(Math.max(...got[0].map((x, i) => Math.abs(x - got[1][i])))).toBeGreaterThan(1e-3);
      });
    }
  }
});

describe('RoBERTa and XLM-R', () => {
  it("positions follow RoBERTa's padding_idx: the longest input is max_position_embeddings − pad − 1", () => {
    const config = JSON.parse(fs.readFileSync(path.join(CASES[0].dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(parseEncoderConfig(config)).toMatchObject({ dim: 16, maxTokens: 66 - 1 - 1, padTokenId: 1 });
  });

  it("reads a task model's checkpoint (tensors under 'roberta.') to the same vectors", async () => {
    const prefixed = path.join(root, 'roberta-prefixed');
    await writeTinyRoberta(prefixed, { flavour: 'roberta', prefixed: true });
    const [a] = await embedIds(CASES[0].dir, 'mean', [ROBERTA_ROWS[0]]);
    const [b] = await embedIds(prefixed, 'mean', [ROBERTA_ROWS[0]]);
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it('a padded row embeds as it does alone (the pads change neither attention nor positions)', async () => {
    const batch = await embedIds(CASES[1].dir, 'mean', ROBERTA_ROWS);
    const [alone] = await embedIds(CASES[1].dir, 'mean', [ROBERTA_ROWS[1]]);
    expect(Math.max(...alone.map((x, i) => Math.abs(x - batch[1][i])))).toBeLessThan(1e-5);
  });

  it('tokenizes with byte-level BPE (RoBERTa) and Unigram (XLM-R), <s> … </s>', async () => {
    const cases: [string, string[], string[]][] = [
      [CASES[0].dir, ['<s>', 'the', 'Ġcat', 'Ġsat', '</s>'], TINY_ROBERTA_VOCAB],
      [CASES[1].dir, ['<s>', '▁the', '▁cat', '▁sat', '</s>'], TINY_XLMR_VOCAB],
    ];
    for (const [dir, tokens, vocab] of cases) {
      const e = (await loadEmbedder(dir, { intraOpNumThreads: 1 })) as BertEmbedder;
      const [fromText] = await e.embed(['the cat sat']);
      const [fromIds] = await e.embedIds([tokens.map((t) => vocab.indexOf(t))]);
      expect(e.countTokens('the cat sat')).toBe(3);
      await e.release();
      expect(Array.from(fromText)).toEqual(Array.from(fromIds));
    }
  });
});

describe('nomic-style encoders', () => {
  it("prefix queries with 'search_query: ' and documents with 'search_document: ' unless the folder names prompts", async () => {
    const dir = CASES[2].dir;
    expect(readPrompts(dir, parseEncoderConfig(TINY_NOMIC_CONFIG).defaultPrompts)).toEqual({ query: 'search_query: ', document: 'search_document: ' });
    const tok = TextTokenizer.fromFolder(dir);
    const e = (await loadEmbedder(dir, { intraOpNumThreads: 1 })) as BertEmbedder;
    const [asQuery] = await e.embed(['the cat'], 'query');
    const [asDocument] = await e.embed(['the cat'], 'document');
    const [queryByHand] = await e.embedIds([tok.encode('search_query: the cat')]);
    const [documentByHand] = await e.embedIds([tok.encode('search_document: the cat')]);
    await e.release();
    expect(Array.from(asQuery)).toEqual(Array.from(queryByHand));
    expect(Array.from(asDocument)).toEqual(Array.from(documentByHand));
    expect(Array.from(asDocument)).not.toEqual(Array.from(asQuery));

    const own = path.join(root, 'nomic-own-prompts');
    await writeTinyNomic(own, { prompts: { query: 'query: ', passage: 'passage: ' } });
    expect(readPrompts(own, parseEncoderConfig(TINY_NOMIC_CONFIG).defaultPrompts)).toEqual({ query: 'query: ', document: 'passage: ' });
  });

  it('pads the word embedding to pad_vocab_size_multiple, as the checkpoint holds it', () => {
    expect(parseNomicBertConfig({ ...TINY_NOMIC_CONFIG, vocab_size: 30522, pad_vocab_size_multiple: 64 }).vocabSize).toBe(30528);
    // The fixtures' vocabulary is padded too (their checkpoints hold the padded rows, which the graphs above read).
    expect(TINY_BERT_VOCAB.length % 8).not.toBe(0);
    expect(parseNomicBertConfig(TINY_NOMIC_CONFIG).vocabSize).toBe(Math.ceil(TINY_BERT_VOCAB.length / 8) * 8);
  });

  it('reads at most max_trained_positions tokens when a rotary scaling factor is set (dynamic NTK beyond)', () => {
    expect(parseEncoderConfig({ ...TINY_NOMIC_CONFIG, n_positions: 8192 }).maxTokens).toBe(8192);
    expect(parseEncoderConfig({ ...TINY_NOMIC_CONFIG, n_positions: 8192, rotary_scaling_factor: 2, max_trained_positions: 2048 }).maxTokens).toBe(2048);
  });
});

describe('configurations Lathe does not build are refused, naming the field', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['nomic activation', { ...TINY_NOMIC_CONFIG, activation_function: 'relu' }, /activation_function 'relu' is not supported/],
    ['nomic prenorm', { ...TINY_NOMIC_CONFIG, prenorm: true }, /field 'prenorm' = true is not supported/],
    ['nomic causal', { ...TINY_NOMIC_CONFIG, causal: true }, /field 'causal' = true/],
    ['nomic RMSNorm', { ...TINY_NOMIC_CONFIG, use_rms_norm: true }, /field 'use_rms_norm'/],
    ['nomic xPos', { ...TINY_NOMIC_CONFIG, rotary_emb_scale_base: 512 }, /field 'rotary_emb_scale_base'/],
    ['nomic MoE', { ...TINY_NOMIC_CONFIG, moe_every_n_layers: 2 }, /field 'moe_every_n_layers'/],
    ['nomic odd rotary', { ...TINY_NOMIC_CONFIG, rotary_emb_fraction: 0.3 }, /field 'rotary_emb_fraction'/],
    ['nomic missing size', { ...TINY_NOMIC_CONFIG, n_embd: undefined }, /field 'n_embd'/],
    ['transformers-native nomic', { model_type: 'nomic_bert', hidden_size: 16, num_attention_heads: 2 }, /without 'n_embd'/],
    ['roberta activation', { model_type: 'roberta', vocab_size: 10, hidden_size: 16, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 8, hidden_act: 'swish' }, /hidden_act 'swish' is not supported/],
    ['roberta relative positions', { model_type: 'xlm-roberta', vocab_size: 10, hidden_size: 16, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 8, position_embedding_type: 'relative_key' }, /position_embedding_type 'relative_key'/],
    ['another encoder', { model_type: 'deberta-v2' }, /model_type 'deberta-v2' is not a sentence encoder Lathe builds \(bert, roberta, xlm-roberta, nomic_bert\)/],
  ];
  for (const [name, config, message] of cases) {
    it(name, () => {
      expect(() => parseEncoderConfig(config, '/models/x/config.json')).toThrow(message);
      expect(() => parseEncoderConfig(config, '/models/x/config.json')).toThrow(/\/models\/x\/config\.json/);
    });
  }
});
