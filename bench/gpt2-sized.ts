// gpt2-124M for the serving benchmarks (bench/serve.ts, bench/batch-step.ts): GPT-2 small's shape (12 layers, d 768,
// 12 heads, vocabulary 50,257, 124 M parameters) with random weights, since no GPT-2 checkpoint can be fetched here
// (the time per token does not depend on the weights' values), and a tokenizer of single characters.
import { writeHfFolder } from '../native/models/checkpoint.ts';
import { parseModelConfig } from '../native/models/config.ts';
import { expectedTensors } from '../native/models/params.ts';

/** GPT-2 small's shape with N(0, 0.02²) weights (GPT-2's own init scale), and a tokenizer of single characters. */
export async function writeGpt2Sized(dir: string): Promise<void> {
  const config = { architectures: ['GPT2LMHeadModel'], model_type: 'gpt2', vocab_size: 50257, n_embd: 768, n_layer: 12, n_head: 12, n_positions: 1024, layer_norm_epsilon: 1e-5, activation_function: 'gelu_new', bos_token_id: 50256, eos_token_id: 50256 };
  let state = 12345;
  const rand = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5) * 0.0693; // uniform with std 0.02
  const tensors = new Map(expectedTensors(parseModelConfig(config)).map((t) => {
    const n = t.shape.reduce((a, b) => a * b, 1);
    const norm = /ln_/.test(t.name) && t.name.endsWith('.weight');
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = norm ? 1 : rand();
    return [t.name, { shape: t.shape, data }];
  }));
  // Characters first (prompts encode one token per character), then filler entries so every id decodes to text.
  const chars = Array.from(' abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.,!?;:0123456789\'"-\n');
  const vocab: Record<string, number> = {};
  chars.forEach((c, i) => (vocab[c] = i));
  for (let i = chars.length; i < 50256; i++) vocab[`<${i}>`] = i;
  vocab['<|endoftext|>'] = 50256;
  const tokenizer = {
    version: '1.0',
    added_tokens: [{ id: 50256, content: '<|endoftext|>', special: true, single_word: false, lstrip: false, rstrip: false, normalized: false }],
    normalizer: null, pre_tokenizer: null, post_processor: null, decoder: { type: 'Fuse' },
    model: { type: 'BPE', dropout: null, unk_token: null, fuse_unk: false, byte_fallback: false, vocab, merges: [] },
  };
  await writeHfFolder(dir, { config, tensors, tokenizer, tokenizerConfig: { eos_token: '<|endoftext|>', tokenizer_class: 'PreTrainedTokenizerFast' } });
}
