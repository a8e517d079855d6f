// Import a llama2.c checkpoint (run.c's "legacy" .bin: 7 int32 header + fp32 weights) and its tokenizer.bin
// as a Hugging Face LlamaForCausalLM folder.
//
// RoPE layout: llama2.c (like Meta's original code) rotates interleaved pairs (x[2i], x[2i+1]) of each head;
// HF's rotate_half rotates halves (x[i], x[i+hs/2]). transformers' convert_llama_weights_to_hf.py therefore
// permutes the rows of wq and wk: permute(w) = w.view(nh, hs/2, 2, C).transpose(1, 2).reshape(nh*hs, C), and
// llama2.c's export.py applies the inverse when it reads an HF model. So a .bin holds the interleaved order
// and we apply `permute` to wq (nh heads) and wk (nkv heads) here.
import fs from 'node:fs';
import { CheckpointError, type Tensor } from './safetensors.ts';
import { writeHfFolder, type HfFolderContents } from './checkpoint.ts';
import { Llama2cTokenizer } from '../text/llama2c-tokenizer.ts';

export interface Llama2cHeader {
  dim: number;
  hiddenDim: number;
  nLayers: number;
  nHeads: number;
  nKvHeads: number;
  vocabSize: number;
  sharedClassifier: boolean;
  seqLen: number;
}

const HEADER_BYTES = 28;

/** What is wrong with a llama2.c header, for a caller that words it its own way (the studio's form marks the field). */
export type Llama2cHeaderProblem =
  | { kind: 'short'; bytes: number }
  | { kind: 'implausible'; headerField: keyof Llama2cHeader; value: number }
  | { kind: 'attention'; dim: number; nHeads: number; nKvHeads: number };

/** A header that describes no llama2.c model: the message as the CLI prints it, and the problem as data. */
export class Llama2cHeaderError extends CheckpointError {
  constructor(message: string, readonly problem: Llama2cHeaderProblem) {
    super(message);
  }
}

export function readLlama2cHeader(bytes: Uint8Array, file: string): Llama2cHeader {
  if (bytes.length < HEADER_BYTES) throw new Llama2cHeaderError(`${file}: only ${bytes.length} bytes; a llama2.c checkpoint starts with a 28-byte header`, { kind: 'short', bytes: bytes.length });
  const v = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  const [dim, hiddenDim, nLayers, nHeads, nKvHeads, vocab, seqLen] = Array.from({ length: 7 }, (_, i) => v.getInt32(i * 4, true));
  const h = { dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabSize: Math.abs(vocab), sharedClassifier: vocab > 0, seqLen };
  for (const [k, val] of Object.entries(h)) {
    if (typeof val === 'number' && (val <= 0 || val > 1 << 20)) {
      throw new Llama2cHeaderError(`${file}: header field ${k} = ${val} is implausible; is this a llama2.c checkpoint (not its tokenizer file, which --tokenizer takes), and not a legacy (version 0) one?`, { kind: 'implausible', headerField: k as keyof Llama2cHeader, value: val });
    }
  }
  if (dim % nHeads !== 0 || nHeads % nKvHeads !== 0 || (dim / nHeads) % 2 !== 0) {
    throw new Llama2cHeaderError(`${file}: header dim=${dim}, n_heads=${nHeads}, n_kv_heads=${nKvHeads} do not describe a valid Llama attention`, { kind: 'attention', dim, nHeads, nKvHeads });
  }
  return h;
}

/** The header of the llama2.c checkpoint at `file`, read from its first bytes only (a form checks it before the import). */
export function readLlama2cHeaderOf(file: string, shown: string = file): Llama2cHeader {
  const fd = fs.openSync(file, 'r');
  try {
    const head = new Uint8Array(HEADER_BYTES);
    const n = fs.readSync(fd, head, 0, HEADER_BYTES, 0);
    return readLlama2cHeader(head.subarray(0, n), shown);
  } finally {
    fs.closeSync(fd);
  }
}

/** Rows of a (nh*hs, C) projection from interleaved-pair RoPE order to HF's half-split order. */
export function permuteForRotateHalf(w: Float32Array, heads: number, rows: number, cols: number): Float32Array {
  const hs = rows / heads;
  const out = new Float32Array(w.length);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < hs / 2; i++) {
      for (let j = 0; j < 2; j++) {
        const src = (h * hs + 2 * i + j) * cols;
        const dst = (h * hs + j * (hs / 2) + i) * cols;
        out.set(w.subarray(src, src + cols), dst);
      }
    }
  }
  return out;
}

/** The HF tensors and config.json of a llama2.c checkpoint. */
export function convertLlama2c(bytes: Uint8Array, file: string): { config: Record<string, unknown>; tensors: Map<string, Tensor> } {
  const h = readLlama2cHeader(bytes, file);
  const hs = h.dim / h.nHeads;
  const kvDim = h.nKvHeads * hs;
  const L = h.nLayers;
  const floats = (bytes.length - HEADER_BYTES) / 4;
  const sizes: [string, number][] = [
    ['token_embedding', h.vocabSize * h.dim],
    ['rms_att', L * h.dim],
    ['wq', L * h.dim * h.dim],
    ['wk', L * kvDim * h.dim],
    ['wv', L * kvDim * h.dim],
    ['wo', L * h.dim * h.dim],
    ['rms_ffn', L * h.dim],
    ['w1', L * h.hiddenDim * h.dim],
    ['w2', L * h.dim * h.hiddenDim],
    ['w3', L * h.hiddenDim * h.dim],
    ['rms_final', h.dim],
    ['freq_cis', h.seqLen * hs], // real and imaginary halves, unused: RoPE is recomputed from theta
    ['wcls', h.sharedClassifier ? 0 : h.vocabSize * h.dim],
  ];
  const needed = sizes.reduce((s, [, n]) => s + n, 0);
  if (!Number.isInteger(floats) || floats !== needed) {
    const expected = needed * 4 + HEADER_BYTES;
    // what to do depends on the side: a short file was cut off (a download or copy that stopped), a long one is
    // another format behind a header that happens to look plausible
    const advice = bytes.length < expected
      ? 'the file is truncated: copy or download it again'
      : "the file holds more than the header describes: it is not a llama2.c float32 (version 0) checkpoint, as llama2.c's export.py writes with --version 0, or it is damaged";
    throw new CheckpointError(`${file}: header (dim=${h.dim}, hidden_dim=${h.hiddenDim}, n_layers=${L}, vocab=${h.vocabSize}, seq_len=${h.seqLen}) implies ${expected} bytes but the file has ${bytes.length}; ${advice}`);
  }
  const all = new Float32Array(floats);
  new Uint8Array(all.buffer).set(bytes.subarray(HEADER_BYTES));
  const parts = new Map<string, Float32Array>();
  let o = 0;
  for (const [name, n] of sizes) {
    parts.set(name, all.subarray(o, o + n));
    o += n;
  }
  const part = (name: string, layer: number, n: number) => parts.get(name)!.slice(layer * n, (layer + 1) * n);
  const tensors = new Map<string, Tensor>();
  tensors.set('model.embed_tokens.weight', { shape: [h.vocabSize, h.dim], data: parts.get('token_embedding')!.slice() });
  for (let l = 0; l < L; l++) {
    const p = `model.layers.${l}`;
    tensors.set(`${p}.input_layernorm.weight`, { shape: [h.dim], data: part('rms_att', l, h.dim) });
    tensors.set(`${p}.self_attn.q_proj.weight`, { shape: [h.dim, h.dim], data: permuteForRotateHalf(part('wq', l, h.dim * h.dim), h.nHeads, h.dim, h.dim) });
    tensors.set(`${p}.self_attn.k_proj.weight`, { shape: [kvDim, h.dim], data: permuteForRotateHalf(part('wk', l, kvDim * h.dim), h.nKvHeads, kvDim, h.dim) });
    tensors.set(`${p}.self_attn.v_proj.weight`, { shape: [kvDim, h.dim], data: part('wv', l, kvDim * h.dim) });
    tensors.set(`${p}.self_attn.o_proj.weight`, { shape: [h.dim, h.dim], data: part('wo', l, h.dim * h.dim) });
    tensors.set(`${p}.post_attention_layernorm.weight`, { shape: [h.dim], data: part('rms_ffn', l, h.dim) });
    tensors.set(`${p}.mlp.gate_proj.weight`, { shape: [h.hiddenDim, h.dim], data: part('w1', l, h.hiddenDim * h.dim) });
    tensors.set(`${p}.mlp.down_proj.weight`, { shape: [h.dim, h.hiddenDim], data: part('w2', l, h.dim * h.hiddenDim) });
    tensors.set(`${p}.mlp.up_proj.weight`, { shape: [h.hiddenDim, h.dim], data: part('w3', l, h.hiddenDim * h.dim) });
  }
  tensors.set('model.norm.weight', { shape: [h.dim], data: parts.get('rms_final')!.slice() });
  if (!h.sharedClassifier) tensors.set('lm_head.weight', { shape: [h.vocabSize, h.dim], data: parts.get('wcls')!.slice() });
  const config = {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    vocab_size: h.vocabSize,
    hidden_size: h.dim,
    intermediate_size: h.hiddenDim,
    num_hidden_layers: L,
    num_attention_heads: h.nHeads,
    num_key_value_heads: h.nKvHeads,
    max_position_embeddings: h.seqLen,
    rms_norm_eps: 1e-5,
    rope_theta: 10000,
    hidden_act: 'silu',
    tie_word_embeddings: h.sharedClassifier,
    attention_bias: false,
    mlp_bias: false,
    bos_token_id: 1,
    eos_token_id: 2,
    torch_dtype: 'float32',
  };
  return { config, tensors };
}

/** The HF folder contents of `ckpt` + `tokenizerBin`. */
export function llama2cToHf(ckpt: string, tokenizerBin: string): HfFolderContents {
  const read = (f: string) => {
    try {
      return fs.readFileSync(f); // llama2.c checkpoints are small (run.c mmaps them whole)
    } catch (err) {
      throw new CheckpointError(`${f}: cannot read (${(err as Error).message})`);
    }
  };
  const { config, tensors } = convertLlama2c(read(ckpt), ckpt);
  const tok = new Llama2cTokenizer(read(tokenizerBin), config.vocab_size as number, tokenizerBin);
  const { tokenizer, tokenizerConfig, specialTokensMap } = tok.toTokenizerJson();
  return {
    config,
    tensors,
    // run.c stops generating at BOS, which separates stories in TinyStories training data.
    generationConfig: { bos_token_id: 1, eos_token_id: [2, 1], max_length: config.max_position_embeddings },
    tokenizer,
    tokenizerConfig,
    specialTokensMap,
  };
}

/** Convert `ckpt` + `tokenizerBin` to an HF folder at `outDir` (written atomically). */
export async function importLlama2c(ckpt: string, tokenizerBin: string, outDir: string): Promise<void> {
  await writeHfFolder(outDir, llama2cToHf(ckpt, tokenizerBin));
}
